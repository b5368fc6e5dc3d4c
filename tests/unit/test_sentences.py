"""Sentences and paragraphs of English and Chinese texts, and the unit each token falls in."""
from __future__ import annotations

import numpy as np

from attnviz.core.sentences import paragraph_of, paragraphs, sentences, token_units


def texts(text, spans):
    return [text[a:b] for a, b in spans]


def test_english_sentences_and_paragraphs():
    text = "Hello there. How are you?  I'm fine!\n\nMr. Smith met Dr. J. Watson, e.g. at 3.5 pm. \"Really?\" she asked."
    assert texts(text, sentences(text)) == ["Hello there.", "How are you?", "I'm fine!",
                                            "Mr. Smith met Dr. J. Watson, e.g. at 3.5 pm.", "\"Really?\"",
                                            "she asked."]
    assert texts(text, paragraphs(text)) == ["Hello there. How are you?  I'm fine!",
                                             "Mr. Smith met Dr. J. Watson, e.g. at 3.5 pm. \"Really?\" she asked."]
    assert list(paragraph_of(sentences(text), paragraphs(text))) == [0, 0, 0, 1, 1, 1]


def test_chinese_sentences_need_no_space():
    text = "今天天气很好。我们去公园吧！你来吗？他说：“好！”然后走了。最后一句没有句号"
    assert texts(text, sentences(text)) == ["今天天气很好。", "我们去公园吧！", "你来吗？", "他说：“好！”", "然后走了。",
                                            "最后一句没有句号"]
    mixed = "中文后面用半角!也算?English? no"
    assert texts(mixed, sentences(mixed)) == ["中文后面用半角!", "也算?", "English?", "no"]


def test_without_blank_lines_each_line_is_a_paragraph():
    text = "第一段。还是第一段。\n第二段\n  \n"
    assert texts(text, paragraphs(text)) == ["第一段。还是第一段。", "第二段"]
    assert texts(text, sentences(text)) == ["第一段。", "还是第一段。", "第二段"]


def test_a_sentence_never_crosses_a_paragraph():
    text = "A heading without a stop\n\nThe body. Ends here."
    assert texts(text, sentences(text)) == ["A heading without a stop", "The body.", "Ends here."]


def test_tokens_fall_in_the_unit_of_their_first_non_blank_character():
    text = "One two. Three four.\n\nFive."
    units = sentences(text)  # "One two." (0, 8), "Three four." (9, 20), "Five." (22, 27)
    spans = [None, (0, 3), (3, 7), (7, 8), (8, 14), (14, 19), (19, 20), (20, 22), (22, 26), (26, 27), None]
    #        <s>   One     " two"   "."    " Three" " four"  "."      "\n\n"   "Five"    "."     </s>
    got = token_units(text, spans, units)
    assert list(got) == [-1, 0, 0, 0, 1, 1, 1, 1, 2, 2, -1]
    assert list(token_units(text, spans, [])) == [-1] * len(spans)
    assert got.dtype == np.int64


def test_a_paragraph_of_half_a_million_characters_is_split_at_once():
    """The window picker splits a pasted text of 500,000 characters into sentences on every run: linear, not a search
    back to the paragraph's start at every full stop (that took two minutes)."""
    import time

    text = "Dr. Smith saw the cat. " * 22_000
    started = time.perf_counter()
    spans = sentences(text)
    assert time.perf_counter() - started < 2.0
    assert len(spans) == 22_000 and text[slice(*spans[0])] == "Dr. Smith saw the cat."
