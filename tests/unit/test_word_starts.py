"""Tokens show word starts the same way for every tokeniser: a piece that continues a word reads "…y"."""
from attnviz.models.tokens import GlassCodec, HFCodec


class FakeGlass:
    def __init__(self, pieces):
        self.pieces = pieces

    def tokens(self, ids):
        return [self.pieces[i] for i in ids]


class FakeHF:
    all_special_tokens = ["[CLS]", "[SEP]", "<s>"]

    def __init__(self, pieces):
        self.pieces = pieces

    def convert_ids_to_tokens(self, ids):
        return [self.pieces[i] for i in ids]

    def convert_tokens_to_string(self, tokens):
        return "".join(tokens).replace("##", "").replace("Ġ", " ").replace("▁", " ")


def test_glassllm_word_starts():
    pieces = ["<pad>", "<bos>", "<eos>", "<unk>", "▁The", "▁ke", "y", "s", "▁are", "."]
    shown = GlassCodec(FakeGlass(pieces)).display([1, 4, 5, 6, 7, 8, 9])
    assert shown == ["<bos>", "The", "ke", "…y", "…s", "are", "."]


def test_wordpiece_continuations():
    pieces = ["[CLS]", "the", "token", "##iser", "##s", ".", "[SEP]"]
    assert HFCodec(FakeHF(pieces)).display(list(range(7))) == ["[CLS]", "the", "token", "…iser", "…s", ".", "[SEP]"]


def test_byte_level_first_word_and_punctuation():
    pieces = ["<s>", "The", "Ġke", "ys", "Ġwork", "."]
    assert HFCodec(FakeHF(pieces)).display(list(range(6))) == ["<s>", "The", "ke", "…ys", "work", "."]


def test_no_markers_no_guessing():
    pieces = ["a", "b", "c"]
    assert HFCodec(FakeHF(pieces)).display([0, 1, 2]) == ["a", "b", "c"]
