"""Each head-type score equals its definition computed by hand on small patterns."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from attnviz.analysis.headtypes import scores as sc
from attnviz.analysis.headtypes.census import assign, thresholds_with
from attnviz.analysis.headtypes.definitions import HEAD_TYPES, ORDER, THRESHOLDS
from attnviz.analysis.headtypes.probe import find_repeat


def rows(*r) -> torch.Tensor:
    return torch.tensor(r, dtype=torch.float32)


# a causal 4-token head: row i over keys 0..i
CAUSAL = rows([1, 0, 0, 0],
              [0.25, 0.75, 0, 0],
              [0.1, 0.6, 0.3, 0],
              [0.2, 0.1, 0.5, 0.2])


def test_previous_token_is_transformerlens_mul_score():
    # TransformerLens: detection pattern ones at [i, i-1]; score = sum(A * D) / sum(A); sum(A) = 4 rows
    assert sc.previous_token(CAUSAL).item() == pytest.approx((0.25 + 0.6 + 0.5) / 4)
    perfect = torch.zeros(5, 5)
    perfect[0, 0] = 1
    perfect[torch.arange(1, 5), torch.arange(4)] = 1
    assert sc.previous_token(perfect).item() == pytest.approx(4 / 5)  # row 0 has no previous token


def test_duplicate_token_is_transformerlens_mul_score_and_nan_without_repeats():
    ids = [7, 8, 7, 8]  # D: (2, 0) and (3, 1)
    assert sc.duplicate_token(CAUSAL, ids).item() == pytest.approx((0.1 + 0.1) / 4)
    words = ["a", "b", "a", "b"]  # token strings work the same as ids
    assert sc.duplicate_token(CAUSAL, words).item() == pytest.approx(0.05)
    assert math.isnan(sc.duplicate_token(CAUSAL, [1, 2, 3, 4]).item())
    d = sc.duplicate_pattern([5, 5, 5])  # every earlier copy, never the token itself
    assert d.tolist() == [[0, 0, 0], [1, 0, 0], [1, 1, 0]]


def test_first_token_and_delimiter():
    assert sc.first_token(CAUSAL).item() == pytest.approx((1 + 0.25 + 0.1 + 0.2) / 4)
    tokens, special = ["[CLS]", "hi", ",", "[SEP]"], [True, False, False, True]
    flags = sc.delimiters(tokens, special)
    assert flags == [False, False, True, True]  # position 0 is the sink's, not a delimiter
    assert sc.delimiter(CAUSAL, flags).item() == pytest.approx((0 + 0 + 0.3 + (0.5 + 0.2)) / 4)
    assert math.isnan(sc.delimiter(CAUSAL, [True, False, False, False]).item())
    assert [sc.is_punctuation(t) for t in ("…,", ".", "?!", "…ell", "␣", "a.")] == [True, True, True, False, False,
                                                                                       False]


def test_local_is_one_minus_distance_over_uniform_distance():
    d = (0 + 0.25 * 1 + (0.1 * 2 + 0.6 * 1) + (0.2 * 3 + 0.1 * 2 + 0.5 * 1)) / 4
    uniform = (0 + 0.5 + 1 + 1.5) / 4  # causal: row i, uniform over 0..i, mean distance i/2
    assert sc.mean_distance(CAUSAL).item() == pytest.approx(d)
    assert sc.local(CAUSAL, causal=True).item() == pytest.approx(1 - d / uniform)
    # bidirectional 3 tokens: row distances (0+1+2)/3, (1+0+1)/3, (2+1+0)/3
    assert sc.uniform_distance(3, 3, causal=False) == pytest.approx((1 + 2 / 3 + 1) / 3)
    assert sc.local(torch.eye(3), causal=False).item() == pytest.approx(1.0)
    assert sc.local(torch.full((3, 3), 1 / 3), causal=False).item() == pytest.approx(0.0, abs=1e-6)


def test_broad_is_entropy_over_its_largest_value():
    def h(p):
        return -sum(x * math.log(x) for x in p if x > 0)

    want = (h([0.25, 0.75]) / math.log(2) + h([0.1, 0.6, 0.3]) / math.log(3) + h([0.2, 0.1, 0.5, 0.2]) / math.log(4)) / 3
    assert sc.broad(CAUSAL, causal=True).item() == pytest.approx(want, rel=1e-5)  # row 0 has one key: left out
    assert sc.broad(torch.full((4, 4), 0.25), causal=False).item() == pytest.approx(1.0)


def test_offset_is_the_best_diagonal_other_than_the_previous_token():
    nxt = torch.zeros(4, 4)  # bidirectional "next token" head; the last row looks at itself
    nxt[torch.arange(3), torch.arange(1, 4)] = 1
    nxt[3, 3] = 1
    share, at = sc.offset(nxt)
    assert (share.item(), at.item()) == (pytest.approx(3 / 4), 1)
    two_back = torch.zeros(5, 5)  # key = query − 2 from row 2 on; rows 0 and 1 on themselves
    two_back[[0, 1], [0, 1]] = 1
    two_back[torch.arange(2, 5), torch.arange(3)] = 1
    share, at = sc.offset(two_back)
    assert (share.item(), at.item()) == (pytest.approx(3 / 5), -2)
    share, at = sc.offset(CAUSAL)  # −1 holds most (1.35 / 4) but belongs to previous-token: next best is self
    assert (share.item(), at.item()) == (pytest.approx((1 + 0.75 + 0.3 + 0.2) / 4), 0)
    shares, offsets = sc.offset_shares(CAUSAL)
    assert shares[offsets == -1].item() == pytest.approx(sc.previous_token(CAUSAL).item())


def test_prefix_matching_on_a_planted_induction_pattern():
    ids = [1, 5, 6, 7, 5, 6, 7, 2]  # [CLS] r r [SEP], r = 5 6 7
    probe = find_repeat(ids)
    assert (probe.first, probe.second, probe.length) == (1, 4, 3)
    a = torch.eye(8)
    for k in range(3):  # the repeat's k-th token looks at the token after its first occurrence
        a[4 + k] = 0
        a[4 + k, 1 + k + 1] = 1
    a[5] = 0
    a[5, 3], a[5, 5] = 0.5, 0.5  # one row half right
    assert sc.prefix_matching(a, 1, 4, 3).item() == pytest.approx((1 + 0.5 + 1) / 3)
    assert find_repeat([1, 2, 3, 4]) is None


def test_leading_dimensions_are_kept():
    stack = torch.stack([CAUSAL, torch.tril(torch.ones(4, 4)) / torch.arange(1, 5)[:, None]])[None]  # [1, 2, 4, 4]
    assert sc.previous_token(stack).shape == (1, 2)
    share, at = sc.offset(stack)
    assert share.shape == at.shape == (1, 2)
    assert sc.is_causal(stack) and not sc.is_causal(torch.full((3, 3), 1 / 3))


def test_assign_takes_the_type_furthest_past_its_threshold():
    t = thresholds_with({})
    scores = {n: np.zeros((1, 4)) for n in ORDER if n != "retrieval"}
    scores["previous_token"][0] = [0.9, 0.45, 0.0, 0.0]
    scores["local"][0] = [0.8, 0.9, 0.0, 0.0]
    scores["first_token"][0] = [0.0, 0.0, 0.75, 0.2]
    scores["duplicate_token"][0, 3] = np.nan  # not measured: never assigned
    got = assign(scores, t)[0]
    # head 0: previous (0.9−0.4)/0.6 = 0.83 beats local (0.8−0.7)/0.3 = 0.33; head 1: local 0.67 beats 0.08
    assert got == ["previous_token", "local", "first_token", None]
    assert assign(scores, thresholds_with({"first_token": 0.8}))[0][2] is None
    with pytest.raises(ValueError, match="no head type called"):
        thresholds_with({"nope": 0.5})
    with pytest.raises(ValueError, match="below 1"):
        thresholds_with({"local": 1.0})


def test_every_type_states_its_definition_source_and_threshold():
    assert set(ORDER) == set(HEAD_TYPES) == set(THRESHOLDS)
    for t in HEAD_TYPES.values():
        assert t.definition.endswith(".") and t.source and t.reason and 0 < t.threshold < 1
