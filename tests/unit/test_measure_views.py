"""Every view drawing a measure instead of α (figures.measured): the figure's data and the table are the measure's
values, the title names the measure, the colour bar its unit; a layer-level measure is one head a layer, a signed
one is drawn on a scale centred on 0."""
import numpy as np
import pytest
import torch

from attnviz.analysis.measures import MeasureResult
from attnviz.analysis.measures.rollout import normalise_rows
from attnviz.figures import views
from attnviz.figures.export import capture_arrays, export_name
from attnviz.figures.measured import MeasuredCapture, measure_of, measured
from attnviz.figures.text_view import text_view
from attnviz.figures.views import ViewOptions

TOKENS = ["[CLS]", "a", "b", "[SEP]"]


def _result(method: str, per_head: bool, seed: int = 0, signed: bool = False) -> MeasureResult:
    g = torch.Generator().manual_seed(seed)
    shape = (2, 3, 4, 4) if per_head else (2, 4, 4)
    values = torch.rand(shape, generator=g) * 3  # a norm is not at most 1
    if signed:
        values = values - 1.5
    return MeasureResult(method, "self", TOKENS, TOKENS, values, per_head, "m")


@pytest.fixture
def norm(cap):
    return measured(cap, _result("norm", True))


@pytest.fixture
def alti(cap):
    return measured(cap, _result("alti", False, seed=1))


@pytest.fixture
def grad(cap):
    return measured(cap, _result("grad-input", True, seed=2, signed=True))


def test_a_measured_capture_keeps_the_capture_and_reads_the_measure(cap, norm):
    assert isinstance(norm, MeasuredCapture) and measure_of(norm).method == "norm" and measure_of(cap) is None
    assert norm.tokens == cap.tokens and norm.special == cap.special and norm.kinds == ["self"]
    assert norm.shape("self") == (2, 3, 4, 4)
    assert np.allclose(norm.head("self", 1, 2), norm.measure.values[1, 2].numpy())
    again = measured(norm, _result("alti", False))  # a measured capture measured again: the base, not the measure
    assert again.base is cap and again.shape("self") == (2, 1, 4, 4)


def test_a_measure_on_other_tokens_is_refused(cap):
    shorter = MeasureResult("norm", "self", TOKENS[:3], TOKENS[:3], torch.ones(2, 3, 3, 3), True)
    other = ["[CLS]", "x", "b", "[SEP]"]  # as many tokens, another text
    for result in (shorter, MeasureResult("norm", "self", other, other, torch.ones(2, 3, 4, 4), True)):
        with pytest.raises(ValueError, match="norm measure was computed on other tokens"):
            measured(cap, result)


def test_views_keep_what_they_computed_from_a_measure(cap):
    result = _result("norm", True)
    assert result.source() is result.source()  # one source a result: a page's reruns reuse its overview
    first = views.model_view(measured(cap, result))
    assert any(key[0] == "pooled" for key in result.source().memo if isinstance(key, tuple))
    again = views.model_view(measured(cap, result))
    assert np.array_equal(np.asarray(first.figure.data[0].z), np.asarray(again.figure.data[0].z), equal_nan=True)


def test_heatmap_draws_the_measure_with_its_name_and_unit(norm):
    r = views.heatmap(norm, layer=1, head=2)
    want = norm.measure.values[1, 2].numpy()
    assert np.allclose(r.table.to_numpy(), want) and np.allclose(np.asarray(r.figure.data[0].z), want)
    assert r.figure.layout.title.text == "norm · self-attention · layer 1 · head 2"
    trace = r.figure.data[0]
    assert trace.colorbar.title.text == "‖α·f(x)‖" and trace.zmin == 0 and trace.zmax == pytest.approx(want.max())
    assert "‖α·f(x)‖" in trace.hovertemplate


