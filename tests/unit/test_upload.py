"""An uploaded text file is read only as far as a model can use it, decoded as a stream; one past the limit is
refused unread."""
from __future__ import annotations

import io

import pytest

from attnviz.core.errors import BadText
from attnviz.models.textbound import char_budget, cut_text
from attnviz.models.upload import CHUNK, UPLOAD_LIMIT_MB, read_upload, release, upload_limit_bytes


class Counting(io.BytesIO):
    """A BytesIO that remembers how many bytes were read from it, and the largest single read."""

    def __init__(self, data: bytes, size: int | None = None) -> None:
        super().__init__(data)
        self.read_bytes = self.largest = 0
        if size is not None:
            self.size = size

    def read(self, n: int = -1) -> bytes:
        out = super().read(n)
        self.read_bytes += len(out)
        self.largest = max(self.largest, len(out))
        return out


def _bound(data: bytes, need: int) -> int:
    """Bytes up to the `need`-th non-blank character, and one chunk more: what the reader may read at most."""
    text = data.decode("utf-8")
    seen = 0
    for i, ch in enumerate(text):
        seen += not ch.isspace()
        if seen >= need:
            return len(text[:i + 1].encode()) + CHUNK
    return len(data)


def test_a_long_file_is_read_only_as_far_as_the_model_reads():
    data = ("Der Hund läuft über die Straße. 東京は大きい。 " * 83_000).encode()  # 4.5 MB, under the limit
    f = Counting(data)
    got = read_upload(f, max_tokens=512)
    need = char_budget(512)  # 32,768 non-blank characters
    assert f.read_bytes == got.bytes_read <= _bound(data, need)
    assert f.read_bytes < len(data) / 20 and f.largest <= CHUNK
    assert not got.complete and got.size == len(data) and got.replaced == 0
    assert data.decode().startswith(got.text)  # no character split, nothing changed
    assert len("".join(got.text.split())) >= need  # enough for what the model reads…
    head, _cut = cut_text(got.text, 512)
    assert head == cut_text(data.decode(), 512)[0]  # …and exactly what the whole file would have given it


def test_a_short_file_is_read_whole_with_its_bom_dropped_and_bad_bytes_counted():
    data = "\ufeffcafé\n".encode() + b"\xff\xfe ok " + "\ufffd kept".encode()
    got = read_upload(Counting(data), max_tokens=512)
    assert got.complete and got.bytes_read == len(data)
    assert got.text == "café\n\ufffd\ufffd ok \ufffd kept"
    assert got.replaced == 2  # the two bad bytes; the U+FFFD written in the file is not counted


def test_a_character_split_between_two_chunks_is_decoded_whole():
    data = b"a" * (CHUNK - 1) + "é東".encode() + b" end"  # é's two bytes straddle the first chunk's end
    got = read_upload(Counting(data))
    assert got.text == data.decode() and got.replaced == 0 and got.complete


def test_a_file_past_the_limit_is_refused_before_a_byte_is_read():
    f = Counting(b"x" * 10, size=upload_limit_bytes() + 1)  # an upload says its size
    with pytest.raises(BadText) as err:
        read_upload(f)
    assert f.read_bytes == 0
    assert str(err.value).startswith(f"The file is 5.0 MB: a text file may be at most {UPLOAD_LIMIT_MB} MB here.")


class Stream(Counting):
    """A stream that cannot say its size (no size, no seeking)."""

    def seek(self, *_a):
        raise OSError("not seekable")


def test_a_file_of_blanks_is_read_no_further_than_the_limit():
    f = Counting(b" " * (upload_limit_bytes(1) + 3 * CHUNK))  # no size attribute: found by seeking
    with pytest.raises(BadText):
        read_upload(f, limit_mb=1)
    assert f.read_bytes == 0
    stream = Stream(b" " * (upload_limit_bytes(1) + 3 * CHUNK))  # blanks never count toward what a model reads
    got = read_upload(stream, max_tokens=4, limit_mb=1)
    assert stream.read_bytes == got.bytes_read == upload_limit_bytes(1)
    assert not got.complete and got.size is None and got.text == " " * upload_limit_bytes(1)


def test_binary_files_are_refused():
    with pytest.raises(BadText, match="does not look like text"):
        read_upload(Counting(b"PK\x03\x04\x00\x00binary"))


def test_release_frees_the_upload():
    f = io.BytesIO(b"abc")
    release(f)
    assert f.closed
