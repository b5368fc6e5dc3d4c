"""The figures of the measures and the causal tools hold the arrays they are given: the agreement chart and its badge,
the ablation and patching grids (clickable cells), direct logit attribution's bars, the sink-share chart; and the
words of every measure."""
import math

import numpy as np
import pytest
import torch

from attnviz.analysis.causal import DLAResult, PatchResult
from attnviz.analysis.causal.about import ABOUT as CAUSAL_ABOUT
from attnviz.analysis.measures import METHODS
from attnviz.analysis.measures.about import ABOUT, NAMES, UNITS
from attnviz.analysis.measures.sinks import looks_not_moves, sink_keys, sink_share
from attnviz.analysis.prompts import Prompt
from attnviz.analysis.targets import NextToken, Similarity
from attnviz.figures.agreement import agreement_badge, agreement_chart, rho_at
from attnviz.figures.causal import (ablation_grid, dla_chart, dla_parts, dla_sources_chart, patch_carriers,
                                    patching_grid, target_label)
from attnviz.figures.sinks import sink_share_chart, sink_words
from attnviz.i18n import translate

RNG = np.random.default_rng(0)


def _cells(fig):
    """The clickable layer of a grid: customdata [layer, head] of each cell, and the text each one shows."""
    points = fig.data[1]
    return [list(c) for c in points.customdata], list(points.text)


def test_every_measure_has_a_name_a_unit_and_a_paragraph_with_its_paper():
    assert set(NAMES) == set(UNITS) == set(ABOUT) == set(METHODS)
    for method, spec in METHODS.items():
        author = spec.paper.split()[0]
        assert author in ABOUT[method], method
        assert translate("zh", ABOUT[method]) != ABOUT[method] and author in translate("zh", ABOUT[method])
    assert set(CAUSAL_ABOUT) == {"ablation", "dla", "patching"}


def test_agreement_chart_holds_rho_on_a_fixed_scale_and_opens_heads():
    rho = RNG.uniform(-1, 1, (3, 4))
    rho[1, 2] = np.nan
    fig = agreement_chart(rho, "norm")
    z = np.asarray(fig.data[0].z, dtype=float)
    assert np.allclose(z[np.isfinite(rho)], rho[np.isfinite(rho)], atol=1e-6) and np.isnan(z[1, 2])
    assert (fig.data[0].zmin, fig.data[0].zmax, fig.data[0].zmid) == (-1, 1, 0)
    custom, text = _cells(fig)
    assert custom[6] == [1, 2] and text[6] == "—" and text[0] == f"{rho[0, 0]:.4f}"
    assert fig.layout.title.text == "norm: agreement with the weights, per head (Spearman ρ)"
    assert "click to open" in fig.data[1].hovertemplate
    layer_level = agreement_chart(np.array([0.5, 0.1]), "alti")
    assert list(layer_level.data[0].x) == ["all heads"] and _cells(layer_level)[0] == [[0, -1], [1, -1]]
    assert agreement_chart(rho, "norm", lang="zh").layout.title.text.startswith("范数")


@pytest.mark.parametrize("rho, words", [(0.82, "agrees with the weights: ρ = 0.82"),
                                        (0.5, "agrees in part with the weights: ρ = 0.50"),
                                        (0.0, "does not follow the weights: ρ = 0.00"),
                                        (-0.61, "runs against the weights: ρ = −0.61")])
def test_agreement_badge_is_one_sentence_with_the_value(rho, words):
    assert agreement_badge(rho) == words
    assert "ρ = " in agreement_badge(rho, lang="zh") and agreement_badge(rho, lang="zh") != words


def test_agreement_badge_without_a_value_and_for_one_head():
    assert agreement_badge(math.nan).startswith("no agreement to measure")
    grid = np.array([[0.1, 0.9], [0.4, 0.2]])
    assert rho_at(grid, 0, 1) == 0.9 and rho_at(np.array([0.3, 0.6]), 1, 7) == 0.6


def test_ablation_grid_is_signed_centred_and_clickable():
    delta = RNG.normal(size=(2, 3))
    fig = ablation_grid(delta, "log p(“ she”)", "mean")
    trace = fig.data[0]
    assert np.allclose(np.asarray(trace.z, dtype=float), delta, atol=1e-6)
    assert trace.zmid == 0 and trace.zmax == pytest.approx(np.abs(delta).max()) and trace.zmin == -trace.zmax
    assert fig.layout.title.text == "Each head set to its mean over positions: change in log p(“ she”)"
    custom, _ = _cells(fig)
    assert custom == [[layer, head] for layer in range(2) for head in range(3)]
    assert fig.layout.clickmode == "event+select"


def test_patching_grid_draws_the_share_restored_or_the_change():
    restored = np.array([[0.9, -0.1], [0.05, 0.3]])
    fig = patching_grid(restored, restored * 2, "log p(“ she”)")
    assert np.allclose(np.asarray(fig.data[0].z, dtype=float), restored) and fig.data[0].zmax == 1
    assert "share of the change" in fig.layout.title.text
    same = patching_grid(np.full((2, 2), np.nan), np.zeros((2, 2)), "x")
    assert np.allclose(np.asarray(same.data[0].z, dtype=float), 0) and "no share" in same.layout.title.text


