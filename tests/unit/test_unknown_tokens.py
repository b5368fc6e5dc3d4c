"""unknown.report: the unknown tokens of a text and the characters they stand for, characters a tokeniser
drops, the share that makes a note, and the note's English."""
from attnviz.models.tokens import CharCodec
from attnviz.models.unknown import (
    NOTE_SHARE,
    UnknownNote,
    UnknownReport,
    note_text,
    report,
    unknown_id,
    with_readers,
)


class Dropping:
    """A tokeniser that reads letters one by one, has no unknown token, and drops every digit (no token covers it)."""

    def encode_with_offsets(self, text):
        spans = [(i, i + 1) for i, ch in enumerate(text) if ch.isalpha()]
        return [ord(text[a]) for a, _ in spans], spans

    def special_ids(self):
        return set()

    def display(self, ids):
        return [chr(i) for i in ids]


def test_unknown_tokens_and_their_characters():
    codec = CharCodec(alphabet="ab ")
    found = report(codec, "ab猫b狗猫")
    unk = codec.id("<unk>")
    assert unknown_id(codec) == unk
    assert (found.n_tokens, found.n_unknown, found.unknown_token) == (6, 3, "<unk>")
    assert found.unknown_chars == "猫狗"  # distinct, in order of first appearance
    assert (found.n_vanished, found.vanished_chars) == (0, "")
    assert found.share == 3 / 6 and found.noticeable()


def test_a_text_the_codec_reads_has_nothing_to_report():
    found = report(CharCodec(alphabet="ab "), "ab ba")
    assert (found.n_unknown, found.n_vanished, found.missing) == (0, 0, "")
    assert not found.noticeable(threshold=0.0)


def test_dropped_characters_are_found_from_the_spans():
    found = report(Dropping(), "a1b2 c3")
    assert unknown_id(Dropping()) is None
    assert (found.n_tokens, found.n_unknown, found.unknown_token) == (3, 0, None)
    assert (found.n_vanished, found.vanished_chars) == (2, "12")  # the space is not a character that vanished;
    assert found.share == 2 / 5  # and "3", after the last token, is where a capture cut the text, not a drop


def test_the_threshold_is_a_share_of_what_was_read():
    codec = CharCodec(alphabet="a")
    one_in_twenty = "a" * 19 + "猫"
    assert report(codec, one_in_twenty).share == 1 / 20 == NOTE_SHARE
    assert report(codec, one_in_twenty).noticeable()
    assert not report(codec, "a" * 20 + "猫").noticeable()  # 1 in 21


def test_the_given_ids_and_spans_are_the_ones_counted():
    codec = CharCodec(alphabet="a")
    ids, spans = codec.encode_with_offsets("a猫a猫")
    found = report(codec, "a猫a猫", ids[:2], spans[:2])  # a capture that kept two tokens
    assert (found.n_tokens, found.n_unknown, found.n_vanished) == (2, 1, 0)


def test_readers_are_the_candidates_that_read_every_missing_character():
    found = report(CharCodec(alphabet="a"), "a猫狗")
    def broken():
        return (_ for _ in ()).throw(ImportError("not installed"))
    named = with_readers(found, {"cats": lambda: CharCodec(alphabet="猫"), "both": lambda: CharCodec(alphabet="狗猫"),
                                 "missing": broken})
    assert named.readers == ("both",)


def test_the_note_says_how_many_which_and_who_reads_them():
    found = UnknownReport(n_tokens=25, n_unknown=15, unknown_token="[UNK]", unknown_chars="猫坐", n_vanished=1,
                          vanished_chars="\u00e9", readers=("zh-char",))
    assert note_text(found) == ("15 of 25 tokens are the unknown token [UNK]: this model cannot read “猫坐”. "
                                "Characters the tokeniser dropped, which this model never sees (1): “é”. "
                                "zh-char reads them.")
    nobody = UnknownReport(n_tokens=3, n_unknown=3, unknown_token="<unk>", unknown_chars="x" * 25, n_vanished=0,
                           vanished_chars="")
    assert note_text(nobody) == ("3 of 3 tokens are the unknown token <unk>: this model cannot read “" + "x" * 20
                                 + "…”. No bundled model reads all of them.")
    two = UnknownReport(n_tokens=2, n_unknown=1, unknown_token="[UNK]", unknown_chars="é", n_vanished=0,
                        vanished_chars="", readers=("zh-char", "glassllm-en"))
    assert note_text(two).endswith("zh-char, glassllm-en read them.")  # one verb a number


def test_the_note_keeps_its_report_through_pickling():
    import pickle

    found = report(CharCodec(alphabet="a"), "a猫")
    note = pickle.loads(pickle.dumps(UnknownNote(found)))
    assert note == note_text(found) and note.report == found
