"""Tokens of two tokenisers aligned by the characters they cover (WordPiece and byte-level BPE built here)."""
import re

import pytest

from builders import _bpe_tokenizer, _wordpiece_tokenizer

from attnviz.analysis.align import align
from attnviz.models.tokens import CharCodec, HFCodec

TEXT = "Unbelievable! The café sold 1,234 crêpes in 東京, didn't it?"


@pytest.fixture(scope="module")
def aligned():
    wp = HFCodec(_wordpiece_tokenizer())
    bpe = HFCodec(_bpe_tokenizer({"eos_token": "<|endoftext|>", "bos_token": "<|endoftext|>",
                                  "unk_token": "<|endoftext|>"}))
    ids_a, spans_a = wp.encode_with_offsets(TEXT)
    ids_b, spans_b = bpe.encode_with_offsets(TEXT)
    assert ids_a == wp.encode(TEXT) and ids_b == bpe.encode(TEXT)  # offsets never change the tokens
    return wp.display(ids_a), spans_a, bpe.display(ids_b), spans_b, align(TEXT, spans_a, TEXT, spans_b)


def _unit(result, label):
    return next(u for u in result.units if u.label == label)


def test_every_unit_covers_the_same_characters_on_both_sides(aligned):
    _ta, spans_a, _tb, spans_b, result = aligned
    assert result.comparable and result.units
    for u in result.units:
        assert u.kind == "same"
        assert TEXT[u.span_a[0]:u.span_a[1]].strip() == TEXT[u.span_b[0]:u.span_b[1]].strip() == u.label
        # each side's tokens lie inside the unit's characters
        assert all(u.span_a[0] <= spans_a[i][0] and spans_a[i][1] <= u.span_a[1] for i in u.a)
        assert all(u.span_b[0] <= spans_b[j][0] and spans_b[j][1] <= u.span_b[1] for j in u.b)


def test_a_word_whole_on_one_side_and_split_on_the_other_is_one_unit(aligned):
    tokens_a, _sa, tokens_b, _sb, result = aligned
    word = _unit(result, "Unbelievable")
    assert len(word.a) == 1 and len(word.b) > 1  # one WordPiece token ([UNK]) against the BPE pieces
    the = _unit(result, "The")
    assert [tokens_a[i] for i in the.a] == ["the"] and "".join(tokens_b[j].removeprefix("…") for j in the.b) == "The"  # "…he" continues "T"


def test_numbers_punctuation_accents_and_cjk_align(aligned):
    _ta, _sa, tokens_b, _sb, result = aligned
    labels = [u.label for u in result.units]
    for label in ("!", "1", ",", "234", "é", "東", "京", "'", "?"):
        assert label in labels, label
    assert len(_unit(result, "東").b) == 3  # three UTF-8 bytes in byte-level BPE, one character in WordPiece
    assert len(_unit(result, "é").a) == 1 and len(_unit(result, "é").b) == 2  # WordPiece strips the accent: "e"
    assert [u.label for u in result.units[:3]] == ["Unbelievable", "!", "The"]  # in reading order


def test_special_tokens_without_a_counterpart_are_left_out(aligned):
    tokens_a, _sa, _tb, _sb, result = aligned
    assert [tokens_a[i] for i in result.unaligned_a] == ["[CLS]", "[SEP]"]  # BPE here adds no specials


def _words(text: str) -> list:
    return [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]


def test_a_changed_word_aligns_with_the_word_it_replaced():
    a, b = "The doctor said he was late.", "The doctor said she was late."
    result = align(a, _words(a), b, _words(b))
    assert [u.label for u in result.units] == ["The", "doctor", "said", "he→she", "was", "late", "."]
    assert [u.kind for u in result.units].count("changed") == 1 and result.comparable
    chars = align(a, _words(a), b, CharCodec().encode_with_offsets(b)[1])  # words against characters
    assert [u.label for u in chars.units][:4] == ["The", "doctor", "said", "he"]
    assert len(chars.units[3].b) == 2
    # the added "s" has no counterpart in A; nor have the spaces, which A's word tokens do not cover
    assert [b[j] for j in chars.unaligned_b] == [" ", " ", " ", "s", " ", " "]


def test_texts_with_no_characters_in_common_are_not_comparable():
    codec = CharCodec()
    result = align("abc def", codec.encode_with_offsets("abc def")[1], "xyz", codec.encode_with_offsets("xyz")[1])
    assert not result.comparable
    assert "no characters in common" in result.reason()


def test_glassllm_offsets_cover_its_pieces():
    glassllm = pytest.importorskip("glassllm")
    from attnviz.models.tokens import GlassCodec

    codec = GlassCodec(glassllm.load_pretrained("en")[1])
    text = "The cat sat, 42 times!  Café\n"
    ids, spans = codec.encode_with_offsets(text)
    assert ids == codec.encode(text)
    assert "".join(text[s:e] for s, e in spans) == text  # consecutive, nothing skipped
    assert [text[s:e] for s, e in spans][:3] == ["The", " c", "at"]
