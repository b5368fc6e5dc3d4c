"""Each view on a hand-built capture: the numbers in its table and figure, its filters, its caption."""
import numpy as np
import pytest
import torch

from attnviz.analysis.reduce import head_statistics, rollout
from attnviz.core.types import AttentionCapture
from attnviz.figures import views
from attnviz.figures.views import ViewOptions

TOKENS = ["[CLS]", "a", "b", "[SEP]"]


def test_heatmap_table_and_figure_hold_the_head(cap):
    r = views.heatmap(cap, layer=1, head=2)
    want = cap.head("self", 1, 2)
    assert np.allclose(r.table.to_numpy(), want) and np.allclose(np.asarray(r.figure.data[0].z), want)
    assert list(r.table.index) == ["0:[CLS]", "1:a", "2:b", "3:[SEP]"]
    assert r.figure.layout.title.text == "self-attention · layer 1 · head 2"
    lines = r.csv().splitlines()
    assert lines[0] == "query \\ key,0:[CLS],1:a,2:b,3:[SEP]"
    assert [float(v) for v in lines[2].split(",")[1:]] == pytest.approx(want[1], abs=1e-6)


def test_hidden_special_tokens_renormalised_and_focused(cap):
    opts = ViewOptions(layer=0, head=1, hide_special=True, renormalise=True)
    r = views.heatmap(cap, opts)
    inner = cap.head("self", 0, 1)[1:3, 1:3]
    assert np.allclose(r.table.to_numpy(), inner / inner.sum(1, keepdims=True))
    assert list(r.table.columns) == ["0:a", "1:b"]
    raw = views.heatmap(cap, opts.with_(renormalise=False)).table.to_numpy()
    assert np.allclose(raw, inner)
    focused = views.heatmap(cap, opts.with_(focus=2, renormalise=False)).table
    assert focused.shape == (1, 2) and np.allclose(focused.to_numpy()[0], inner[1])


def test_window_keeps_key_positions_and_nothing_left_is_a_message(cap):
    rows, cols = views.kept(cap, ViewOptions(window=(1, 3)))
    assert rows == cols == [1, 2]
    r = views.heatmap(cap, window=(1, 3))
    assert np.allclose(r.table.to_numpy(), cap.head("self", 0, 0)[1:3, 1:3])
    with pytest.raises(ValueError, match="No tokens are left"):
        views.heatmap(cap, window=(0, 1), hide_special=True)


def test_log_colour_keeps_the_weight_in_the_table(cap):
    r = views.heatmap(cap, log_color=True)
    assert np.allclose(np.asarray(r.figure.data[0].z), np.log10(cap.head("self", 0, 0)))
    assert np.allclose(r.table.to_numpy(), cap.head("self", 0, 0))


def test_head_view_lines_only_from_the_focus_and_its_table(cap):
    r = views.head_view(cap, layer=1, heads=(0, 2), focus=1)
    lines = [t for t in r.figure.data if t.mode == "lines" and t.x and len(t.x) > 1]
    assert lines and {y for t in lines for y in t.y[0::3]} == {-1}
    names = {t.name for t in r.figure.data if t.name}
    assert {"head 0", "head 2"} <= names and "head 1" not in names
    assert set(r.table["head"]) == {0, 2} and set(r.table["query"]) == {"1:a"}
    w = r.table.query("head == 2")["weight"].to_numpy()
    assert np.allclose(w, cap.head("self", 1, 2)[1])


def test_model_view_thumbnails_and_click_targets(cap):
    r = views.model_view(cap)
    assert list(r.figure.data[1].customdata[-1]) == [1, 2]
    mosaic = np.asarray(r.figure.data[0].z, dtype=float)
    first = cap.head("self", 0, 0)
    assert np.allclose(mosaic[:4, :4], first / first.max())
    assert r.table is None and r.caption.startswith("Every layer × head (2 × 3)")


def test_aggregates_mean_max_rollout(cap):
    stack = cap.attention["self"].numpy()
    assert np.allclose(views.aggregate(cap, layer=1, how="mean").table.to_numpy(), stack[1].mean(0), atol=1e-6)
    assert np.allclose(views.aggregate(cap, layer=0, how="max").table.to_numpy(), stack[0].max(0))
    r = views.rollout(cap)
    assert r.figure.layout.title.text == "rollout through layer 1"
    assert np.allclose(r.table.to_numpy(), rollout(cap.attention["self"])[1], atol=1e-6)
    assert "Abnar & Zuidema" in r.caption
    with pytest.raises(ValueError, match="unknown aggregate"):
        views.aggregate(cap, how="median")


