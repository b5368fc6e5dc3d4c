"""Compare says what changed: heads ranked by the mean Jensen–Shannon divergence of their rows, as computed
by hand (scipy) from the two captures; identical captures are flagged."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.spatial.distance import jensenshannon

from attnviz.analysis.compare import compare
from attnviz.analysis.head_changes import head_changes
from attnviz.core.types import AttentionCapture

TEXT = "a b c d e"


def cap(stack: np.ndarray, text: str = TEXT, ids: list[int] | None = None) -> AttentionCapture:
    tokens = text.split()
    return AttentionCapture(tokens=tokens, attention={"self": torch.tensor(stack, dtype=torch.float32)},
                            positional=None, model="m", device="cpu", dtype="float32", mode="eager", text=text,
                            spans=[(text.index(t, 2 * i), text.index(t, 2 * i) + len(t)) for i, t in enumerate(tokens)],
                            token_ids=ids or [ord(t[0]) for t in tokens])


def patterns(seed: int, layers: int, heads: int, n: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).dirichlet(np.ones(n), size=(layers, heads, n))  # rows sum to 1


def js(p: np.ndarray, q: np.ndarray) -> float:
    """Mean over query rows of the Jensen–Shannon divergence, base 2 (scipy gives its square root)."""
    return float(np.mean([jensenshannon(p[i], q[i], base=2) ** 2 for i in range(len(p))]))


def test_heads_are_ranked_by_mean_js_divergence_as_by_hand():
    a, b = patterns(0, 2, 3), patterns(0, 2, 3)
    rng = np.random.default_rng(1)
    for layer, head, mix in ((0, 1, 0.9), (1, 2, 0.5), (1, 0, 0.2)):  # three heads changed, by different amounts
        b[layer, head] = (1 - mix) * b[layer, head] + mix * rng.dirichlet(np.ones(5), size=5)
    ca, cb = cap(a), cap(b)
    changes = head_changes(compare(ca, cb), ca, cb)
    assert changes.pairing == "same" and not changes.identical and changes.max_difference > 0
    by_hand = sorted(((js(a[l, h], b[l, h]), l, h) for l in range(2) for h in range(3)), key=lambda x: -x[0])
    got = [(c.layer_a, c.head_a) for c in changes.ranked]
    assert got == [(l, h) for _, l, h in by_hand]
    assert got[:3] == [(0, 1), (1, 2), (1, 0)]
    for c, (d, l, h) in zip(changes.ranked, by_hand):
        assert (c.layer_b, c.head_b) == (l, h) and c.distance == pytest.approx(d, abs=1e-5)
        assert c.largest == pytest.approx(np.abs(b[l, h] - a[l, h]).max(), abs=1e-6)
    assert changes.to_json()["ranked"][0]["a"] == {"layer": 0, "head": 1}


def test_identical_captures_are_flagged_and_nothing_changed():
    a = patterns(2, 2, 2)
    changes = head_changes(compare(cap(a), cap(a.copy())), cap(a), cap(a.copy()))
    assert changes.identical and changes.max_difference == 0.0
    assert [c.distance for c in changes.ranked] == [0.0] * 4
    assert changes.to_json()["note"].startswith("A and B are identical")
    other_text = cap(patterns(2, 2, 2), "a b x d e", [1, 2, 3, 4, 5])
    differs = head_changes(compare(cap(a), other_text), cap(a), other_text)
    assert not differs.identical and differs.max_difference is None  # other tokens: not the same input


def test_models_of_different_shapes_compare_each_head_with_its_best_match():
    a, b = patterns(3, 2, 2), patterns(4, 1, 3)
    b[0, 2] = a[1, 0]  # B's head 2 copies A's L1 h0: its best match, at distance 0
    ca, cb = cap(a), cap(b)
    result = compare(ca, cb)
    changes = head_changes(result, ca, cb)
    assert changes.pairing == "matched"
    best = {}
    for l in range(2):
        for h in range(2):
            d = [js(a[l, h], b[0, j]) for j in range(3)]
            best[(l, h)] = (int(np.argmin(d)), min(d))
    want = sorted(best, key=lambda x: -best[x][1])
    assert [(c.layer_a, c.head_a) for c in changes.ranked] == want
    for c in changes.ranked:
        assert (c.layer_b, c.head_b) == (0, best[(c.layer_a, c.head_a)][0])
        assert c.distance == pytest.approx(best[(c.layer_a, c.head_a)][1], abs=1e-5)
    assert changes.ranked[-1].distance == 0.0 and (changes.ranked[-1].layer_a, changes.ranked[-1].head_a) == (1, 0)
    with pytest.raises(ValueError, match="one shape"):
        head_changes(result, ca, cb, pairing="same")
