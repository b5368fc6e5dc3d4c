"""Sink scores (first token, the keys that absorb most, Gu et al.'s rate) and the set-aside switch, by hand."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from attnviz.analysis import sinks, zoom
from attnviz.core.qkstack import QKStack
from attnviz.core.sources import DenseSource, QKSource


def causal_stack(n_layers=2, n_heads=3, n=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    scores = torch.randn(n_layers, n_heads, n, n, generator=g) * 2
    scores[0, 0, :, 0] += 6  # head (0, 0): a strong sink on the first token
    scores[1, 2, :, 3] += 6  # head (1, 2): a sink on token 3 (for rows that can see it)
    mask = torch.ones(n, n, dtype=torch.bool).tril()
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), -1)


def test_sink_scores_by_hand():
    a = causal_stack()
    got = sinks.sinks(DenseSource(a), k=2, epsilon=0.3)
    mean = a.sum(-2).numpy() / a.shape[-2]  # [layer, head, key]: mean weight received over the 12 rows
    assert np.allclose(got.first_token, mean[..., 0], atol=1e-6)
    assert got.positions.shape == (2, 3, 2)
    for layer in range(2):
        for head in range(3):
            order = sorted(range(12), key=lambda j: (-mean[layer, head, j], j))[:2]
            assert list(got.positions[layer, head]) == order
            assert got.shares[layer, head] == pytest.approx(mean[layer, head, order], abs=1e-6)
    assert got.positions[0, 0, 0] == 0 and got.positions[1, 2, 0] == 3
    assert got.rate == pytest.approx((mean[..., 0] > 0.3).mean())
    assert list(got.overall) == list(np.argsort(-mean.mean((0, 1)), kind="stable")[:2])
    assert sinks.sink_rate(np.array([[0.5, 0.1], [0.31, 0.3]])) == pytest.approx(0.5)  # 0.3 itself is not > 0.3


def test_setting_the_sink_aside_renormalises_each_row():
    a = causal_stack()
    out = sinks.set_aside(a, [0])
    rows = out.sum(-1)
    assert torch.allclose(rows[..., 1:], torch.ones_like(rows[..., 1:]), atol=1e-6)  # rows sum to one
    assert float(rows[..., 0].abs().max()) == 0.0  # row 0 had all its weight on token 0: nothing left, zero
    by_hand = a.double().numpy().copy()
    by_hand[..., 0] = 0
    by_hand[..., 1:, :] /= by_hand[..., 1:, :].sum(-1, keepdims=True)  # p_ij / Σ_{j ≠ sink} p_ij
    assert np.allclose(out.numpy(), by_hand, atol=1e-6)
    # = p_ij / (1 − p_i0) where the sink holds little (at 0.999 the float32 1 − p_i0 keeps only 3 digits)
    light = a[1, 0, 1:, 0] < 0.5
    assert torch.allclose(out[1, 0, 1:][light], (a[1, 0, 1:] / (1 - a[1, 0, 1:, 0:1]))[light].masked_fill(
        torch.arange(12) == 0, 0.0), atol=1e-5)
    assert float(out[..., 0].abs().max()) == 0.0
    two = sinks.set_aside(a, (0, 3, 99))  # a position past the keys is ignored
    assert torch.allclose(two[..., 4:, :].sum(-1), torch.ones(2, 3, 8), atol=1e-6)
    assert torch.equal(sinks.set_aside(a, []), a)


def test_zoom_and_received_weight_with_queries_and_keys():
    g = torch.Generator().manual_seed(5)
    n = 30
    k = torch.randn(1, 2, n, 8, generator=g)
    k[:, :, 0] *= 0  # key 0 ...
    q = torch.randn(1, 2, n, 8, generator=g)
    qk = QKStack(q=q, k=k, scaling=1.0, bias=[None], causal=[True])
    src = QKSource(qk)
    full = src.dense()[0]  # [head, q, k]
    assert np.allclose(sinks.received(src), full.sum(-2).numpy()[None] / n, atol=1e-6)
    for head in range(2):
        z = zoom.region(src, 0, head, (4, 30), (0, 20), size=None, aside=(0, 1))
        want = sinks.set_aside(full[head], [0, 1])[4:30, :20].numpy()
        assert np.allclose(z.values, want, atol=1e-6) and z.aside == (0, 1)
        pooled = zoom.overview(src, 0, head, size=10, how="mean", aside=[1, 0])
        assert pooled.aside == (0, 1)
        assert np.allclose(pooled.values, sinks.set_aside(full[head], [0, 1]).reshape(10, 3, 10, 3).mean((1, 3)).numpy(),
                           atol=1e-6)
