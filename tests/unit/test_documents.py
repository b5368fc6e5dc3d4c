"""Sentence maps, shading and top-k keys against hand computations; the same from queries and keys in blocks."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from attnviz.analysis import documents
from attnviz.core.qkstack import QKStack
from attnviz.core.sources import DenseSource, QKSource

# one layer, two heads, 6 tokens: token 0 is a special token (no sentence), sentences {1, 2}, {3, 4}, {5}
A = np.array([
    [[1.0, 0, 0, 0, 0, 0], [0.5, 0.5, 0, 0, 0, 0], [0.2, 0.3, 0.5, 0, 0, 0], [0.1, 0.1, 0.2, 0.6, 0, 0],
     [0.4, 0.0, 0.2, 0.2, 0.2, 0], [0.0, 0.1, 0.1, 0.2, 0.2, 0.4]],
    [[1.0, 0, 0, 0, 0, 0], [0.0, 1.0, 0, 0, 0, 0], [0.0, 0.8, 0.2, 0, 0, 0], [0.25, 0.25, 0.25, 0.25, 0, 0],
     [0.0, 0.0, 0.0, 0.5, 0.5, 0], [0.2, 0.2, 0.2, 0.2, 0.1, 0.1]],
])
UNITS = np.array([-1, 0, 0, 1, 1, 2])


def test_sentence_map_is_the_summed_token_weights_renormalised():
    src = DenseSource(torch.tensor(A[None], dtype=torch.float32))
    s = documents.unit_attention(src, 0, UNITS)
    # head 0, sentence 0 (rows 1, 2): keys in sentence 0: .5 + .3 + .5 = 1.3, sentence 1: 0; token 0's .5+.2 dropped
    assert s[0, 0] == pytest.approx([1.0, 0.0, 0.0])
    # sentence 1 (rows 3, 4): on sentence 0: .1 + .2 + 0 + .2 = .5, on 1: .6 + .2 + .2 = 1.0, on 2: 0 → / 1.5
    assert s[0, 1] == pytest.approx([0.5 / 1.5, 1.0 / 1.5, 0.0])
    # sentence 2 (row 5): .2, .4, .4 of the kept 1.0
    assert s[0, 2] == pytest.approx([0.2, 0.4, 0.4])
    # head 1, sentence 1: on 0: .25 + .25 + 0 + 0 = .5, on 1: .25 + 1.0 = 1.25 → / 1.75
    assert s[1, 1] == pytest.approx([0.5 / 1.75, 1.25 / 1.75, 0.0])
    assert np.allclose(s.sum(-1), 1.0)
    by_hand = np.zeros((2, 3, 3))
    for h in range(2):
        for i, a in enumerate(UNITS):
            for j, b in enumerate(UNITS):
                if a >= 0 and b >= 0:
                    by_hand[h, a, b] += A[h, i, j]
    assert np.allclose(s, by_hand / by_hand.sum(-1, keepdims=True))
    assert np.allclose(documents.unit_attention(src, 0, UNITS, heads=[1]), s[1:])


def test_sentence_map_with_a_sink_set_aside_and_a_row_left_empty():
    src = DenseSource(torch.tensor(A[None], dtype=torch.float32))
    units = np.array([0, 0, 1, 1, 2, 2])
    s = documents.unit_attention(src, 0, units, aside=[0])
    # head 1, sentence 0 (rows 0, 1): row 0 kept nothing (all its weight was on the sink) and stays zero,
    # row 1 keeps 1.0 on token 1
    assert s[1, 0] == pytest.approx([1.0, 0.0, 0.0])
    # head 0, sentence 2 (rows 4, 5): row 4 without token 0 is [0, .2, .2, .2, 0]/.6, row 5 unchanged
    row4 = np.array([0, 0.0, 0.2, 0.2, 0.2, 0]) / 0.6
    row5 = A[0, 5]
    m = np.array([row4[0:2].sum() + row5[0:2].sum(), row4[2:4].sum() + row5[2:4].sum(),
                  row4[4:6].sum() + row5[4:6].sum()])
    assert s[0, 2] == pytest.approx(m / m.sum())
    assert documents.unit_attention(DenseSource(torch.zeros(1, 1, 2, 2)), 0, np.array([0, 1]))[0] == pytest.approx(
        np.zeros((2, 2)))


def test_shading_top_keys_and_their_context():
    src = DenseSource(torch.tensor(A[None], dtype=torch.float32))
    assert documents.shading(src, 0, 0, (3, 5)) == pytest.approx((A[0, 3] + A[0, 4]) / 2)
    assert documents.shading(src, 0, 1, (5, 6), aside=[0]) == pytest.approx(
        np.array([0, 0.2, 0.2, 0.2, 0.1, 0.1]) / 0.8)
    pos, w = documents.top_keys(src, 0, 1, 5, k=3)
    assert list(pos) == [0, 1, 2] and w == pytest.approx([0.2, 0.2, 0.2])  # ties: the earlier position first
    tokens = ["<s>", "a", "b", "c", "d", "e"]
    got = documents.in_context(tokens, *documents.top_keys(src, 0, 0, 4, k=2), width=2)
    assert [(k.position, k.before, k.token, k.after) for k in got] == [
        (0, [], "<s>", ["a", "b"]), (2, ["<s>", "a"], "b", ["c", "d"])]
    assert got[0].weight == pytest.approx(0.4)
    assert list(documents.unit_ranges(UNITS, 4)[:, 0]) == [1, 3, 5, -1]
    with pytest.raises(ValueError, match="outside"):
        documents.shading(src, 0, 0, (4, 9))


@pytest.mark.parametrize("causal", [True, False])
def test_blocks_from_queries_and_keys_equal_the_stored_stack(monkeypatch, causal):
    g = torch.Generator().manual_seed(0)
    n = 40
    qk = QKStack(q=torch.randn(2, 4, n, 8, generator=g) * 2, k=torch.randn(2, 2, n, 8, generator=g) * 2,
                 scaling=8 ** -0.5, bias=[None, None], causal=[causal, causal])
    src, dense = QKSource(qk), DenseSource(QKSource(qk).dense())
    units = np.repeat(np.arange(8), 5)
    units[[0, 17]] = -1
    monkeypatch.setattr(documents, "BLOCK_BYTES", 4 * n * 4 * 3)  # blocks of 3 rows
    for layer in range(2):
        for heads in (None, [1, 3]):
            assert np.allclose(documents.unit_attention(src, layer, units, heads=heads, aside=[2]),
                               documents.unit_attention(dense, layer, units, heads=heads, aside=[2]), atol=1e-6)
        assert np.allclose(documents.shading(src, layer, 3, (10, 31)), dense.stack[layer, 3, 10:31].mean(0), atol=1e-6)
