"""Compare's alignment walks only the characters the models read, however long the pasted texts."""
import pytest

from builders import _wordpiece_tokenizer

import attnviz.analysis.align as align_module
from attnviz.analysis.align import align, read_extent, read_part
from attnviz.models.tokens import HFCodec

WORDS = "the cat sat on the mat because it was tired and a dog ran in the park".split()
READ = 512  # tokens the model keeps, as MiniLM


def _text(n_chars: int, changed: str = "big") -> str:
    """Words up to n_chars characters; the 41st word is `changed`."""
    words, size, i = [], 0, 0
    while size < n_chars:
        word = changed if i == 40 else WORDS[i % len(WORDS)]
        words.append(word)
        size += len(word) + 1
        i += 1
    return " ".join(words)[:n_chars]


def _read(codec: HFCodec, text: str) -> tuple[list[str], list]:
    """Tokens and spans as capture keeps them: the first READ tokens, the closing [SEP] kept."""
    ids, spans = codec.encode_with_offsets(text)
    ids, spans = ids[:READ - 1] + ids[-1:], spans[:READ - 1] + spans[-1:]
    return codec.display(ids), spans


@pytest.fixture()
def walked(monkeypatch):
    """The lengths of the two sequences every diff of the alignment is asked to walk."""
    seen: list[tuple[int, int]] = []

    class Counting(align_module.SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            seen.append((len(a), len(b)))
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(align_module, "SequenceMatcher", Counting)
    return seen


def test_read_extent_is_the_end_of_the_last_spanned_token():
    assert read_extent([None, (0, 3), (4, 7), None]) == 7
    assert read_extent([None, None]) == 0
    assert read_part("abc def ghi", [None, (0, 3), (4, 7), None]) == "abc def"


def test_two_long_texts_walk_no_more_characters_than_their_512_token_cut(walked):
    codec = HFCodec(_wordpiece_tokenizer())
    long_a, long_b = _text(65_000), _text(65_000, changed="red")
    tokens_a, spans_a = _read(codec, long_a)
    tokens_b, spans_b = _read(codec, long_b)
    end_a, end_b = read_extent(spans_a), read_extent(spans_b)
    assert len(tokens_a) == len(tokens_b) == READ
    assert end_a < 3_000 and end_b < 3_000  # 511 short words: a few thousand characters, not 65,000

    whole = align(long_a, spans_a, long_b, spans_b, tokens_a, tokens_b)
    cut = align(long_a[:end_a], spans_a, long_b[:end_b], spans_b, tokens_a, tokens_b)
    assert walked == [(end_a, end_b), (end_a, end_b)]  # both alignments walked the same, cut characters
    assert whole.to_json() == cut.to_json()
    assert whole.shared_chars == cut.shared_chars
    changed = [u for u in whole.units if u.kind == "changed"]
    assert [u.label for u in changed] == ["big→red"]  # the one difference inside what the models read


def test_a_difference_past_what_the_models_read_is_not_seen(walked):
    codec = HFCodec(_wordpiece_tokenizer())
    a = _text(65_000)
    b = a[:60_000] + "X" + a[60_001:]  # changed far beyond the 512th token
    tokens_a, spans_a = _read(codec, a)
    tokens_b, spans_b = _read(codec, b)
    result = align(a, spans_a, b, spans_b, tokens_a, tokens_b)
    assert all(u.kind != "changed" for u in result.units)
    assert walked == [(read_extent(spans_a), read_extent(spans_b))]
