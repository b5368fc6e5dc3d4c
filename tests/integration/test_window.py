"""The window of a long text a model with few positions reads: the right characters, and what was cut on each side."""
from __future__ import annotations

import pytest

from attnviz import load_model
from attnviz.capture.window import capture_window
from attnviz.core.sentences import sentences
from attnviz.models.window import choose_window

TEXT = ("The cat sat on the mat. A dog ran in the park and the cat watched. Attention lets every token look at "
        "every other token. One two three four five six seven eight nine ten. The cat was tired because it sat "
        "on the mat all day. The dog ran home.")


@pytest.fixture(scope="module")
def bert(hf_folders):
    return load_model(str(hf_folders["bert"]), device="cpu")  # WordPiece, [CLS] … [SEP], 32 positions


@pytest.fixture(scope="module")
def gpt2(hf_folders):
    return load_model(str(hf_folders["gpt2"]), device="cpu")  # byte-level BPE, no added tokens, 64 positions


def text_pieces(model):
    _, spans = model.codec.encode_with_offsets(TEXT)
    return [s for s in spans if s is not None]


@pytest.mark.parametrize("which", ["bert", "gpt2"])
def test_a_window_from_a_start_token(which, request):
    model = request.getfixturevalue(which)
    pieces = text_pieces(model)
    limit = model.info.max_positions
    room = limit - (2 if which == "bert" else 0)
    assert len(pieces) > room + 10  # the text is longer than the model reads
    w = choose_window(model.codec, TEXT, limit, start=7)
    assert (w.start_token, w.n_tokens, w.tokens_before) == (7, room, 7)
    assert (w.start_char, w.end_char) == (pieces[7][0], pieces[7 + room - 1][1])
    assert w.text == TEXT[w.start_char:w.end_char]
    assert w.chars_before == w.start_char and w.chars_after == len(TEXT) - w.end_char
    assert w.tokens_after == len(pieces) - 7 - room and not w.whole
    assert len(model.codec.encode(w.text)) <= limit


def test_a_start_past_the_end_keeps_the_window_full(gpt2):
    pieces = text_pieces(gpt2)
    w = choose_window(gpt2.codec, TEXT, 64, start=10_000)
    assert w.end_char == pieces[-1][1] and w.tokens_after == 0 and w.n_tokens == 64
    assert w.start_token == len(pieces) - 64


def test_a_window_centred_on_a_sentence(bert):
    sentence = sentences(TEXT)[3]  # "One two three … ten."
    pieces = text_pieces(bert)
    w = choose_window(bert.codec, TEXT, 32, centre=sentence)
    assert w.start_char <= sentence[0] and sentence[1] <= w.end_char
    inside = [t for t, (a, b) in enumerate(pieces) if a >= sentence[0] and b <= sentence[1]]
    middle = (inside[0] + inside[-1]) // 2
    assert w.start_token == middle - 30 // 2  # the sentence's middle token in the middle of the 30-token window
    assert TEXT[w.start_char:w.end_char] == w.text


def test_a_short_text_is_whole_and_the_capture_reads_the_window(bert):
    w = choose_window(bert.codec, "the cat sat.", 32)
    assert w.whole and w.text == "the cat sat." and w.tokens_after == 0
    cap, window = capture_window(bert, TEXT, start=12)
    assert len(cap.tokens) <= 32 and cap.text == window.text and window.tokens_before == 12
    first = next(s for s in cap.spans if s is not None)
    assert TEXT[window.start_char + first[0]:window.start_char + first[1]] == window.text[first[0]:first[1]]
    assert cap.truncated_from is None  # the window fits: nothing cut by the capture itself