def test_rollout_and_flow_need_square_attention(cap):
    cross = AttentionCapture(tokens=["x", "y", "z"], attention={"cross": torch.full((1, 1, 2, 3), 1 / 3)},
                             positional=None, model="m", device="cpu", dtype="float32", mode="test",
                             target_tokens=["p", "q"])
    with pytest.raises(ValueError, match="Rollout multiplies"):
        views.aggregate(cross, kind="cross", how="rollout")
    with pytest.raises(ValueError, match="flow needs square"):
        views.aggregate(cross, kind="cross", how="flow")
    r = views.heatmap(cross, kind="cross", hide_special=True)
    assert r.table.shape == (2, 3) and list(r.table.index) == ["0:p", "1:q"]


def test_statistics_table_and_chart(cap):
    stats = head_statistics(cap)
    assert views.statistic_names(cap) == list(stats)
    r = views.statistics(cap, stat="first token")
    assert len(r.table) == 6 and list(r.table[["layer", "head"]].iloc[4]) == [1, 1]
    assert np.allclose(r.table["entropy"], stats["entropy"].reshape(-1))
    assert np.allclose(np.asarray(r.figure.data[0].z), stats["first token"])
    assert r.csv().splitlines()[0].startswith("layer,head,entropy")
    with pytest.raises(ValueError, match="unknown statistic"):
        views.statistics(cap, stat="beauty")


def test_statistic_names_follow_the_kind():
    one = torch.full((1, 1, 2, 3), 1 / 3)
    cross = AttentionCapture(tokens=["x", "y", "z"], attention={"cross": one}, positional=None, model="m",
                             device="cpu", dtype="float32", mode="test", target_tokens=["p", "q"])
    assert views.statistic_names(cross, "cross") == list(head_statistics(cross, "cross"))


def test_clusters_order_and_count(cap):
    r = views.clusters(cap)
    sim = r.table.to_numpy()
    assert sim.shape == (6, 6) and np.allclose(np.diag(sim), 1, atol=1e-5)
    assert r.caption.endswith("clusters at a 0.5 cut") and int(r.caption.split()[0]) >= 1
    assert sorted(label.split(":")[1] for label in r.table.index) == sorted(f"L{l}h{h}" for l in range(2) for h in range(3))


def test_qk_points_and_caption(cap):
    r = views.qk(cap, layer=1, head=2, focus=1)
    assert list(r.table["role"]) == ["query"] * 4 + ["key"] * 4
    q = cap.qk["self"].q[1, 2].double().numpy()
    k = cap.qk["self"].k[1, 2].double().numpy()
    both = np.vstack([q, k]) - np.vstack([q, k]).mean(0)
    # PCA keeps the distances between points in the plane of the first two axes: compare the spread
    assert np.isclose(np.var(r.table[["x", "y"]].to_numpy(), axis=0).sum(),
                      np.sort(np.linalg.svd(both, compute_uv=False) ** 2)[::-1][:2].sum() / 8)
    assert np.allclose(np.asarray(r.figure.data[0].x), r.table["x"][:4])
    assert list(r.figure.data[0].marker.size) == [11, 22, 11, 11]  # the focused query is drawn larger
    assert "principal axes" in r.caption


def test_generated_token_row_per_head(cap):
    r = views.generated_token(cap, layer=1, focus=2)
    want = cap.attention["self"][1, :, 2, :3].numpy()
    assert np.allclose(r.table.to_numpy(), want)
    assert list(r.table.index) == ["0:head 0", "1:head 1", "2:head 2"]
    assert r.figure.layout.title.text == "layer 1: attention of “b”"
    assert r.caption.startswith("Token 2 “b” was written after reading tokens 0–1")


def test_build_by_name(cap):
    assert np.allclose(views.build(cap, "heatmap", ViewOptions(head=1)).table.to_numpy(), cap.head("self", 0, 1))
    with pytest.raises(ValueError, match="unknown view"):
        views.build(cap, "sunburst")


def test_difference_of_two_captures(cap):
    other = AttentionCapture(tokens=TOKENS, attention={"self": cap.attention["self"].flip(-1)}, positional=None,
                             model="m", device="cpu", dtype="float32", mode="test", special=cap.special)
    r = views.difference(cap, other, layer=1, head=0)
    want = np.abs(cap.head("self", 1, 0)[:, ::-1] - cap.head("self", 1, 0))
    assert np.allclose(r.table.to_numpy(), want) and r.figure.layout.title.text == "|difference|"
    shorter = AttentionCapture(tokens=TOKENS[:3], attention={"self": cap.attention["self"][..., :3, :3]},
                               positional=None, model="m", device="cpu", dtype="float32", mode="test")
    with pytest.raises(ValueError, match="different tokens"):
        views.difference(cap, shorter)