def test_the_heads_that_carry_the_difference_in_one_sentence():
    delta = np.array([[0.5, -0.1], [0.25, 0.05]])
    result = PatchResult(["a"], ["b"], "self", NextToken(1), 1.0, 0.5, delta, delta / 0.5)
    assert patch_carriers(result) == "The heads that carry the difference: L0 h0 (100%), L1 h0 (50%), L1 h1 (10%)."
    assert patch_carriers(result, lang="zh").startswith("承载这一差别的头：L0 h0（100%）")
    same = PatchResult(["a"], ["a"], "self", NextToken(1), 1.0, 1.0, delta * 0, np.full((2, 2), np.nan))
    assert patch_carriers(same, n=1) == "The heads that carry the difference: L0 h0 (+0.000)."


def test_target_labels():
    assert target_label(NextToken(5), " she") == "log p(“ she”)"
    assert target_label(NextToken(5, 6), "she", "he") == "logit(“she”) − logit(“he”)"
    other = Prompt((1, 2), None, "a dog ran in the park", ())
    assert target_label(Similarity(other)) == "similarity to “a dog ran in the park”"
    assert target_label(NextToken(5)) == "log p(“#5”)"


def _dla() -> DLAResult:
    heads = {"self": RNG.normal(size=(2, 2))}
    per_source = {"self": RNG.normal(size=(2, 2, 3))}
    per_source["self"] *= (heads["self"] / per_source["self"].sum(-1))[..., None]  # they add up to the heads
    bias = {"self": np.array([0.01, -0.02])}
    mlp = np.array([0.4, -0.3])
    result = DLAResult(["a", "b", "c"], NextToken(1), 2, 0.0, 0.7, heads, per_source, bias, mlp, 0.05,
                       {"self": ["a", "b", "c"]})
    result.logit = result.total()
    return result


def test_dla_parts_add_up_and_the_chart_sorts_them():
    result = _dla()
    parts = dla_parts(result)
    assert parts["value"].sum() == pytest.approx(result.logit)
    assert list(parts["part"][:2]) == ["embeddings", "L0 h0"]
    fig = dla_chart(result, "the logit of “c”", top=4)
    bars = fig.data[0]
    assert sum(bars.x) == pytest.approx(result.logit)  # the parts not drawn are summed into the last bar
    assert bars.y[-1] == f"{len(parts) - 4} other parts"
    drawn = [abs(v) for v in bars.x[:-1]]
    assert drawn == sorted(drawn, reverse=True) and drawn[0] == pytest.approx(parts["value"].abs().max())
    heads = [list(c) for c in bars.customdata if c[1] >= 0]
    assert all(c[2] == "self" for c in heads)
    for (layer, head, _), value in zip((c for c in bars.customdata if c[1] >= 0),
                                       (v for v, c in zip(bars.x, bars.customdata) if c[1] >= 0)):
        assert value == pytest.approx(result.heads["self"][layer, head])
    assert f"{result.logit:.3f}" in fig.layout.title.text


def test_dla_sources_chart_splits_one_head():
    result = _dla()
    shares = result.per_source["self"][1, 0]
    fig = dla_sources_chart(shares, result.key_tokens["self"], 1, 0, "the logit of “c”")
    assert np.allclose(fig.data[0].y, shares) and list(fig.data[0].x) == ["0 · a", "1 · b", "2 · c"]
    assert f"{result.heads['self'][1, 0]:.3f}" in fig.layout.title.text
    assert fig.layout.title.text.startswith("L1 h0: its part of the logit of “c”")


def test_sink_shares_and_the_head_that_looks_but_moves_little():
    weights = torch.full((2, 2, 3, 3), 1 / 3)
    weights[1, 0] = torch.tensor([[0.8, 0.1, 0.1]] * 3)  # looks at the first token
    norms = weights.clone()
    norms[1, 0, :, 0] = 0.01  # and moves almost nothing from it
    assert sink_keys([True, False, True]) == [0, 2] and sink_keys([False] * 3) == [0]
    w = sink_share(weights, [0])
    assert w[1, 0] == pytest.approx(0.8) and w[0, 0] == pytest.approx(1 / 3)
    found = looks_not_moves(weights, norms, [False] * 3)
    assert (found.layer, found.head) == (1, 0) and found.weight_share == pytest.approx(0.8)
    assert found.norm_share == pytest.approx(0.01 / 0.21)
    fig = sink_share_chart(w, sink_share(norms, [0]), sink_words(["The", "cat"], [False, False]))
    assert np.allclose(fig.data[0].y, w.mean(1)) and fig.layout.title.text == \
        "Share going to the first token “The”, per layer"
    assert sink_words(["[CLS]", "a", "[SEP]"], [True, False, True]) == "the special tokens [CLS] [SEP]"
