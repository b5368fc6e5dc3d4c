"""AppTest through every view of the explorer, with values checked against the package's own reductions."""
import numpy as np

from apphelpers import assert_clean, figures, heatmap_z, open_page

from attnviz import capture
from attnviz.analysis.reduce import rollout
from attnviz.app.shell.sidebar import DEFAULT_TEXT

PAGE = "attnviz/app/pages/explorer.py"


def test_heatmap_view_with_focus_and_hidden_special_tokens(minilm):
    cap = capture(minilm, DEFAULT_TEXT)
    at = open_page(PAGE, ex_layer=2, ex_head=4)
    assert_clean(at)
    assert np.allclose(heatmap_z(at), cap.head("self", 2, 4), atol=1e-6)
    at = open_page(PAGE, ex_layer=2, ex_head=4, ex_focus=3)
    assert np.allclose(heatmap_z(at), cap.head("self", 2, 4)[3:4], atol=1e-6)
    at = open_page(PAGE, ex_hide=True, ex_renorm=True)
    z = heatmap_z(at)
    n = len(cap.tokens)
    assert z.shape == (n - 2, n - 2) and np.allclose(z.sum(1), 1, atol=1e-5)
    at = open_page(PAGE, ex_hide=True, ex_renorm=False)
    assert np.all(heatmap_z(at).sum(1) < 1)


def test_url_round_trip(minilm):
    at = open_page(PAGE, ex_view="Heatmap", ex_layer=1, ex_head=7)
    params = dict(at.query_params)
    assert params["view"] == "Heatmap" and params["layer"] == "1" and params["head"] == "7"
    assert params["model"] == "minilm" and params["text"] == DEFAULT_TEXT
    # a second person opens that link: the same head, the same numbers
    from streamlit.testing.v1 import AppTest

    from apphelpers import APP, TIMEOUT
    other = AppTest.from_file(APP, default_timeout=TIMEOUT)
    other.query_params.update(params)
    other.run()
    other.switch_page(PAGE).run()
    assert_clean(other)
    assert other.session_state["ex_layer"] == 1 and other.session_state["ex_head"] == 7
    assert np.allclose(heatmap_z(other), capture(minilm, DEFAULT_TEXT).head("self", 1, 7), atol=1e-6)


def test_head_view_lines_and_focus():
    at = open_page(PAGE, ex_view="Head view", ex_heads=[0, 3])
    assert_clean(at)
    names = [t.get("name") for t in figures(at)[0]["data"]]
    assert "head 0" in names and "head 3" in names and "head 1" not in names
    at = open_page(PAGE, ex_view="Head view", ex_focus=2, ex_heads=[0])
    lines = [t for t in figures(at)[0]["data"] if t.get("mode") == "lines" and t.get("x") and len(t["x"]) > 1]
    starts = {y for t in lines for y in t["y"][0::3]}
    assert starts == {-2}  # only the focused query's lines


def test_model_view_is_pooled_and_a_click_opens_the_head():
    at = open_page(PAGE, ex_view="Model view")
    fig = figures(at)[0]
    assert fig["data"][1]["customdata"][-1] == [5, 11]
    at = open_page(PAGE, ex_view="Model view", sb_text="word " * 300)
    z = figures(at)[0]["data"][0]["z"]
    from apphelpers import decode
    mosaic = decode(z)
    assert mosaic.size <= 6 * 33 * 12 * 33  # 32 × 32 per head (plus gaps), not 302 × 302
    at = open_page(PAGE, ex_view="Model view")
    at.session_state["ex_model_chart"] = {"selection": {"points": [{"customdata": [3, 5]}]}}
    at.run()
    assert at.session_state["ex_view"] == "Heatmap"
    assert (at.session_state["ex_layer"], at.session_state["ex_head"]) == (3, 5)


def test_aggregates_rollout_and_flow(minilm):
    at = open_page(PAGE, ex_view="Aggregates", ex_agg="rollout", ex_layer=5)
    assert_clean(at)
    cap = capture(minilm, DEFAULT_TEXT)
    assert np.allclose(heatmap_z(at), rollout(cap.attention["self"])[5], atol=1e-5)
    # an aggregate is over every head: the layer picker is drawn, the head picker is not
    assert [s.key for s in at.slider] == ["ex_layer"]
    at = open_page(PAGE, ex_view="Aggregates", ex_agg="flow")
    assert_clean(at)
    assert heatmap_z(at).shape == (13, 13)
    at = open_page(PAGE, ex_view="Aggregates", ex_agg="flow", sb_text="word " * 60)
    assert any("limited to 40 tokens" in w.value for w in at.warning)


def test_statistics_table_and_clusters():
    at = open_page(PAGE, ex_view="Statistics")
    assert_clean(at)
    table = at.dataframe[0].value
    assert len(table) == 72 and {"entropy", "mean distance", "first token", "special tokens", "cluster"} <= set(table)
    assert table["entropy"].between(0, np.log(13) + 1e-6).all()


def test_query_key_view_and_generation():
    at = open_page(PAGE, ex_view="Query–key", ex_layer=1, ex_head=2)
    assert_clean(at)
    names = [t["name"] for t in figures(at)[0]["data"]]
    assert names == ["query", "key"]
    at = open_page(PAGE, ex_view="Generate")
    assert any("causal models" in i.value for i in at.info)
    at = open_page(PAGE, sb_model="glassllm-en", sb_text="Once upon a time", ex_view="Generate", ex_gen_n=6,
                   ex_gen_step=3)
    assert_clean(at)
    assert any("The model wrote" in m.value for m in at.markdown)
    written = at.code[0].value
    assert written.startswith("Once upon a time ▶ ")
    z = heatmap_z(at)
    assert z.shape[0] == 4 and np.allclose(z.sum(1), 1, atol=1e-4)  # 4 heads, each row a distribution


def test_downloads_are_offered():
    at = open_page(PAGE)
    labels = [b.label for b in at.get("download_button")]
    assert {"Matrix as CSV", "Figure as HTML", "Whole capture as NPZ"} <= set(labels)
