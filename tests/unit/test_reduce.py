"""Reductions on hand-built patterns: rollout, flow, statistics, pooling, clustering."""
import numpy as np
import pytest
import torch

from attnviz.analysis.reduce import (aggregate, cluster_order, flow, head_similarity, head_statistics, pooled, restrict,
                            rollout)
from attnviz.core.types import AttentionCapture


def cap_of(stack, special=None):
    n = stack.shape[-1]
    return AttentionCapture(tokens=[f"t{i}" for i in range(n)], attention={"self": stack}, positional=None,
                            model="m", device="cpu", dtype="float32", mode="test", special=special or [])


def test_rollout_equals_matrix_products_by_hand():
    a0 = np.array([[1.0, 0.0], [0.5, 0.5]])
    a1 = np.array([[0.2, 0.8], [0.6, 0.4]])
    stack = torch.tensor(np.stack([a0, a1])[:, None])  # [layer 2, head 1, 2, 2]
    eye = np.eye(2)
    m0 = 0.5 * a0 + 0.5 * eye
    m1 = 0.5 * a1 + 0.5 * eye  # rows already sum to 1
    r = rollout(stack)
    assert np.allclose(r[0], m0)
    assert np.allclose(r[1], m1 @ m0)
    raw = rollout(stack, residual=False)
    assert np.allclose(raw[1], a1 @ a0)


def test_rollout_averages_heads():
    h = torch.tensor([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])  # two heads, one layer
    assert np.allclose(rollout(h[None], residual=False)[0], 0.5)


def test_flow_on_a_single_layer_is_the_capacity():
    a = torch.tensor([[[[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]]]])  # one layer, one head
    f = flow(a, residual=False)
    assert np.allclose(f, a[0, 0].numpy(), atol=1e-5)


def test_flow_raw_rows_can_exceed_one_and_normalised_rows_sum_to_one():
    torch.manual_seed(0)
    a = torch.softmax(torch.randn(3, 2, 5, 5), -1)  # three layers, two heads
    raw, norm = flow(a), flow(a, normalise=True)
    assert raw.sum(-1).max() > 1.05  # max-flow per input token is not a distribution
    assert np.allclose(norm.sum(-1), 1.0)
    assert np.allclose(norm, raw / raw.sum(-1, keepdims=True))


def test_flow_has_a_clear_limit():
    with pytest.raises(ValueError, match="limited to 40 tokens"):
        flow(torch.full((1, 1, 41, 41), 1 / 41))


def test_statistics_of_hand_built_patterns():
    n = 4
    uniform = torch.full((n, n), 1 / n)
    diagonal = torch.eye(n)
    first = torch.zeros(n, n)
    first[:, 0] = 1
    previous = torch.zeros(n, n)
    previous[0, 0] = 1
    for i in range(1, n):
        previous[i, i - 1] = 1
    stack = torch.stack([uniform, diagonal, first, previous])[None]  # [1 layer, 4 heads]
    s = head_statistics(cap_of(stack, special=[True, False, False, True]))
    assert s["entropy"][0] == pytest.approx([np.log(4), 0, 0, 0], abs=1e-5)
    # mean |q − k|: uniform over 4 keys: rows 0..3 give 1.5, 1, 1, 1.5 -> 1.25
    assert s["mean distance"][0] == pytest.approx([1.25, 0, 1.5, 0.75], abs=1e-6)
    assert s["first token"][0] == pytest.approx([0.25, 0.25, 1, 0.5])
    assert s["self"][0] == pytest.approx([0.25, 1, 0.25, 0.25])
    assert s["previous token"][0] == pytest.approx([0.25, 0, 1 / 3, 1])
    # special tokens are 0 and 3: the previous-token head's rows 0 and 1 both look at token 0
    assert s["special tokens"][0] == pytest.approx([0.5, 0.5, 1, 0.5])


def test_pooling_keeps_rows_summing_to_one_and_small_inputs_whole():
    a = torch.softmax(torch.randn(2, 3, 96, 96), dim=-1)
    p = pooled(a, 32)  # each cell: the mean of a 3 × 3 block
    assert p.shape == (2, 3, 32, 32)
    assert np.allclose(p.sum(-1) * 3, 1.0, atol=1e-5)  # every pooled row holds its three rows' mass, times 1/3
    assert np.isclose(p[1, 2, 5, 7], a[1, 2, 15:18, 21:24].mean().item(), atol=1e-6)
    assert pooled(torch.softmax(torch.randn(1, 1, 100, 100), -1), 32).shape == (1, 1, 32, 32)  # uneven windows
    assert np.allclose(pooled(a[..., :10, :10], 32), a[..., :10, :10].numpy())


