"""A tiny two-layer model whose queries and keys are built by hand so that each head does one known thing
(previous token, sink, uniform; induction, duplicate token): the census reads every head as built, with the
scores the hand computation gives."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from attnviz.analysis.headtypes.census import census_of_capture
from attnviz.analysis.headtypes.probe import find_repeat, repeat_scores
from attnviz.core.qkstack import QKStack
from attnviz.core.types import AttentionCapture

BETA = 40.0  # a matching key scores BETA, the others 0: the softmax puts e^-40 on each of them
L = 6  # the repeated run
IDS = [0] + list(range(10, 10 + L)) * 2  # <bos> r r: a repeated random-token probe
N = len(IDS)


def planted() -> AttentionCapture:
    """q, k `[layer, head, pos, d]` with one-hot positions (0..N) and token ids (N+1..) as dimensions."""
    d = N + 1 + max(IDS) + 1
    def pos(i):
        return i
    def tok(t):
        return N + 1 + t
    q, k = torch.zeros(2, 3, N, d), torch.zeros(2, 3, N, d)
    for i, t in enumerate(IDS):
        q[0, 0, i, pos(i)] = BETA  # L0 h0, previous token: query i matches the key that carries i, key i − 1
        k[0, 0, i, pos(i + 1)] = 1
        q[0, 1, i, pos(0)] = BETA  # L0 h1, sink: every query matches key 0 only
        # L0 h2: q = 0, uniform over the open keys
        q[1, 0, i, tok(t)] = BETA  # L1 h0, induction: query token t matches a key whose previous token is t
        if i > 0:
            k[1, 0, i, tok(IDS[i - 1])] = 1  # what a previous-token head in layer 0 writes
        q[1, 1, i, tok(t)] = BETA  # L1 h1, duplicate: the same token, itself at half strength
        q[1, 1, i, pos(i)] = -BETA / 2
        k[1, 1, i, tok(t)] = 1
        k[1, 1, i, pos(i)] = 1
    k[0, 1, 0, pos(0)] = 1
    qk = QKStack(q, k, scaling=1.0, bias=[None, None], causal=[True, True])
    return AttentionCapture(tokens=["<bos>"] + [f"t{t}" for t in IDS[1:]], attention={}, positional=None,
                            model="planted", device="cpu", dtype="float32", mode="qk", qk={"self": qk},
                            token_ids=IDS, special=[True] + [False] * (N - 1))


def test_the_planted_patterns_are_what_they_were_built_to_be():
    a = planted().source("self").dense()
    assert torch.allclose(a[0, 0, torch.arange(1, N), torch.arange(N - 1)], torch.ones(N - 1), atol=1e-6)
    assert torch.allclose(a[0, 1, :, 0], torch.ones(N), atol=1e-6)
    for j in range(L):  # the repeat's j-th token (position 1 + L + j) on the token after its first copy
        assert a[1, 0, 1 + L + j, 1 + j + 1] == pytest.approx(1.0, abs=1e-6)
        assert a[1, 1, 1 + L + j, 1 + j] == pytest.approx(1.0, abs=1e-6)


def test_census_reads_every_planted_head_with_the_hand_computed_scores():
    cap = planted()
    probe = find_repeat(cap.token_ids)
    assert (probe.first, probe.second, probe.length) == (1, 1 + L, L)
    c = census_of_capture(cap, induction=repeat_scores(cap))  # causal read from the weights
    s = c.scores
    assert s["previous_token"][0, 0] == pytest.approx((N - 1) / N, abs=1e-5)  # TransformerLens: row 0 has none
    assert s["first_token"][0, 1] == pytest.approx(1.0, abs=1e-5)
    assert s["broad"][0, 2] == pytest.approx(1.0, abs=1e-5)  # uniform: every row at its largest entropy
    assert s["induction"][1, 0] == pytest.approx(1.0, abs=1e-5)
    assert s["duplicate_token"][1, 1] == pytest.approx(L / N, abs=1e-5)  # L rows of N on their earlier copy
    # the previous-token head looks one back, never at the token after the earlier copy (L > 2)
    assert s["induction"][0, 0] == pytest.approx(0.0, abs=1e-5)
    assert c.assigned[0] == ["previous_token", "first_token", "broad"]
    assert c.assigned[1][:2] == ["induction", "duplicate_token"]
    assert c.heads_of("induction") == [(1, 0)]
    out = json.loads(json.dumps(c.to_json()))
    assert out["assigned"][1][0] == "induction" and out["scores"]["induction"][1][0] == pytest.approx(1.0, abs=1e-5)
    assert out["thresholds"]["induction"] == 0.4 and "Olsson" in out["definitions"]["induction"]["source"]


def test_thresholds_are_adjustable_and_retrieval_is_an_optional_input():
    cap = planted()
    strict = census_of_capture(cap, induction=repeat_scores(cap), thresholds={"previous_token": 0.95})
    assert strict.assigned[0][0] != "previous_token" and strict.thresholds["previous_token"] == 0.95
    assert "retrieval" not in census_of_capture(cap).scores  # not measured here: left out, not zero
    retrieval = np.zeros((2, 3))
    retrieval[0, 0] = 0.95  # margin (0.95 − 0.1) / 0.9 = 0.94, past previous-token's (12/13 − 0.4) / 0.6 = 0.87
    c = census_of_capture(cap, retrieval=retrieval)
    assert c.assigned[0][0] == "retrieval" and c.scores["retrieval"][0, 0] == pytest.approx(0.95)
    assert c.assigned[1][2] == "broad"  # a retrieval score of 0 is below its threshold
    with pytest.raises(ValueError, match="shape"):
        census_of_capture(cap, retrieval=np.zeros((3, 3)))