def test_log_colour_of_a_measure_past_one(norm):
    r = views.heatmap(norm, layer=0, head=1, log_color=True)
    want = norm.measure.values[0, 1].numpy()
    top = np.log10(want.max())
    assert r.figure.data[0].zmax == pytest.approx(top) and r.figure.data[0].zmin == pytest.approx(top - 6)
    assert np.allclose(np.asarray(r.figure.data[0].z), np.log10(np.clip(want, 10 ** (top - 6), None)), atol=1e-5)
    assert r.figure.data[0].colorbar.title.text == "log₁₀ ‖α·f(x)‖"


def test_a_layer_level_measure_is_one_head_a_layer(alti):
    r = views.heatmap(alti, layer=1, head=2)  # the head asked for does not exist: the layer is drawn
    assert np.allclose(r.table.to_numpy(), alti.measure.values[1].numpy())
    assert r.figure.layout.title.text == "ALTI · self-attention · layer 1"
    assert r.figure.data[0].colorbar.title.text == "share of the output"
    mv = views.model_view(alti)
    assert mv.figure.layout.title.text == "ALTI · self-attention: all heads"
    assert [list(c) for c in mv.figure.data[1].customdata] == [[0, 0], [1, 0]]
    assert list(mv.figure.layout.xaxis.ticktext) == ["all heads"]


def test_a_signed_measure_is_centred_on_zero_and_never_renormalised(grad):
    r = views.heatmap(grad, layer=0, head=0, log_color=True, hide_special=True, renormalise=True)
    want = grad.measure.values[0, 0].numpy()[1:3, 1:3]
    trace = r.figure.data[0]
    assert np.allclose(r.table.to_numpy(), want)  # neither renormalised nor logged
    assert trace.zmid == 0 and trace.zmax == pytest.approx(np.abs(want).max()) and trace.zmin == -trace.zmax
    assert trace.colorscale[0][1] == "rgb(103,0,31)"  # red below zero
    assert trace.colorbar.title.text == "α·∂target/∂α"


def test_hidden_special_tokens_renormalise_a_measure_that_has_shares(norm):
    r = views.heatmap(norm, layer=0, head=1, hide_special=True, renormalise=True)
    inner = norm.measure.values[0, 1].numpy()[1:3, 1:3]
    assert np.allclose(r.table.to_numpy(), inner / inner.sum(1, keepdims=True))


def test_head_view_lines_sized_by_the_largest_drawn_and_the_table_holds_the_measure(norm):
    r = views.head_view(norm, layer=1, heads=(0, 2), focus=1)
    values = norm.measure.values[1].numpy()
    assert r.figure.layout.title.text == "norm · self-attention · layer 1"
    assert list(r.table.columns) == ["head", "query", "key", "norm"]
    assert np.allclose(r.table.query("head == 2")["norm"].to_numpy(), values[2, 1])
    top = values[[0, 2]][:, 1].max()  # the strongest line drawn is a full one
    widest = [trace for trace in r.figure.data if trace.mode == "lines" and trace.line.width == 5.0]
    assert widest and (values[[0, 2], 1] >= 0.6 * top).any()
    assert "largest drawn" in r.caption


def test_model_view_thumbnails_of_a_signed_measure_are_its_sizes(grad):
    r = views.model_view(grad)
    mosaic = np.asarray(r.figure.data[0].z, dtype=float)
    first = np.abs(grad.measure.values[0, 0].numpy())
    assert np.allclose(mosaic[:4, :4], first / first.max(), atol=1e-6)
    assert r.figure.layout.title.text == "gradient × input · self-attention: all heads"


def test_aggregate_mean_and_max_follow_the_measure_rollout_does_not(norm):
    values = norm.measure.values.numpy()
    r = views.aggregate(norm, layer=1, how="mean")
    assert np.allclose(r.table.to_numpy(), values[1].mean(0), atol=1e-6)
    assert r.figure.layout.title.text == "norm · mean over heads · layer 1"
    assert np.allclose(views.aggregate(norm, layer=0, how="max").table.to_numpy(), values[0].max(0))
    for how in ("rollout", "flow"):
        with pytest.raises(ValueError, match="ALTI, rolled out"):
            views.aggregate(norm, how=how)