def test_restrict_and_renormalise():
    p = np.array([[0.5, 0.25, 0.25], [0.2, 0.6, 0.2], [0.1, 0.1, 0.8]])
    r = restrict(p, [1, 2], [1, 2], renormalise=False)
    assert np.allclose(r, [[0.6, 0.2], [0.1, 0.8]])
    rn = restrict(p, [1, 2], [1, 2], renormalise=True)
    assert np.allclose(rn.sum(-1), 1) and np.allclose(rn[0], [0.75, 0.25])
    cross = restrict(p, [0, 1, 2], [0], renormalise=True)  # cross-attention: every query, some keys
    assert cross.shape == (3, 1) and np.allclose(cross, 1)


def test_aggregate_and_clustering():
    a = torch.softmax(torch.randn(2, 4, 6, 6), dim=-1)
    assert np.allclose(aggregate(a, "mean"), a.mean(1).numpy())
    assert np.allclose(aggregate(a, "max"), a.amax(1).numpy())
    twins = torch.stack([a[0, 0], a[0, 0], torch.eye(6), torch.eye(6)])[None]
    sim = head_similarity(twins)
    assert sim[0, 1] == pytest.approx(1.0) and sim[2, 3] == pytest.approx(1.0)
    order, labels = cluster_order(sim)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]
    assert sorted(order) == [0, 1, 2, 3]


def test_qk_projection_pca_and_unavailable_methods():
    from attnviz.models.recording import QKStack
    from attnviz.analysis.reduce import projection_methods, qk_projection

    q = torch.zeros(1, 2, 3, 4)
    q[0, 1, :, 0] = torch.tensor([1.0, 2.0, 3.0])  # head 1 queries along one axis
    k = torch.zeros(1, 1, 3, 4)  # one shared key head (grouped-query)
    k[0, 0, :, 1] = torch.tensor([1.0, -1.0, 0.5])
    cap = cap_of(torch.full((1, 2, 3, 3), 1 / 3))
    cap.qk = {"self": QKStack(q=q, k=k, scaling=0.5, bias=[None])}
    qxy, kxy, ratio = qk_projection(cap, "self", 0, 1)
    assert qxy.shape == (3, 2) and kxy.shape == (3, 2) and ratio.sum() == pytest.approx(1.0)
    # both clouds lie in the plane of dims 0 and 1, so PCA keeps every distance and all the variance
    both, xy = np.vstack([q[0, 1], k[0, 0]]).astype(float), np.vstack([qxy, kxy])
    dist = lambda m: np.linalg.norm(m[:, None] - m[None], axis=-1)  # noqa: E731
    assert np.allclose(dist(xy), dist(both), atol=1e-9)
    import importlib.util
    assert projection_methods() == ["PCA"] + (["t-SNE"] if importlib.util.find_spec("sklearn") else []) + (
        ["UMAP"] if importlib.util.find_spec("umap") else [])
    if "UMAP" not in projection_methods():
        with pytest.raises(ValueError, match="not installed"):
            qk_projection(cap, "self", 0, 1, method="UMAP")


@pytest.mark.parametrize("causal, mask", [(True, False), (False, False), (False, True), (True, True)])
def test_overview_from_queries_and_keys_equals_pooling_the_weights(monkeypatch, causal, mask):
    """The binned q/k route (exponentials in place, causal keys skipped, small row blocks) gives the same
    thumbnails as pooling the full weights, also where a padding query has every key masked."""
    import attnviz.analysis.reduce as reduce
    from attnviz.core.qkstack import QKStack
    from attnviz.core.sources import DenseSource, QKSource

    g = torch.Generator().manual_seed(3)
    n_layer, n_head, n_kv, n, d = 2, 4, 2, 96, 8
    q, k = torch.randn(n_layer, n_head, n, d, generator=g) * 3, torch.randn(n_layer, n_kv, n, d, generator=g) * 3
    bias = [None] * n_layer
    if mask:  # the last 10 positions are padding: no query sees them, and their own rows see nothing
        allowed = torch.ones(1, n, n, dtype=torch.bool)
        allowed[:, :, -10:] = False
        allowed[:, -10:, :] = False
        bias = [allowed] * n_layer
    qk = QKStack(q=q, k=k, scaling=d ** -0.5, bias=bias, causal=[causal] * n_layer)
    monkeypatch.setattr(reduce, "OVERVIEW_ROWS", 20)  # several row blocks, one ending mid-bin
    for size, rows in ((32, None), (8, None), (32, (30, 70))):
        fast = reduce.pooled(QKSource(qk), size, rows=rows)
        slow = reduce.pooled(DenseSource(QKSource(qk).dense()), size, rows=rows)
        assert fast.shape == slow.shape and np.allclose(fast, slow, atol=1e-6), (size, rows)
    binned = qk.binned(1, 0, n, 3)
    assert np.allclose(binned.sum(-1).numpy(), 1, atol=1e-5)  # each row's weights, binned, still sum to one
