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


def test_the_note_names_the_servers_limit_when_that_is_what_cuts():
    note = cut_note(100_000, 93_600, 100, by_server=True)
    assert "this server reads at most 100 tokens per capture" in note and "93,600 characters cut" in note


def test_capture_cuts_to_the_servers_token_limit_before_tokenising(minilm):
    """With ATTNVIZ_MAX_TOKENS lower than the model's 512, the text is cut to that limit's bound, the
    notes say the server is what cut it, and the tokens kept are those of the whole text."""
    from attnviz import capture

    text = "The cat sat on the mat because it was tired. " * 2_000  # 90,000 characters
    cap = capture(minilm, text, max_tokens=100)
    bound = 100 * CHARS_PER_TOKEN
    assert cap.notes[0].startswith(f"The text is {len(text):,} characters; this server reads at most 100 tokens")
    assert len(cap.text) < bound * 1.3 and len(cap.text) < len(text)  # bound counts non-blank characters
    assert len(cap.tokens) == 100 and cap.truncated_from is not None
    assert any("this server takes at most 100 per capture" in n for n in cap.notes)
    assert cap.tokens[:99] == capture(minilm, text[:5_000], max_tokens=100).tokens[:99]