def test_statistics_read_the_measures_shares(norm):
    r = views.statistics(norm, stat="first token")
    shares = normalise_rows(norm.measure.values).numpy()
    assert np.allclose(np.asarray(r.figure.data[0].z), shares[..., 0].mean(-1), atol=1e-6)
    assert np.allclose(r.table["special tokens"], (shares[..., 0] + shares[..., 3]).mean(-1).reshape(-1), atol=1e-6)
    assert r.figure.layout.title.text == "norm · first token per head"
    assert r.caption.startswith("Statistics of norm: each row is first divided by its sum")


def test_clusters_and_the_difference_of_two_measures(cap, norm):
    assert views.clusters(norm).figure.layout.title.text.startswith("norm · cosine similarity")
    other = measured(cap, _result("norm", True, seed=5))
    r = views.difference(norm, other, layer=1, head=0)
    want = np.abs(other.measure.values[1, 0].numpy() - norm.measure.values[1, 0].numpy())
    assert np.allclose(r.table.to_numpy(), want) and r.figure.layout.title.text == "norm · |difference|"


def test_query_key_view_draws_the_vectors_whatever_the_measure(cap, norm):
    assert np.allclose(views.qk(norm, layer=1, head=2).table[["x", "y"]].to_numpy(),
                       views.qk(cap, layer=1, head=2).table[["x", "y"]].to_numpy())


def test_text_view_shades_by_the_measures_size(grad):
    tv = text_view(grad, ViewOptions(layer=1, head=2, focus=1))
    assert np.allclose(tv.weights, np.abs(grad.measure.values[1, 2, 1].numpy()))


def test_every_view_titles_the_measure_in_chinese(norm):
    zh = views.heatmap(norm, ViewOptions(lang="zh"), layer=1, head=2).figure
    assert zh.layout.title.text == "范数 · 自注意力 · 第 1 层 · 第 2 个头"
    for name in views.MEASURED:
        title = views.build(norm, name, ViewOptions(lang="zh")).figure.layout.title.text
        assert title.startswith("范数 · "), (name, title)


def test_exports_carry_the_measure(cap, norm):
    arrays = capture_arrays(norm)
    assert np.allclose(arrays["measure_norm"], norm.measure.values.numpy())
    assert np.allclose(arrays["attention_self"], cap.attention["self"].numpy())  # the weights are still there
    import json
    meta = json.loads(str(arrays["metadata"]))
    assert meta["measures"]["norm"]["dims"] == ["layer", "head", "query_pos", "key_pos"]
    both = capture_arrays(cap, measures=[norm.measure, _result("alti", False)])
    assert {"measure_norm", "measure_alti"} <= set(both)
    assert export_name("minilm", "heatmap", "csv", 3, 9, measure="norm") == "minilm-norm-heatmap-L3-H9.csv"
    assert export_name("minilm", "heatmap", "csv", 3, 9, measure="weight") == "minilm-heatmap-L3-H9.csv"
    assert export_name("glassllm-en", "model view", "html", measure="value-zeroing-rollout") == \
        "glassllm-en-value-zeroing-rollout-model-view.html"
    csv = views.heatmap(norm, layer=1, head=2).csv().splitlines()
    assert [float(v) for v in csv[1].split(",")[1:]] == pytest.approx(norm.measure.values[1, 2, 0].numpy(), abs=1e-5)


def test_a_layer_not_computed_is_blank_in_every_view(cap):
    values = normalise_rows(torch.rand(2, 4, 4, generator=torch.Generator().manual_seed(3)))
    values[0] = float("nan")  # value zeroing of layer 1 only
    vz = measured(cap, MeasureResult("value-zeroing", "self", TOKENS, TOKENS, values, False, "m", layers=[1]))
    assert np.isnan(views.heatmap(vz, layer=0).table.to_numpy()).all()
    assert np.allclose(views.heatmap(vz, layer=1).table.to_numpy(), values[1].numpy())
    for name in views.MEASURED:
        views.build(vz, name, ViewOptions(layer=0))
    stats = views.statistics(vz, stat="first token").table["first token"].to_numpy()
    assert np.isnan(stats[0]) and np.isfinite(stats[1])
