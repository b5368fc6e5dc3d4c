"""An uploaded text file read as far as a model can use it: bounded bytes, decoded as a stream, the rest never read.

A 190 MB file decoded whole took a server from 566 MB to 6.9 GB. Here the file is read in chunks through an
incremental UTF-8 decoder and reading stops once the text holds the characters any model could read
(attnviz.models.textbound.char_budget of the token limit); a file past UPLOAD_LIMIT_MB is refused unread.
"""
from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from typing import BinaryIO

from attnviz.core.errors import BadText
from attnviz.models.textbound import UNBOUNDED_TOKENS, char_budget
from attnviz.i18n import Message, N_

# Streamlit's server.maxUploadSize (whole MB) and this reader's refusal. The most a text can give any model is
# char_budget(UNBOUNDED_TOKENS) = 1,048,576 non-blank characters: at most 4 MiB of UTF-8 (4 bytes a character,
# the worst case), plus room for the blanks between words. A longer file is a book, not a text to read a
# model's attention on; the server reads the first part of it anyway when it is under the limit.
UPLOAD_LIMIT_MB = 5
CHUNK = 64 * 1024  # bytes read at a time: the most read past the bound
REPLACEMENT = "\ufffd".encode()
SNIFF = 8 * 1024  # bytes of the file's start looked at for NUL bytes (a binary file, not text)

TOO_LARGE = N_("The file is {size_mb:.1f} MB: a text file may be at most {limit_mb} MB here. Upload the part you "
               "want to read (a model reads at most a few thousand words).")
NOT_TEXT = N_("This file does not look like text (it holds NUL bytes): upload a UTF-8 text file (.txt, .md, .csv, .json).")


@dataclass(frozen=True)
class UploadedText:
    """What was read of an uploaded file."""

    text: str  # the decoded start of the file, up to what the model can read (and a chunk's worth more)
    bytes_read: int
    size: int | None  # the file's size in bytes, when the file says (an upload does)
    complete: bool  # the whole file was read
    replaced: int  # places where the bytes were not UTF-8, shown as U+FFFD


def upload_limit_bytes(limit_mb: int = UPLOAD_LIMIT_MB) -> int:
    return limit_mb * 1024 * 1024  # Streamlit counts an upload's MB as MiB


def _size(file: BinaryIO) -> int | None:
    size = getattr(file, "size", None)  # Streamlit's UploadedFile
    if isinstance(size, int):
        return size
    try:
        here = file.tell()
        end = file.seek(0, io.SEEK_END)
        file.seek(here)
        return end
    except (OSError, AttributeError, ValueError):
        return None


def read_upload(file: BinaryIO, max_tokens: int | None = None, limit_mb: int = UPLOAD_LIMIT_MB) -> UploadedText:
    """Read the start of an uploaded text file: as many characters as a model reading `max_tokens` tokens could use
    (None: the longest any model may read here), decoded as UTF-8 (a byte-order mark dropped, bad bytes replaced).

    Raises BadText for a file past `limit_mb` (nothing is read) or one that is not text. Reading stops a chunk
    after the characters needed, so the memory it takes is bounded by the model, not by the file."""
    size = _size(file)
    if size is not None and size > upload_limit_bytes(limit_mb):
        raise BadText(Message(TOO_LARGE, size_mb=size / 2**20, limit_mb=limit_mb))
    need = char_budget(max_tokens or UNBOUNDED_TOKENS)  # non-blank characters (textbound.cut_text counts the same)
    cap = upload_limit_bytes(limit_mb)  # a file without a size (or of blanks only) is still read no further
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    parts: list[str] = []
    seen = bytes_read = replaced = 0
    complete = False
    while seen < need and bytes_read < cap:
        chunk = file.read(min(CHUNK, cap - bytes_read))
        if not chunk:
            complete = True
            break
        if bytes_read < SNIFF and b"\x00" in chunk[:SNIFF - bytes_read]:
            raise BadText(Message(NOT_TEXT))
        bytes_read += len(chunk)
        piece = decoder.decode(chunk)
        replaced += piece.count("\ufffd") - chunk.count(REPLACEMENT)  # U+FFFD written in the file is not a bad byte
        parts.append(piece)
        seen += len("".join(piece.split()))
    if complete:
        tail = decoder.decode(b"", final=True)
        replaced += tail.count("\ufffd")
        parts.append(tail)
    elif size is not None and bytes_read >= size:
        complete = True
        parts.append(decoder.decode(b"", final=True))
    return UploadedText("".join(parts), bytes_read, size, complete, max(0, replaced))


def release(file: BinaryIO) -> None:
    """Close the upload (a BytesIO, as Streamlit's is, frees its buffer); the page must also drop its widget's value."""
    try:
        file.close()
    except (OSError, AttributeError):
        pass
