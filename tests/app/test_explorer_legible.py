"""AppTest: the explorer shows only the controls a view uses, starts the head view with a few heads, and keeps
long inputs and a focused query legible."""

from apphelpers import assert_clean, decode, figures, open_page
from attnviz.app.state import explorer, sidebar

LONG = " ".join(["attention lets every token look at every other token"] * 12)  # 110 tokens


def _widget_keys(at) -> set[str]:
    return {w.key for kind in ("slider", "selectbox", "toggle", "multiselect") for w in getattr(at, kind) if w.key}


def test_controls_only_where_they_apply():
    heat = _widget_keys(open_page(explorer, {explorer.VIEW: "Heatmap", sidebar.TEXT: LONG}))
    assert {explorer.LAYER, explorer.HEAD, explorer.FOCUS, explorer.HIDE, explorer.WINDOW} <= heat
    head_view = _widget_keys(open_page(explorer, {explorer.VIEW: "Head view"}))
    assert explorer.LAYER in head_view and explorer.HEAD not in head_view
    model_view = _widget_keys(open_page(explorer, {explorer.VIEW: "Model view", sidebar.TEXT: LONG}))
    assert not {explorer.LAYER, explorer.HEAD, explorer.WINDOW} & model_view
    stats = _widget_keys(open_page(explorer, {explorer.VIEW: "Statistics", sidebar.TEXT: LONG}))
    assert not {explorer.HEAD, explorer.FOCUS, explorer.HIDE, explorer.WINDOW} & stats


def test_a_hidden_control_keeps_its_value():
    at = open_page(explorer, {explorer.VIEW: "Heatmap", explorer.LAYER: 2, explorer.HEAD: 5})
    at.radio(key=explorer.VIEW).set_value("Statistics").run()
    at.radio(key=explorer.VIEW).set_value("Heatmap").run()
    assert_clean(at)
    assert at.slider(key=explorer.HEAD).value == 5 and at.slider(key=explorer.LAYER).value == 2
    assert figures(at)[0]["layout"]["title"]["text"].endswith("layer 2 · head 5")


def test_head_view_starts_with_a_few_heads_and_says_so():
    at = open_page(explorer, {explorer.VIEW: "Head view"})
    assert_clean(at)
    assert at.multiselect(key=explorer.HEADS).value == [0, 1, 2]
    assert "Showing 3 of 12 heads, each in the colour of its chip: add heads above." in [c.value for c in at.caption]
    fig = figures(at)[0]
    assert [t["name"] for t in fig["data"] if t.get("name", "").startswith("head")] == ["head 0", "head 1", "head 2"]
    assert fig["layout"]["legend"]["y"] == 1 and fig["layout"]["legend"]["yanchor"] == "bottom"  # at the top


def test_focused_query_is_a_one_row_strip():
    at = open_page(explorer, {explorer.VIEW: "Heatmap", explorer.FOCUS: 3})
    fig = figures(at)[0]
    layout = fig["layout"]
    assert layout["height"] - layout["margin"]["t"] - layout["margin"]["b"] <= 30  # one row, not a square
    assert fig["data"][0]["colorbar"]["orientation"] == "h"


def test_window_applies_to_the_query_key_view():
    at = open_page(explorer, {explorer.VIEW: "Query–key", sidebar.TEXT: LONG, explorer.WINDOW: (10, 40)})
    assert_clean(at)
    queries, keys = figures(at)[0]["data"][:2]
    assert len(decode(queries["x"])) == 30 and len(decode(keys["x"])) == 30
    assert list(decode(queries["customdata"])[[0, -1]]) == [10, 39]


def test_long_window_labels_never_overlap():
    at = open_page(explorer, {explorer.VIEW: "Heatmap", sidebar.TEXT: LONG, explorer.WINDOW: (0, 100)})
    fig = figures(at)[0]
    rows = len(fig["data"][0]["y"])
    plot_h = fig["layout"]["height"] - fig["layout"]["margin"]["t"] - fig["layout"]["margin"]["b"]
    labels = len(fig["layout"]["yaxis"]["tickvals"])
    assert rows == 100 and plot_h / labels >= 15  # at least 15 px for each label shown
    assert "every" in fig["layout"]["yaxis"]["title"]["text"]
