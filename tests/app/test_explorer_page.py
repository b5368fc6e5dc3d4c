"""AppTest through every view of the explorer, with values checked against the package's own reductions."""
import numpy as np

from apphelpers import assert_clean, figures, heatmap_z, link_params, open_page, page_path

from attnviz import capture
from attnviz.analysis.reduce import rollout
from attnviz.app.shell.sidebar import DEFAULT_TEXT
from attnviz.app.state import explorer, sidebar


def test_heatmap_view_with_focus_and_hidden_special_tokens(minilm):
    cap = capture(minilm, DEFAULT_TEXT)
    at = open_page(explorer, {explorer.LAYER: 2, explorer.HEAD: 4})
    assert_clean(at)
    assert np.allclose(heatmap_z(at), cap.head("self", 2, 4), atol=1e-6)
    at = open_page(explorer, {explorer.LAYER: 2, explorer.HEAD: 4, explorer.FOCUS: 3})
    assert np.allclose(heatmap_z(at), cap.head("self", 2, 4)[3:4], atol=1e-6)
    at = open_page(explorer, {explorer.HIDE: True, explorer.RENORM: True})
    z = heatmap_z(at)
    n = len(cap.tokens)
    assert z.shape == (n - 2, n - 2) and np.allclose(z.sum(1), 1, atol=1e-5)
    at = open_page(explorer, {explorer.HIDE: True, explorer.RENORM: False})
    assert np.all(heatmap_z(at).sum(1) < 1)


def test_url_round_trip(minilm):
    at = open_page(explorer, {explorer.VIEW: "Heatmap", explorer.LAYER: 1, explorer.HEAD: 7})
    params = dict(at.query_params)
    assert params.items() >= link_params({explorer.VIEW: "Heatmap", explorer.LAYER: 1, explorer.HEAD: 7,
                                          sidebar.MODEL: "minilm", sidebar.TEXT: DEFAULT_TEXT}).items()
    # a second person opens that link: the same head, the same numbers
    from streamlit.testing.v1 import AppTest

    from apphelpers import APP, TIMEOUT
    other = AppTest.from_file(APP, default_timeout=TIMEOUT)
    other.query_params.update(params)
    other.run()
    other.switch_page(page_path(explorer)).run()
    assert_clean(other)
    assert other.session_state[explorer.LAYER] == 1 and other.session_state[explorer.HEAD] == 7
    assert np.allclose(heatmap_z(other), capture(minilm, DEFAULT_TEXT).head("self", 1, 7), atol=1e-6)


def test_head_view_lines_and_focus():
    at = open_page(explorer, {explorer.VIEW: "Head view", explorer.HEADS: [0, 3]})
    assert_clean(at)
    names = [t.get("name") for t in figures(at)[0]["data"]]
    assert "head 0" in names and "head 3" in names and "head 1" not in names
    at = open_page(explorer, {explorer.VIEW: "Head view", explorer.FOCUS: 2, explorer.HEADS: [0]})
    lines = [t for t in figures(at)[0]["data"] if t.get("mode") == "lines" and t.get("x") and len(t["x"]) > 1]
    starts = {y for t in lines for y in t["y"][0::3]}
    assert starts == {-2}  # only the focused query's lines


def test_model_view_is_pooled_and_a_click_opens_the_head():
    at = open_page(explorer, {explorer.VIEW: "Model view"})
    fig = figures(at)[0]
    assert fig["data"][1]["customdata"][-1] == [5, 11]
    at = open_page(explorer, {explorer.VIEW: "Model view", sidebar.TEXT: "word " * 300})
    z = figures(at)[0]["data"][0]["z"]
    from apphelpers import decode
    mosaic = decode(z)
    assert mosaic.size <= 6 * 33 * 12 * 33  # 32 × 32 per head (plus gaps), not 302 × 302
    at = open_page(explorer, {explorer.VIEW: "Model view"})
    at.session_state[explorer.MODEL_CHART] = {"selection": {"points": [{"customdata": [3, 5]}]}}
    at.run()
    assert at.session_state[explorer.VIEW] == "Heatmap"
    assert (at.session_state[explorer.LAYER], at.session_state[explorer.HEAD]) == (3, 5)


def test_aggregates_rollout_and_flow(minilm):
    at = open_page(explorer, {explorer.VIEW: "Aggregates", explorer.AGGREGATE: "rollout", explorer.LAYER: 5})
    assert_clean(at)
    cap = capture(minilm, DEFAULT_TEXT)
    assert np.allclose(heatmap_z(at), rollout(cap.attention["self"])[5], atol=1e-5)
    # an aggregate is over every head: the layer picker is drawn, the head picker is not
    assert [s.key for s in at.slider] == [explorer.LAYER]
    at = open_page(explorer, {explorer.VIEW: "Aggregates", explorer.AGGREGATE: "flow"})
    assert_clean(at)
    assert heatmap_z(at).shape == (13, 13)
    at = open_page(explorer, {explorer.VIEW: "Aggregates", explorer.AGGREGATE: "flow", sidebar.TEXT: "word " * 60})
    assert any("limited to 40 tokens" in w.value for w in at.warning)


def test_statistics_table_and_clusters():
    at = open_page(explorer, {explorer.VIEW: "Statistics"})
    assert_clean(at)
    table = at.dataframe[0].value
    assert len(table) == 72 and {"entropy", "mean distance", "first token", "special tokens", "cluster"} <= set(table)
    assert table["entropy"].between(0, np.log(13) + 1e-6).all()


def test_query_key_view_and_generation():
    at = open_page(explorer, {explorer.VIEW: "Query–key", explorer.LAYER: 1, explorer.HEAD: 2})
    assert_clean(at)
    names = [t["name"] for t in figures(at)[0]["data"]]
    assert names == ["query", "key"]
    at = open_page(explorer, {explorer.VIEW: "Generate"})
    assert any("causal models" in i.value for i in at.info)
    at = open_page(explorer, {sidebar.MODEL: "glassllm-en", sidebar.TEXT: "Once upon a time",
                              explorer.VIEW: "Generate", explorer.GEN_N: 6, explorer.GEN_STEP: 3})
    assert_clean(at)
    assert any("The model wrote" in m.value for m in at.markdown)
    written = at.code[0].value
    assert written.startswith("Once upon a time ▶ ")
    z = heatmap_z(at)
    assert z.shape[0] == 4 and np.allclose(z.sum(1), 1, atol=1e-4)  # 4 heads, each row a distribution


def test_downloads_are_offered():
    at = open_page(explorer)
    labels = [b.label for b in at.get("download_button")]
    assert {"Matrix as CSV", "Figure as HTML", "Whole capture as NPZ"} <= set(labels)
