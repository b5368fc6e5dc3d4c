"""Zoomed regions, overviews and the model view equal the same cells of the full pattern (float32): a causal
model with a sliding window (Mistral-like) and an encoder with padding (BERT), from queries and keys and from
a stored stack."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from attnviz import capture, load_model
from attnviz.analysis import layer_pass, layer_sample, zoom
from attnviz.analysis.bins import adaptive_bin
from attnviz.analysis.reduce import head_statistics, pooled
from attnviz.core.sources import DenseSource, QKSource
from attnviz.models.recording import recording, stack_records

N = 50  # tokens: far past the 4-key sliding window


@pytest.fixture(scope="module")
def mistral(tmp_path_factory):
    from builders import build

    model = load_model(str(build("mistral", tmp_path_factory.mktemp("zoom") / "mistral")), device="cpu")
    ids = torch.randint(5, 200, (N,), generator=torch.Generator().manual_seed(1)).tolist()
    qk, eager = capture(model, None, ids=ids, mode="qk"), capture(model, None, ids=ids, mode="eager")
    assert (qk.mode, eager.mode) == ("qk", "eager")
    return qk.source("self"), eager.attention["self"]


@pytest.fixture(scope="module")
def padded_bert(hf_folders):
    """A left-padded BERT input: q/k with the recorded padding mask, and eager's weights of the same input."""
    model = load_model(str(hf_folders["bert"]), device="cpu")
    ids = model.codec.encode("the cat sat on the mat because it was tired and the dog ran in the park")
    pad = 5
    x = torch.tensor([[0] * pad + ids])
    mask = torch.tensor([[0] * pad + [1] * len(ids)])
    with recording("eager"), torch.no_grad():
        eager = model.module(input_ids=x, attention_mask=mask, output_attentions=True).attentions
    with recording("qk") as records, torch.no_grad():
        model.module(input_ids=x, attention_mask=mask)
    return QKSource(stack_records(records, None)), torch.stack([a[0] for a in eager])


