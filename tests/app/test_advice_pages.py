"""Advice that works today, on the pages: a near miss of a bundled model's name gets "did you mean" before any hub
talk, a hub id on an offline machine names `hf download`, and every download is named by the model, the view, the
layer and the head (two downloads never overwrite each other)."""
import json

import pytest

from apphelpers import assert_clean, messages, open_page, panes

from attnviz.app.state import compare, explorer, sidebar
from attnviz.core import settings
from attnviz.i18n import translate

HE, SHE = "The doctor said he was late.", "The doctor said she was late."


@pytest.fixture()
def personal(monkeypatch):
    s = settings.from_environment({})
    monkeypatch.setattr(settings, "current", lambda: s)
    return s


@pytest.fixture()
def downloads(monkeypatch) -> list[str]:
    """The file name of every download button drawn (deferred: the name travels with the callable)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    names: list[str] = []
    real = MediaFileManager.add_deferred

    def add_deferred(self, data, *args, **kwargs):
        names.append(kwargs.get("file_name"))
        return real(self, data, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return names


def _camera_names(at) -> list[str]:
    """What each figure's camera button names its image (plotly's toImageButtonOptions)."""
    return [json.loads(el.proto.config)["toImageButtonOptions"]["filename"] for el in at.get("plotly_chart")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_near_miss_gets_did_you_mean_before_any_hub_talk(lang, personal):
    at = open_page(explorer, {sidebar.MODEL: "custom", sidebar.PATH: "minlm", sidebar.LANG: lang})
    assert_clean(at)
    (error,) = messages(at, "error")
    assert error == translate(lang, "`{spec}` is not a model attnviz knows. Did you mean `{name}`?").format(
        spec="minlm", name="minilm")
    assert "hf download" not in error and "huggingface" not in error.lower()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_offline_hub_id_names_the_command_that_ships_today(lang, personal, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = open_page(explorer, {sidebar.MODEL: "custom", sidebar.PATH: "some-org/some-model", sidebar.LANG: lang})
    assert_clean(at)
    (error,) = messages(at, "error")
    assert "`hf download some-org/some-model --local-dir ./some-model`" in error
    assert "huggingface-cli" not in error and "HF_HUB_OFFLINE" in error


def test_the_explorers_downloads_carry_model_view_layer_and_head(personal, downloads, minilm):
    at = open_page(explorer, {sidebar.MODEL: "minilm", sidebar.TEXT: HE, explorer.LAYER: 3, explorer.HEAD: 9})
    assert_clean(at)
    assert {"minilm-heatmap-L3-H9.csv", "minilm-heatmap-L3-H9.html", "minilm-capture.npz"} <= set(downloads)
    assert _camera_names(at) == ["minilm-heatmap-L3-H9"]
    downloads.clear()
    at = open_page(explorer, {sidebar.MODEL: "minilm", sidebar.TEXT: HE, explorer.LAYER: 3, explorer.HEAD: 9,
                              explorer.VIEW: "Head view"})
    assert "minilm-head_view-L3.html" in downloads  # one layer's heads: no head in the name
    downloads.clear()
    at = open_page(explorer, {sidebar.MODEL: "minilm", sidebar.TEXT: HE, explorer.VIEW: "Aggregates",
                              explorer.AGGREGATE: "rollout", explorer.LAYER: 5})
    assert "minilm-rollout-L5.csv" in downloads


def test_compares_downloads_name_each_pane_and_both_models(personal, downloads, minilm, glass):
    at = open_page(compare, {**panes({"model": "minilm", "text": HE}, {"model": "glassllm-en", "text": SHE}),
                             compare.LAYER_A: 5, compare.HEAD_A: 3})
    assert_clean(at)
    names = set(downloads)
    assert {"minilm-pane-a-heatmap-L5-H3.csv", "glassllm-en-pane-b-heatmap-L3-H1.csv",
            "minilm-vs-glassllm-en-difference-A-L5-H3-B-L3-H1.csv", "minilm-vs-glassllm-en-head-distances.csv",
            "minilm-vs-glassllm-en-compare-report.html", "minilm-pane-a-capture.npz",
            "glassllm-en-pane-b-capture.npz"} <= names, names
    assert _camera_names(at)[:2] == ["minilm-pane-a-heatmap-L5-H3", "glassllm-en-pane-b-heatmap-L3-H1"]


def test_figures_beside_the_view_are_named_by_what_they_hold(personal, downloads, glass):
    """The ablation grid and the attribution charts under the heatmap never take the heatmap's own file names."""
    at = open_page(explorer, {sidebar.MODEL: "glassllm-en", sidebar.TEXT: HE, explorer.LAYER: 3, explorer.HEAD: 1})
    assert_clean(at)
    assert {"glassllm-en-heatmap-L3-H1.csv", "glassllm-en-dla.csv"} <= set(downloads), downloads
    downloads.clear()
    next(b for b in at.button if b.label == "Ablate every head").click().run()
    assert_clean(at)
    assert "glassllm-en-ablation-zero.csv" in downloads, downloads
    assert len(downloads) == len(set(downloads)), downloads  # no two buttons of one page name the same file


def test_what_changed_and_both_censuses_name_both_models(personal, downloads, minilm):
    at = open_page(compare, panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": SHE}))
    assert_clean(at)
    assert "minilm-vs-minilm-what-changed.csv" in downloads, downloads
    assert "minilm-vs-minilm-head-types" in _camera_names(at)
    assert len(downloads) == len(set(downloads)), downloads
