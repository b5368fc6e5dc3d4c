"""The punctuation and word scores, against hand-made heads; the Chinese templated corpus and its words."""
import math

import numpy as np
import torch

from attnviz.analysis.heads import best_head
from attnviz.analysis.patterns import (
    is_punctuation,
    punctuation_scores,
    word_of_tokens,
    word_scores,
)
from attnviz.core.types import AttentionCapture
from attnviz.survey.builtin_zh import TEMPLATES, builtin_zh_corpus
from attnviz.survey.corpus import open_corpus

TOKENS = list("我们在图书馆，他。")  # 我们 / 在 / 图书馆 / ，/ 他 / 。


def _causal_heads(n):
    previous = torch.zeros(n, n)
    previous[0, 0] = 1
    previous[torch.arange(1, n), torch.arange(n - 1)] = 1
    to_comma = torch.zeros(n, n)  # after the comma (position 6) every query looks at it; before, at itself
    for q in range(n):
        to_comma[q, min(q, 6)] = 1
    word_start = previous.clone()  # 馆 (5) looks at 图 (3), the start of its word
    word_start[5] = 0
    word_start[5, 3] = 1
    return torch.stack([previous, to_comma, word_start])[None]  # [layer, head, query_pos, key_pos]


def test_punctuation_marks_are_tokens_of_punctuation_alone():
    assert [is_punctuation(t) for t in ("，", "。", ",", "...", "a,", "图", " ", "")] == \
        [True, True, True, True, False, False, False, False]


def test_punctuation_scores_average_over_the_queries_that_see_a_mark():
    a = _causal_heads(len(TOKENS))
    scores = punctuation_scores(a, TOKENS, causal=True)
    # queries 7 and 8 see the comma (6); 8 also sees nothing else: previous head gives 1 at 7 (to 6), 0 at 8 (to 7)
    assert np.allclose(scores[0], [0.5, 1.0, 0.5])
    assert math.isnan(punctuation_scores(a, list("我们在图书馆他他他"), causal=True)[0, 0])  # no mark at all
    # an encoder's query sees marks on both sides, so all nine count (the comma sees 。, 。 sees the comma);
    # this head puts weight 1 on the comma at queries 7 and 8 only
    assert np.isclose(punctuation_scores(a, TOKENS, causal=False)[0, 1], 2 / 9)


def test_word_scores_count_a_words_characters_that_are_not_next_to_the_query():
    spans = [None] + [(i, i + 1) for i in range(len(TOKENS))]  # a special token first, as [CLS]
    assert word_of_tokens(spans, [2, 1, 3, 1, 1, 1]) == [-1, 0, 0, 1, 2, 2, 2, 3, 4, 5]
    word_of = word_of_tokens(spans[1:], [2, 1, 3, 1, 1, 1])
    scores = word_scores(_causal_heads(len(TOKENS)), word_of, causal=True)
    assert np.allclose(scores[0], [0.0, 0.0, 1.0])  # only 馆 → 图 counts: the previous-token head scores 0
    assert math.isnan(word_scores(_causal_heads(len(TOKENS)), [0, 0] + list(range(1, 8)), causal=True)[0, 0])


def test_best_head_finds_the_punctuation_head_of_a_capture():
    cap = AttentionCapture(tokens=TOKENS, attention={"self": _causal_heads(len(TOKENS))}, positional=None,
                           model="t", device="cpu", dtype="float32", mode="t")
    assert best_head(cap, "punctuation") == (0, 1, 1.0)


def test_builtin_zh_corpus_is_seeded_and_its_words_cover_each_text():
    items = list(builtin_zh_corpus(40))
    assert items == list(builtin_zh_corpus(40))
    assert [i["template"] for i in items[:4]] == list(TEMPLATES)
    for item in items:
        if item["template"] == "words":
            assert sum(item["segments"]) == len(item["text"]) and max(item["segments"]) >= 3
        if item["template"] == "repeat":
            first, second = item["text"][:-1].split("，")
            assert first == second
    corpus = open_corpus("builtin-zh:8")
    assert corpus.source == "builtin-zh:8" and len(list(corpus.items())) == 8
