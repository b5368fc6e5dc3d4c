"""Needle in a haystack on a tiny GPT-2 whose retrieval head is planted by construction: its weights are set by
hand so that head 0's query is the embedding of the token that follows the current one in the needle, its key the
token itself and its value the token, written back to the output. It answers by copying the needle; the heads'
retrieval scores equal a count by hand of the steps each head copies at."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from attnviz import capture, load_model
from attnviz.analysis import needle as nh
from attnviz.analysis.haystack import default_test

from needle_model import ANSWER, HAYSTACK, ID, NEEDLE, QUESTION, WORDS, planted


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return load_model(str(planted(tmp_path_factory.mktemp("needle") / "planted")), device="cpu")


def test_the_needle_goes_at_a_sentence_boundary_at_its_depth():
    text, (a, b), placed = nh.insert_needle("One. Two. Three. Four.", "NEEDLE.", 0.5)
    assert text == "One. Two. NEEDLE. Three. Four." and text[a:b] == "NEEDLE." and placed == pytest.approx(9 / 22)
    assert nh.insert_needle("One. Two.", "N.", 0.0)[0] == "N. One. Two."
    assert nh.insert_needle("One. Two.", "N.", 1.0)[0] == "One. Two. N."
    assert nh.insert_needle("第一句。第二句。", "针。", 0.5)[0] == "第一句。针。第二句。"
    with pytest.raises(ValueError):
        nh.insert_needle("One.", "N.", 1.5)


def test_a_case_has_its_length_and_finds_the_needle(model):
    case = nh.build_case(model.codec, HAYSTACK, NEEDLE, QUESTION, 0.5, 60)
    assert abs(case.length - 60) <= 2 and case.length == len(case.ids)
    words = [WORDS[i] for i in case.ids]
    assert words[case.needle[0]:case.needle[1]] == NEEDLE.split()
    assert words[-5:] == QUESTION.split() and words[0] == "start"
    longer = nh.build_case(model.codec, HAYSTACK, NEEDLE, QUESTION, 1.0, 120)  # the haystack read again
    assert abs(longer.length - 120) <= 2 and [WORDS[i] for i in longer.ids].count("start") == 3  # 39 words a copy
    assert longer.needle[1] == longer.length - 5  # depth 1: after the last sentence, before the question
    with pytest.raises(ValueError, match="no room"):
        nh.build_case(model.codec, HAYSTACK, NEEDLE, QUESTION, 0.5, 12)


def test_the_planted_head_copies_the_needle_and_scores_as_counted_by_hand(model):
    case = nh.build_case(model.codec, HAYSTACK, NEEDLE, QUESTION, 0.3, 60)
    run = nh.run_case(model, case, ANSWER, n_new=4)
    assert [WORDS[i] for i in run.generated] == ANSWER.split()  # the planted head answers
    assert run.right and run.recall == 1.0
    r = run.retrieval
    n0 = case.needle[0]  # the needle: the code is red green blue gold . (8 tokens), red at n0 + 3
    assert (r.needle_tokens, r.copied) == (8, 4)
    # head 0 copies at all four steps: its top keys are red, green, blue, gold inside the needle
    assert list(r.top[0, 0]) == [n0 + 3, n0 + 4, n0 + 5, n0 + 6]
    # head 1 at the first two steps, then looks at the first token; head 2 always at the first token;
    # head 3 looks inside the needle three times, but never at the token being written
    assert list(r.top[0, 1]) == [n0 + 3, n0 + 4, 0, 0] and list(r.top[0, 2]) == [0, 0, 0, 0]
    assert list(r.top[0, 3]) == [n0 + 4, n0 + 5, n0 + 6, 0]
    assert list(r.hits[0]) == [4, 2, 0, 0]
    assert r.score[0] == pytest.approx([4 / 8, 2 / 8, 0, 0])  # Wu et al.: steps copied / needle tokens
    assert r.share[0] == pytest.approx([1.0, 0.5, 0, 0])  # of the 4 copied needle tokens


def test_retrieval_scores_of_a_hand_built_attention():
    """Steps, top keys and tokens set by hand: 6 prompt tokens, needle at 2:5, three steps written."""
    from attnviz.core.sources import DenseSource

    ids = [9, 8, 5, 6, 7, 8, 5, 7, 1]  # prompt 0..5, written: 5, 7, 1 (1 is not a needle token)
    a = torch.zeros(1, 2, 9, 9)
    tops = {0: [2, 4, 4], 1: [2, 1, 3]}  # rows 5, 6, 7 choose ids[6], ids[7], ids[8]
    for head, keys in tops.items():
        for step, key in enumerate(keys):
            a[0, head, 5 + step, key] = 1.0
    r = nh.retrieval_scores(DenseSource(a), ids, 6, (2, 5))
    # head 0: step 0 key 2 holds 5 = written 5 ✓; step 1 key 4 holds 7 = 7 ✓; step 2 key 4 holds 7 ≠ 1 ✗
    # head 1: step 0 ✓; step 1 key 1 outside the needle ✗; step 2 key 3 holds 6 ≠ 1 ✗
    assert list(r.hits[0]) == [2, 1] and r.copied == 2 and r.needle_tokens == 3
    assert r.score[0] == pytest.approx([2 / 3, 1 / 3]) and r.share[0] == pytest.approx([1.0, 0.5])


def test_the_depth_by_length_grid(model):
    g = nh.grid(model, HAYSTACK, NEEDLE, QUESTION, ANSWER, depths=[0.0, 0.5, 1.0], lengths=[40, 90], n_new=4)
    assert g.right.shape == (3, 2) and g.right.all() and np.allclose(g.recall, 1.0)
    assert g.retrieval[0] == pytest.approx([0.5, 0.25, 0, 0])  # the same at every depth and length
    placed = [row[0].case.placed for row in g.runs]
    assert placed[0] == 0.0 and placed[0] < placed[1] < placed[2]
    with pytest.raises(ValueError, match="model reads 128"):
        nh.run_case(model, nh.build_case(model.codec, HAYSTACK, NEEDLE, QUESTION, 0.5, 130), ANSWER)
    wrong = nh.grid(model, HAYSTACK, NEEDLE, QUESTION, "purple", depths=[0.5], lengths=[40], n_new=4)
    assert not wrong.right.any() and not wrong.retrieval.any()  # no right answer: nothing averaged


def test_recall_counts_expected_words_and_chinese_characters():
    assert nh.recall("7421", "The code is 7421.") == 1.0
    assert nh.recall("red green blue gold", "red green") == 0.5
    assert nh.recall("七四二一", "密码是七四二") == 0.75
    assert nh.recall("", "anything") == 0.0
    haystack, needle, _, answer = default_test("zh")
    assert needle in nh.insert_needle(haystack, needle, 0.5)[0] and answer in needle


def test_capture_of_the_planted_model_is_queries_and_keys_or_eager_alike(model):
    case = nh.build_case(model.codec, HAYSTACK, NEEDLE, QUESTION, 0.7, 50)
    seq = case.ids + [ID["red"], ID["green"]]
    q = capture(model, None, ids=seq, mode="qk").source("self")
    e = capture(model, None, ids=seq, mode="eager").source("self")
    rq = nh.retrieval_scores(q, seq, case.length, case.needle)
    re_ = nh.retrieval_scores(e, seq, case.length, case.needle)
    assert np.array_equal(rq.top, re_.top) and np.array_equal(rq.hits, re_.hits)


def test_greedy_with_the_key_value_cache_writes_what_full_recomputation_writes(hf_folders):
    from attnviz.models.generate import decode_loop, greedy_ids

    gpt2 = load_model(str(hf_folders["gpt2"]), device="cpu")
    ids = gpt2.codec.encode("the cat sat on the mat because")

    def logits_of(seq):
        with torch.no_grad():
            return gpt2.module(torch.tensor([seq])).logits[0, -1]

    assert greedy_ids(gpt2, ids, 6) == decode_loop(logits_of, ids, 6)
    first = decode_loop(logits_of, ids, 1)[-1]
    assert greedy_ids(gpt2, ids, 6, stop={first}) == ids + [first]  # stops after a stop token, keeping it
    assert len(greedy_ids(gpt2, ids, 10_000)) == gpt2.info.max_positions  # never past the model's positions
