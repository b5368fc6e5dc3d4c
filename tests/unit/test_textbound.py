"""A text is cut before tokenising to a generous bound: nothing the model would read is lost."""
from attnviz.models.textbound import CHARS_PER_TOKEN, cut_note, cut_text


def test_short_text_is_untouched():
    assert cut_text("hello world", 512) == ("hello world", 0)


def test_long_text_keeps_the_budget_of_non_blank_characters():
    text = "abcd " * 100_000
    head, cut = cut_text(text, 512)
    assert len("".join(head.split())) >= 512 * CHARS_PER_TOKEN and len(head) + cut == len(text)
    assert text.startswith(head) and cut > 0


def test_blank_runs_do_not_hide_the_words_after_them():
    text = " " * 3_000_000 + "the words the model reads"
    assert cut_text(text, 512) == (text, 0)


def test_the_note_says_how_much_was_cut():
    note = cut_note(5_000_000, 4_957_870, 512)
    assert note.startswith("The text is 5,000,000 characters") and "4,957,870 characters cut" in note


def test_minilm_reads_the_same_512_tokens_from_the_cut_text(minilm):
    text = "The cat sat on the mat because it was tired. " * 50_000
    head, _ = cut_text(text, minilm.info.max_positions)
    whole = minilm.codec.encode(text[:200_000])
    assert minilm.codec.encode(head)[:511] == whole[:511]
