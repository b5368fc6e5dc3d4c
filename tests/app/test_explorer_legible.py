"""AppTest: the explorer shows only the controls a view uses, starts the head view with a few heads, and keeps
long inputs and a focused query legible."""

from apphelpers import assert_clean, decode, figures, open_page

PAGE = "attnviz/app/pages/explorer.py"
LONG = " ".join(["attention lets every token look at every other token"] * 12)  # 110 tokens


def _widget_keys(at) -> set[str]:
    return {w.key for kind in ("slider", "selectbox", "toggle", "multiselect") for w in getattr(at, kind) if w.key}


def test_controls_only_where_they_apply():
    heat = _widget_keys(open_page(PAGE, ex_view="Heatmap", sb_text=LONG))
    assert {"ex_layer", "ex_head", "ex_focus", "ex_hide", "ex_window"} <= heat
    head_view = _widget_keys(open_page(PAGE, ex_view="Head view"))
    assert "ex_layer" in head_view and "ex_head" not in head_view
    model_view = _widget_keys(open_page(PAGE, ex_view="Model view", sb_text=LONG))
    assert not {"ex_layer", "ex_head", "ex_window"} & model_view
    stats = _widget_keys(open_page(PAGE, ex_view="Statistics", sb_text=LONG))
    assert not {"ex_head", "ex_focus", "ex_hide", "ex_window"} & stats


def test_a_hidden_control_keeps_its_value():
    at = open_page(PAGE, ex_view="Heatmap", ex_layer=2, ex_head=5)
    at.radio(key="ex_view").set_value("Statistics").run()
    at.radio(key="ex_view").set_value("Heatmap").run()
    assert_clean(at)
    assert at.slider(key="ex_head").value == 5 and at.slider(key="ex_layer").value == 2
    assert figures(at)[0]["layout"]["title"]["text"].endswith("layer 2 · head 5")


def test_head_view_starts_with_a_few_heads_and_says_so():
    at = open_page(PAGE, ex_view="Head view")
    assert_clean(at)
    assert at.multiselect(key="ex_heads").value == [0, 1, 2]
    assert "Showing 3 of 12 heads, each in the colour of its chip: add heads above." in [c.value for c in at.caption]
    fig = figures(at)[0]
    assert [t["name"] for t in fig["data"] if t.get("name", "").startswith("head")] == ["head 0", "head 1", "head 2"]
    assert fig["layout"]["legend"]["y"] == 1 and fig["layout"]["legend"]["yanchor"] == "bottom"  # at the top


def test_focused_query_is_a_one_row_strip():
    at = open_page(PAGE, ex_view="Heatmap", ex_focus=3)
    fig = figures(at)[0]
    layout = fig["layout"]
    assert layout["height"] - layout["margin"]["t"] - layout["margin"]["b"] <= 30  # one row, not a square
    assert fig["data"][0]["colorbar"]["orientation"] == "h"


def test_window_applies_to_the_query_key_view():
    at = open_page(PAGE, ex_view="Query–key", sb_text=LONG, ex_window=(10, 40))
    assert_clean(at)
    queries, keys = figures(at)[0]["data"][:2]
    assert len(decode(queries["x"])) == 30 and len(decode(keys["x"])) == 30
    assert list(decode(queries["customdata"])[[0, -1]]) == [10, 39]


def test_long_window_labels_never_overlap():
    at = open_page(PAGE, ex_view="Heatmap", sb_text=LONG, ex_window=(0, 100))
    fig = figures(at)[0]
    rows = len(fig["data"][0]["y"])
    plot_h = fig["layout"]["height"] - fig["layout"]["margin"]["t"] - fig["layout"]["margin"]["b"]
    labels = len(fig["layout"]["yaxis"]["tickvals"])
    assert rows == 100 and plot_h / labels >= 15  # at least 15 px for each label shown
    assert "every" in fig["layout"]["yaxis"]["title"]["text"]