def pool_by_hand(full: np.ndarray, rows: tuple[int, int], cols: tuple[int, int], size: int | None, how: str):
    """The region cut from the full pattern, pooled into cells of one width per axis with numpy loops."""
    cut = full[rows[0]:rows[1], cols[0]:cols[1]]
    if size is None:
        return cut
    wq, wk = -(-cut.shape[0] // size), -(-cut.shape[1] // size)
    out = np.zeros((-(-cut.shape[0] // wq), -(-cut.shape[1] // wk)), dtype=np.float64)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            cell = cut[i * wq:(i + 1) * wq, j * wk:(j + 1) * wk]
            out[i, j] = cell.max() if how == "max" else cell.mean()
    return out


REGIONS = [((0, N), (0, N), 7), ((13, 41), (9, 30), None), ((20, 50), (0, 25), 4), ((0, 10), (30, 50), 3),
           ((45, 50), (0, 50), (2, 6))]


@pytest.mark.parametrize("how", ["max", "mean"])
def test_sliding_window_regions_equal_the_full_pattern(mistral, how, monkeypatch):
    qk_src, stack = mistral
    monkeypatch.setattr(zoom, "BLOCK_ROWS", 6)  # many row blocks, some ending inside a cell
    for layer in range(stack.shape[0]):
        for head in range(stack.shape[1]):
            full = stack[layer, head].numpy()
            assert (full[-1] > 0).sum() == 4  # the window is in force
            for rows, cols, size in REGIONS:
                shape = size if isinstance(size, tuple) else (size, size)
                for src in (qk_src, DenseSource(stack)):
                    got = zoom.region(src, layer, head, rows, cols, size, how)
                    want = pool_by_hand(full, rows, cols, None, how) if size is None else None
                    if size is not None:
                        cut = full[rows[0]:rows[1], cols[0]:cols[1]]
                        wq, wk = (-(-cut.shape[0] // shape[0]), -(-cut.shape[1] // shape[1]))
                        want = np.array([[getattr(cut[i:i + wq, j:j + wk], how)() for j in range(0, cut.shape[1], wk)]
                                         for i in range(0, cut.shape[0], wq)])
                    assert got.values.shape == want.shape
                    assert np.allclose(got.values, want, atol=1e-6), (layer, head, rows, cols, size)
                    assert got.rows == rows and got.cols == cols


def test_region_edges_say_what_each_cell_covers(mistral):
    qk_src, _ = mistral
    z = zoom.region(qk_src, 0, 1, (0, N), (10, 50), size=16)
    assert z.cell == (4, 3)  # 50 rows in cells of ceil(50/16) = 4, 40 keys in cells of 3
    assert list(z.row_edges[:3]) == [0, 4, 8] and z.row_edges[-1] == N
    assert list(z.col_edges[:3]) == [10, 13, 16] and z.col_edges[-1] == 50
    full = zoom.region(qk_src, 0, 1, (3, 9), (2, 7), size=None)
    assert full.cell == (1, 1) and full.values.shape == (6, 5)
    with pytest.raises(ValueError, match="outside"):
        zoom.region(qk_src, 0, 1, (0, N + 1), (0, 5))


def test_overview_is_the_whole_region_and_is_kept(mistral):
    qk_src, stack = mistral
    over = zoom.overview(qk_src, 1, 2, size=8, how="max")
    assert np.allclose(over.values, pool_by_hand(stack[1, 2].numpy(), (0, N), (0, N), 8, "max"), atol=1e-6)
    assert zoom.overview(qk_src, 1, 2, size=8, how="max") is over  # kept on the source
    assert not over.values.flags.writeable


def test_padded_encoder_regions_equal_eager(padded_bert):
    src, eager = padded_bert
    n = src.shape[-1]
    for layer in range(eager.shape[0]):
        for head in range(eager.shape[1]):
            full = eager[layer, head].numpy()
            for rows, cols, size, how in (((0, n), (0, n), 5, "mean"), ((5, n), (0, 9), None, "max"),
                                          ((2, 12), (3, n), 3, "max"), ((0, n), (0, n), None, "mean")):
                got = zoom.region(src, layer, head, rows, cols, size, how).values
                want = pool_by_hand(full, rows, cols, size, how)
                assert np.allclose(got, want, atol=1e-6), (layer, head, rows, cols, size, how)
            assert float(zoom.region(src, layer, head, (5, n), (0, 5), None).values.max()) == 0.0  # no weight on padding
    # the one pass over a padding mask: the same thumbnails and sums as from eager's stack
    fast, slow = layer_pass.summarise(src, 6), layer_pass.summarise(DenseSource(eager), 6)
    assert np.allclose(fast.thumbs, slow.thumbs, atol=1e-6)
    for name in ("entropy", "distance", "self_token", "previous", "received"):
        assert np.allclose(getattr(fast, name), getattr(slow, name), atol=1e-4), name
    assert float(np.abs(fast.received[..., :5]).max()) == pytest.approx(0.0, abs=1e-30)  # e^-80 at most, never more


def test_model_view_mean_and_max_equal_pooling_the_full_stack(mistral, monkeypatch):
    qk_src, stack = mistral
    monkeypatch.setattr(layer_pass, "PASS_BYTES", 4 * stack.shape[1] * N * 8)  # blocks of 4 rows
    monkeypatch.setattr(zoom, "BLOCK_ROWS", 3)
    fresh = QKSource(qk_src.qk)
    for size in (8, 12):
        mean = zoom.model_view(fresh, size, "mean")
        assert np.allclose(mean, pooled(DenseSource(stack), size), atol=1e-6)
        big = zoom.model_view(fresh, size, "max")
        for layer in range(stack.shape[0]):
            for head in range(stack.shape[1]):
                full = stack[layer, head].numpy()
                bins = [(i * N // size, -(-(i + 1) * N // size)) for i in range(size)]
                want = np.array([[full[a:b, c:d].max() for c, d in bins] for a, b in bins])
                assert np.allclose(big[layer, head], want, atol=1e-6)
    assert zoom.model_view(fresh, 8, "max") is zoom.model_view(fresh, 8, "max")


def test_statistics_come_from_the_same_pass_in_row_blocks(mistral, monkeypatch):
    """The one pass (blocks of 3 rows, a sliding-window mask) gives the statistics computed by hand from the full
    eager stack and the weight each key receives."""
    qk_src, stack = mistral
    monkeypatch.setattr(layer_pass, "PASS_BYTES", 3 * stack.shape[1] * N * 8)
    fresh = QKSource(qk_src.qk)
    summary = layer_pass.summarise(fresh, 8)
    a = stack.double().numpy()  # [layer, head, q, k]
    q, k = np.arange(N)[:, None], np.arange(N)[None, :]
    entropy = -(a * np.log(np.clip(a, 1e-30, None))).sum(-1).mean(-1)
    assert np.allclose(summary.entropy / N, entropy, atol=1e-5)
    assert np.allclose(summary.distance / N, (a * np.abs(q - k)).sum(-1).mean(-1), atol=1e-4)
    assert np.allclose(summary.self_token / N, np.einsum("lhii->lh", a) / N, atol=1e-6)
    prev = np.stack([a[..., i, i - 1] for i in range(1, N)], -1).mean(-1)
    assert np.allclose(summary.previous / (N - 1), prev, atol=1e-6)
    assert np.allclose(summary.received, a.sum(-2), atol=1e-5)
    monkeypatch.setattr(layer_pass, "DENSE_BYTES", 5 * stack.shape[1] * N * 8)  # a stored stack, 5 rows a block
    dense = layer_pass.summarise(DenseSource(stack), 8)
    for name in ("thumbs", "entropy", "distance", "self_token", "previous", "received"):
        assert np.allclose(getattr(dense, name), getattr(summary, name), atol=1e-4), name
    stats = head_statistics_of(fresh)
    assert np.allclose(stats["first token"], a[..., 0].mean(-1), atol=1e-6)
    assert np.allclose(stats["previous token"], prev, atol=1e-6)


def head_statistics_of(src):
    from attnviz.core.types import AttentionCapture

    cap = AttentionCapture(tokens=[str(i) for i in range(N)], attention={}, positional=None, model="m",
                           device="cpu", dtype="float32", mode="qk", sources={"self": src})
    return head_statistics(cap)


SUMS = ("thumbs", "entropy", "distance", "self_token", "previous", "received")


@pytest.fixture(scope="module")
def causal_only(glass):
    """A decoder whose only mask is causal (the pass skips the keys after each row): glassllm, q/k and eager."""
    text = "The cat sat on the mat. The dog ran to the park, and the cat watched it from the window."
    qk, eager = capture(glass, text, mode="qk"), capture(glass, text, mode="eager")
    assert qk.source("self").qk.only_causal(0)
    return qk.source("self"), eager.attention["self"]


@pytest.mark.parametrize("case", ["mistral", "padded_bert", "causal_only"])
def test_an_estimate_reading_every_row_is_the_exact_pass(case, request):
    src, _ = request.getfixturevalue(case)
    exact, every = layer_pass.summarise(QKSource(src.qk), 6), layer_sample.estimate(QKSource(src.qk), 6, step=1)
    for name in SUMS:
        assert np.allclose(getattr(every, name), getattr(exact, name), atol=1e-4), name
    for name in ("n_rows", "n_keys", "n_self", "n_previous", "n_read"):
        assert getattr(every, name) == getattr(exact, name), name
    assert not every.estimated and not exact.estimated


@pytest.mark.parametrize("case", ["mistral", "causal_only"])
def test_an_estimate_is_the_weighted_mean_over_the_rows_it_read(case, request, monkeypatch):
    """The first rows read densely (a budget that buys 6 of them), then one row in every 3 standing for its stretch
    (blocks of 2 rows read at once): each sum equals the same weighted sum over those rows of the full eager
    pattern, each statistic the weighted mean, each thumbnail cell the weighted mean over its bin's rows read."""
    src, stack = request.getfixturevalue(case)
    layers, heads, n = stack.shape[0], stack.shape[1], stack.shape[-1]
    fresh = QKSource(src.qk)
    monkeypatch.setattr(layer_sample, "PASS_ROWS", 2)
    monkeypatch.setattr(layer_sample, "SAMPLE_SCORES", 1.0)
    monkeypatch.setattr(layer_sample, "DENSE_SHARE", layer_sample.scores(fresh, 6) + 0.5)  # 6 rows fit, 9 do not
    rows = layer_sample.plan(fresh, 3)
    assert rows.dense == 6 and list(rows.positions[:6]) == list(range(6)) and list(rows.weights[:6]) == [1] * 6
    assert list(rows.positions[6:] // 3) == list(range(2, -(-n // 3))) and rows.weights.sum() == n
    est = layer_sample.estimate(fresh, 6, step=3)
    at, w = rows.positions, rows.weights.astype(np.float64)
    assert est.estimated and est.n_read == len(at) == 6 + -(-(n - 6) // 3) and est.n_rows == n
    assert (est.dense, est.stride) == (6, 3)
    a = stack.double().numpy()[:, :, at]  # [layer, head, rows read, key]
    q, k = at[:, None], np.arange(n)[None, :]
    assert np.allclose(est.entropy, -(a * np.log(np.clip(a, 1e-30, None))).sum(-1) @ w, atol=1e-4)
    assert np.allclose(est.distance, (a * np.abs(q - k)).sum(-1) @ w, atol=1e-2)
    assert np.allclose(est.received, np.einsum("lhrk,r->lhk", a, w), atol=1e-5)
    own = np.arange(len(at))
    assert np.allclose(est.self_token, a[..., own, at] @ w, atol=1e-5)
    later = at >= 1
    assert np.allclose(est.previous, a[..., own[later], at[later] - 1] @ w[later], atol=1e-5)
    assert (est.n_self, est.n_previous) == (n, n - 1)
    cells = [adaptive_bin(i, n, 6) for i in range(6)]
    want = np.zeros((layers, heads, 6, 6))
    for i, (lo, hi) in enumerate(cells):
        mine = (at >= lo) & (at < hi)
        assert mine.any()
        for j, (c0, c1) in enumerate(cells):
            want[..., i, j] = a[:, :, mine, c0:c1].mean(-1) @ w[mine] / w[mine].sum()
    assert np.allclose(est.thumbs, want, atol=1e-6)
    stats = layer_pass.statistics(est)
    assert np.allclose(stats["first token"], a[..., 0] @ w / n, atol=1e-6)
    assert np.allclose(stats["previous token"], a[..., own[later], at[later] - 1] @ w[later] / (n - 1), atol=1e-6)
    assert np.allclose(stats["mean distance"], (a * np.abs(q - k)).sum(-1) @ w / n, atol=1e-4)


def test_the_rows_read_are_one_in_each_stretch_and_the_same_each_time(mistral, monkeypatch):
    src, _ = mistral
    fresh = QKSource(src.qk)
    monkeypatch.setattr(layer_sample, "DENSE_SHARE", 0.0)  # no dense start
    rows = layer_sample.plan(fresh, 7)
    assert rows.dense == 0 and len(rows.positions) == 8 and list(rows.positions // 7) == list(range(8))
    assert list(rows.weights) == [7] * 7 + [1] and rows.positions[-1] == N - 1  # the last stretch: row 49 alone
    assert np.array_equal(rows.positions, layer_sample.plan(fresh, 7).positions)
    assert not np.array_equal(rows.positions, layer_sample.plan(fresh, 7, seed=1).positions)
    every = layer_sample.plan(fresh, 1)
    assert list(every.positions) == list(range(N)) and set(every.weights) == {1}


def test_a_causal_models_dense_start_costs_what_its_rows_cost(causal_only, mistral):
    """The scores of the first r rows: r(r + 1)/2 a head in a layer whose only mask is causal, r × keys otherwise."""
    (causal, eager), (window, stack) = causal_only, mistral
    layers, heads = eager.shape[:2]
    assert layer_sample.scores(causal, 10) == layers * heads * 55
    assert layer_sample.scores(window, 10) == stack.shape[0] * stack.shape[1] * 10 * N


def test_the_views_read_an_estimate_only_past_the_exact_passs_budget(mistral, monkeypatch):
    src, stack = mistral
    fresh = QKSource(src.qk)
    layers, heads = stack.shape[:2]
    assert layer_sample.scores(fresh) == layers * heads * N * N  # a sliding-window mask: every key computed
    assert layer_sample.stride(fresh) == 1 and layer_sample.stride(DenseSource(stack)) == 1
    monkeypatch.setattr(layer_sample, "EXACT_SCORES", 1000)
    monkeypatch.setattr(layer_sample, "SAMPLE_SCORES", 2000)
    assert layer_sample.stride(fresh, 32) == 1  # 50 rows in 32 bins: a bin of one or two rows holds no stretch
    needed = -(-layers * heads * N * N // 2000)
    assert needed > 4 and layer_sample.stride(fresh, 6) == 4  # capped: a bin of 8 rows holds a whole stretch of 4
    assert layer_sample.stride(DenseSource(stack), 6) == 1  # stored weights: nothing to compute
    est = layer_sample.estimate(fresh, 6)
    assert est.stride == 4 and layer_pass.current(fresh, 6) is est
    exact = layer_pass.summarise(fresh, 6)
    assert layer_pass.current(fresh, 6) is exact and layer_sample.estimate(fresh, 6) is est  # kept, not the view's


@pytest.mark.parametrize("kind", ["gemma2", "t5", "mistral"])
def test_scores_at_any_rows_equal_the_same_rows_of_the_blocks_scores(kind, tmp_path):
    """scores_at (a first look's rows) against scores' rows: Gemma 2's soft cap and sliding layers, T5's per-head
    position bias in its encoder, decoder and cross-attention, Mistral's window and grouped-query heads."""
    from builders import build

    model = load_model(str(build(kind, tmp_path / kind)), device="cpu")
    cap = capture(model, "the cat sat on the mat because it was tired and the dog ran", mode="qk",
                  target="le chat est sur le tapis" if kind == "t5" else None)
    generator = np.random.default_rng(3)
    for name, stack in cap.qk.items():
        n_q, n_k = stack.q.shape[2], stack.k.shape[2]
        for rows in (np.array([0]), np.array([n_q - 1]), np.sort(generator.choice(n_q, min(5, n_q), replace=False))):
            for layer in range(stack.q.shape[0]):
                for keys in (n_k, min(n_k, int(rows[-1]) + 1)):
                    want = stack.scores(layer, keys=keys)[:, rows]
                    got = stack.scores_at(layer, torch.as_tensor(rows), keys=keys)
                    assert torch.allclose(got, want, atol=1e-5), (kind, name, rows, layer, keys)


def test_an_estimate_of_a_stored_stack_is_its_exact_pass_and_a_step_is_capped(mistral):
    src, stack = mistral
    dense = DenseSource(stack)
    assert layer_sample.estimate(dense, 6).estimated is False
    fresh = QKSource(src.qk)
    capped = layer_sample.estimate(fresh, 6, step=40)  # 50 rows in 6 bins of 8–9: a stretch of at most 4
    assert capped.stride == 4 and (capped.thumbs.sum(-1) > 0).all()
