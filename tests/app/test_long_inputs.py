"""The explorer on a long input (issue 28), in English and 简体中文: the heatmap's overview and any region equal the
library's (analysis.zoom), the sentence map equals analysis.documents, the sinks set aside equal analysis.sinks, the
window of a text longer than the model reads is the one capture.window chooses and is said on the page.

A tiny GPT-2 with 2,048 positions (tests/long_docs.py) reads about 800 tokens: past the 512 keys where the heatmap
becomes an overview that zooms, and quick to capture."""
import re
from pathlib import Path

import numpy as np
import pytest
from apphelpers import assert_clean, decode, figures, messages, open_page
from catalogue_check import not_in_catalogue
from long_docs import build_long, long_text

from attnviz import capture, load_model
from attnviz.analysis import layer_pass, layer_sample
from attnviz.analysis.layer_pass import estimate_key
from attnviz.analysis.documents import top_keys, unit_attention, units_read
from attnviz.analysis.sinks import sinks
from attnviz.analysis.zoom import SCREEN, overview, region
from attnviz.app.pages.explorer.sinks import names
from attnviz.app.state import explorer, sidebar
from attnviz.app.widgets.literal import escape
from attnviz.capture.window import capture_window
from attnviz.figures.zoomed import colour_cap
from attnviz.core import settings
from attnviz.core.sentences import sentences
from attnviz.core.sources import QKSource

TEXT = long_text(40)  # about 830 tokens
DATA = ("attnviz", "custom", "auto", "cpu", "cuda", "mps", "Language · 语言", "English", "简体中文", "png", "svg",
        "max", "mean")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return build_long(tmp_path_factory.mktemp("long") / "gpt2-2048")


@pytest.fixture(scope="module")
def cap(folder):
    return capture(load_model(str(folder), device="cpu"), TEXT)


def _data(*strings: str) -> tuple[str, ...]:
    """What the page may show as data: the strings, as typed and as escaped for markdown."""
    return DATA + strings + tuple(escape(s) for s in strings)


def _open(folder: Path, state: dict, lang: str = "en", text: str = TEXT):
    at = open_page(explorer, {sidebar.MODEL: "custom", sidebar.PATH: str(folder), sidebar.TEXT: text,
                              sidebar.LANG: lang, **state})
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    return at


def _cells(at, index: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(z, x edges, y edges) of a drawn heatmap."""
    trace = figures(at)[index]["data"][0]
    return decode(trace["z"]).astype(np.float64), decode(trace["x"]), decode(trace["y"])


def _caption(at, words: str) -> str:
    """The one caption under the view that holds `words` (the causal section's captions follow it)."""
    found = [c.value for c in at.main.caption if words in c.value]
    assert len(found) == 1, [c.value for c in at.main.caption]
    return found[0]


def test_the_overview_and_a_region_are_the_librarys(folder, cap):
    n = len(cap.tokens)
    assert n > 512
    src = cap.source("self")
    at = _open(folder, {explorer.LAYER: 1, explorer.HEAD: 2})
    z, x, y = _cells(at)
    whole = overview(src, 1, 2, SCREEN, "max")
    assert np.allclose(z, whole.values, atol=1e-6) and np.array_equal(x, whole.col_edges)
    assert np.array_equal(y, whole.row_edges) and x[-1] == n
    title = figures(at)[0]["layout"]["title"]["text"]
    assert title.startswith("self-attention · layer 1 · head 2 · max of ")
    # a causal head's first rows far above the rest: the colours stop at the 99th percentile, and the page says so
    stop = colour_cap(whole.values)
    above = int((whole.values > stop).sum())
    assert stop is not None and figures(at)[0]["data"][0]["zmax"] == pytest.approx(stop)
    assert (f"The colours stop at {stop:.3g}, the 99th percentile of the cells with weight: {above:,} cells above it "
            f"(up to {float(whole.values.max()):.3g}) are drawn darkest. Hover a cell for its value."
            in messages(at.main, "caption"))
    mini = decode(figures(at)[1]["data"][0]["z"])
    assert mini.shape[0] <= 96 and figures(at)[1]["layout"]["title"]["text"] == "where the region lies"
    rect = figures(at)[1]["layout"]["shapes"][0]
    assert (rect["x0"], rect["x1"], rect["y0"], rect["y1"]) == (0, n, 0, n)

    # type a region of 64 × 48 positions: one cell per token, its tokens on the axes
    for key, value in ((explorer.Q0, 300), (explorer.Q1, 363), (explorer.K0, 250), (explorer.K1, 297)):
        at.number_input(key=key).set_value(value)
    at.run()
    assert_clean(at)
    z, x, y = _cells(at)
    part = region(src, 1, 2, (300, 364), (250, 298), (None, None), "max")
    assert z.shape == (64, 48) and np.allclose(z, part.values, atol=1e-6)
    assert list(x) == list(range(250, 299)) and list(y) == list(range(300, 365))
    ticks = figures(at)[0]["layout"]["xaxis"]["ticktext"]
    assert ticks[0] == f"250 · {cap.tokens[250].strip() or cap.tokens[250]}" or ticks[0].startswith("250 · ")
    assert figures(at)[0]["layout"]["title"]["text"] == "self-attention · layer 1 · head 2"  # not pooled
    rect = figures(at)[1]["layout"]["shapes"][0]
    assert (rect["x0"], rect["x1"], rect["y0"], rect["y1"]) == (250, 298, 300, 364)
    zoomed = _caption(at, "Queries 300–363 × keys 250–297")  # the zoomed heatmap's own caption
    assert "one cell per token" in zoomed
    assert at.query_params[explorer.REGION.param] == "300-363,250-297"

    # a wider region is pooled; mean pooling averages each cell
    at.number_input(key=explorer.K0).set_value(0).run()
    at.number_input(key=explorer.Q0).set_value(0).run()
    at.radio(key=explorer.POOL).set_value("mean").run()
    z, _, _ = _cells(at)
    part = region(src, 1, 2, (0, 364), (0, 298), (None, None), "mean")
    assert np.allclose(z, part.values, atol=1e-6)
    assert at.query_params[explorer.POOL.param] == "mean"

    at.button(key=explorer.ZOOM_RESET).click().run()
    z, _, _ = _cells(at)
    assert np.allclose(z, overview(src, 1, 2, SCREEN, "mean").values, atol=1e-6)
    assert explorer.REGION.param not in at.query_params


def test_a_region_from_the_link_in_chinese(folder, cap):
    at = _open(folder, {explorer.REGION: "10-40,0-30", explorer.HEAD: 1}, lang="zh")
    z, _, _ = _cells(at)
    assert np.allclose(z, region(cap.source("self"), 0, 1, (10, 41), (0, 31), (None, None), "max").values, atol=1e-6)
    assert figures(at)[0]["layout"]["title"]["text"] == "自注意力 · 第 0 层 · 第 1 个头"
    assert figures(at)[1]["layout"]["title"]["text"] == "区域所在位置"
    assert _caption(at, "显示查询 10–40 × 键 0–30")
    assert at.radio(key=explorer.POOL).label == "每个格子显示"
    assert not_in_catalogue(at, _data(*cap.tokens)) == []


def test_a_malformed_region_in_the_link_shows_the_whole_head(folder, cap):
    for lang, words in (("en", "is not first-last,first-last inside the text"), ("zh", "不是")):
        at = _open(folder, {explorer.REGION: "40-10,x"}, lang=lang)
        assert any(words in w for w in messages(at, "warning")), messages(at, "warning")
        z, _, _ = _cells(at)
        assert np.allclose(z, overview(cap.source("self"), 0, 0, SCREEN, "max").values, atol=1e-6)


def test_the_sinks_set_aside_and_in_the_statistics(folder, cap):
    src = cap.source("self")
    found = sinks(src)
    at = _open(folder, {explorer.ASIDE: True, explorer.HEAD: 3})
    z, _, _ = _cells(at)
    aside = tuple(int(p) for p in found.overall)
    assert np.allclose(z, overview(src, 0, 3, SCREEN, "max", aside).values, atol=1e-6)
    said = [c for c in messages(at.main, "caption") if c.startswith("Set aside: the sinks ")]
    assert said and all(f"{p} “" in said[0] for p in aside)
    assert at.query_params[explorer.ASIDE.param] == "1"

    at = _open(folder, {explorer.VIEW: "Statistics"})
    table = at.dataframe[0].value
    assert np.allclose(table["α₁ (first token)"].to_numpy(), found.first_token.reshape(-1), atol=1e-4)
    assert list(table["keys receiving most"])[0] == ", ".join(str(int(p)) for p in found.positions[0, 0])
    assert any(c.startswith("Sinks (Gu et al. 2024): ") for c in messages(at.main, "caption"))

    at = _open(folder, {explorer.VIEW: "Statistics"}, lang="zh")
    assert "α₁（第一个词元）" in at.dataframe[0].value.columns
    assert not_in_catalogue(at, _data(*cap.tokens, names(cap, "self", found.overall))) == []


def test_the_sentence_map_is_the_librarys(folder, cap):
    src = cap.source("self")
    units, spans = units_read(cap, "sentence")
    expect = unit_attention(src, 1, units, len(spans), heads=[0])[0]
    at = _open(folder, {explorer.VIEW: "Sentences", explorer.LAYER: 1})
    z, _, _ = _cells(at)
    assert z.shape == (len(spans), len(spans)) == (40, 40)
    assert np.allclose(z, expect, atol=1e-5) and np.allclose(z.sum(1), 1.0, atol=1e-5)
    assert np.allclose(np.triu(z, 1), 0.0)  # causal: a sentence reads none after it
    assert figures(at)[0]["layout"]["title"]["text"] == "Sentence map · layer 1 · head 0"
    bars = decode(figures(at)[1]["data"][0]["x"]).astype(np.float64)  # the strongest first
    strongest = np.sort(expect[-1][expect[-1] > 0])[::-1][:len(bars)]
    assert np.allclose(bars, strongest, atol=1e-5)  # the last sentence's row by default

    at.selectbox(key=explorer.SENTENCE).set_value(7).run()
    a, b = spans[7]
    assert any(c == f"“{cap.text[a:b]}”" for c in messages(at.main, "caption"))
    assert at.query_params[explorer.SENTENCE.param] == "7"
    at.toggle(key=explorer.UNIT_MEAN).set_value(True).run()
    z, _, _ = _cells(at)
    assert np.allclose(z, unit_attention(src, 1, units, len(spans)).mean(0), atol=1e-5)
    assert figures(at)[0]["layout"]["title"]["text"] == "Sentence map · mean of layer 1's heads"
    at.radio(key=explorer.UNIT).set_value("paragraph").run()
    z, _, _ = _cells(at)
    punits, pspans = units_read(cap, "paragraph")
    assert z.shape == (10, 10)
    assert np.allclose(z, unit_attention(src, 1, punits, len(pspans)).mean(0), atol=1e-5)


def test_the_sentence_map_in_chinese(folder, cap):
    at = _open(folder, {explorer.VIEW: "Sentences"}, lang="zh")
    assert figures(at)[0]["layout"]["title"]["text"] == "句子图 · 第 0 层 · 第 0 个头"
    assert at.radio(key=explorer.VIEW).value == "Sentences"
    labels = tuple(at.selectbox(key=explorer.SENTENCE).options)
    assert not_in_catalogue(at, _data(*cap.tokens, *labels, *(f"“{cap.text[a:b]}”" for a, b in sentences(cap.text)))) == []


def test_the_whole_document_and_its_top_keys(folder, cap):
    src = cap.source("self")
    at = _open(folder, {explorer.VIEW: "Text", explorer.TOKEN: 300, explorer.LAYER: 1, explorer.HEAD: 3})
    positions, weights = top_keys(src, 1, 3, 300, 10)
    table = at.dataframe[0].value if at.dataframe else at.table[0].value
    assert list(table["rank"]) == list(range(1, 11)) and list(table.iloc[:, 1]) == [int(p) for p in positions]
    assert np.allclose(table.iloc[:, 2].to_numpy(dtype=float), np.round(weights, 4), atol=1e-4)
    assert all(p <= 300 for p in positions)  # causal: nothing after the query
    said = [c for c in messages(at.main, "caption") if "tokens, each shaded by" in c]
    assert said and said[0].startswith(f"{len(cap.tokens):,} tokens, each shaded by how much token 300 ")
    assert at.query_params[explorer.TOKEN.param] == "300"
    at.number_input(key=explorer.TOP_K).set_value(3).run()
    table = at.dataframe[0].value if at.dataframe else at.table[0].value
    assert len(table) == 3

    at = _open(folder, {explorer.VIEW: "Text", explorer.TOKEN: 300}, lang="zh")
    table = at.dataframe[0].value if at.dataframe else at.table[0].value
    assert list(table.columns)[0] == "名次"
    assert not_in_catalogue(at, _data(*cap.tokens, *table.iloc[:, 3])) == []


def test_the_window_of_a_text_longer_than_the_model_reads(tmp_path_factory):
    folder = build_long(tmp_path_factory.mktemp("short") / "gpt2-256", positions=256)
    model = load_model(str(folder), device="cpu")
    expect, window = capture_window(model, TEXT, start=300)
    at = _open(folder, {sidebar.WINDOW_START: 300, explorer.VIEW: "Model view"})
    total = window.tokens_before + window.n_tokens + window.tokens_after
    note = f"Tokens 300–{300 + window.n_tokens - 1} of {total:,}: 300 cut before, {window.tokens_after} after."
    assert note in messages(at, "warning"), messages(at, "warning")
    assert at.query_params[sidebar.WINDOW_START.param] == "300"

    at = _open(folder, {sidebar.WINDOW_START: 300, explorer.VIEW: "Heatmap", explorer.LAYER: 1, explorer.HEAD: 1})
    z = decode(figures(at)[0]["data"][0]["z"]).astype(np.float64)
    assert np.allclose(z, expect.source("self").head(1, 1).cpu().numpy()[:64, :64], atol=1e-6)  # its first 64

    spans = sentences(TEXT)
    centred, chosen = capture_window(model, TEXT, centre=spans[20])
    # the picker set to "centred on a sentence", sentence 20 (AppTest loses the sidebar's widgets after its first
    # run: the choice is set before it; the browser test opens the link centre=s20 itself)
    at = _open(folder, {sidebar.WINDOW_BY: "centre", sidebar.SENTENCE: 20, explorer.VIEW: "Heatmap"}, lang="zh")
    z = decode(figures(at)[0]["data"][0]["z"]).astype(np.float64)
    assert np.allclose(z, centred.source("self").head(0, 0).cpu().numpy()[:64, :64], atol=1e-6)
    said = messages(at, "warning")
    assert any(w.startswith(f"读取的是 {total:,} 个词元中的第 {chosen.start_token}–") for w in said), said
    assert at.query_params[sidebar.CENTRE.param] == "s20"
    assert not_in_catalogue(at, _data(*centred.tokens, TEXT)) == []


@pytest.mark.parametrize("view", ["Heatmap", "Text", "Sentences"])
def test_the_long_views_in_presentation_mode(folder, cap, view):
    at = _open(folder, {sidebar.PRESENT: True, explorer.VIEW: view})
    if view == "Heatmap":  # the minimap goes under the overview on a projector; the overview is the library's
        z, _, _ = _cells(at)
        assert np.allclose(z, overview(cap.source("self"), 0, 0, SCREEN, "max").values, atol=1e-6)
        assert figures(at)[1]["layout"]["title"]["text"] == "where the region lies"
    elif view == "Sentences":
        assert figures(at)[0]["layout"]["title"]["text"] == "Sentence map · layer 0 · head 0"
    else:
        assert any("tokens, each shaded by" in c for c in messages(at.main, "caption"))


@pytest.fixture(scope="module")
def qk_src(folder):
    """The page's capture in queries-and-keys mode (what it captures past the stored stack's budget)."""
    return capture(load_model(str(folder), device="cpu"), TEXT, mode="qk").source("self")


@pytest.fixture
def sampled(monkeypatch):
    """Queries and keys captured, and the exact pass's budget made small: this input's model view and statistics
    start from a first look at one query row in every 13 (2 layers × 4 heads × 830²/2 scores; a 32-cell bin of 25
    rows holds whole stretches of 13)."""
    from attnviz.app.pipeline.cache import shared_captures

    monkeypatch.setattr(settings, "current", lambda: settings.Settings(eager_stack_mb=0))
    monkeypatch.setattr(layer_sample, "EXACT_SCORES", 1e5)
    monkeypatch.setattr(layer_sample, "SAMPLE_SCORES", 2e5)
    shared_captures().drop(lambda key: True)  # the other tests' stored stack of this text, or an earlier exact pass
    yield
    shared_captures().drop(lambda key: True)


def _mosaic(thumbs: np.ndarray) -> np.ndarray:
    """The model view's mosaic cells of each thumbnail, scaled to its own maximum: [layer, head, q, k]."""
    return thumbs / np.maximum(thumbs.max(axis=(-1, -2), keepdims=True), 1e-9)


def _thumbs(at, shape) -> np.ndarray:
    layers, heads, r, c = shape
    z = decode(figures(at)[0]["data"][0]["z"])
    return np.stack([np.stack([z[l * (r + 1):l * (r + 1) + r, h * (c + 1):h * (c + 1) + c] for h in range(heads)])
                     for l in range(layers)])


def _first_only(src, first):
    """A source holding only the first look `first` (as the page's does before the exact pass)."""
    fresh = QKSource(src.qk)
    fresh.memo[estimate_key(32)] = first
    return fresh


def test_a_first_look_then_the_exact_pass(folder, cap, qk_src, sampled):
    """A long input's model view comes first from one query row in every 13, said with the rows it read; the button
    runs the exact pass and the page draws the exact thumbnails, and the statistics are then exact too."""
    src = qk_src
    n = len(cap.tokens)
    assert layer_sample.stride(src) == 13
    first = layer_sample.estimate(QKSource(src.qk), 32, 13)  # the library's, on a source of its own
    at = _open(folder, {explorer.VIEW: "Model view"})
    said = _caption(at, "Estimated from ")
    assert first.dense > 0 and first.n_rows == n
    assert said == (f"Estimated from {first.n_read} of the {n} query rows: every one of the first {first.dense}, then "
                    "one drawn at random in every 13, counting for its stretch. Each figure is a mean over those rows.")
    assert re.fullmatch(r"Compute exactly \(about \d+ s\)", at.button(key=explorer.EXACT_PASS).label)
    assert np.allclose(_thumbs(at, first.thumbs.shape), _mosaic(first.thumbs), atol=1e-5)
    assert figures(at)[0]["layout"]["title"]["text"].endswith(" · first look")

    at.radio(key=explorer.VIEW).set_value("Heatmap").run()  # the sinks set aside come from the same first look
    at.toggle(key=explorer.ASIDE).set_value(True).run()
    found = sinks(_first_only(src, first)).overall  # the library's sinks from the first look
    said = [c for c in messages(at.main, "caption") if c.startswith("Set aside: the sinks ")]
    assert said and said[0].startswith(f"Set aside: the sinks {names(cap, 'self', found)}, ")
    assert (f"The sinks were found from {first.n_read} of the {n} query rows, the model view's first look."
            in messages(at.main, "caption"))
    at.toggle(key=explorer.ASIDE).set_value(False).run()
    at.radio(key=explorer.VIEW).set_value("Model view").run()

    at.button(key=explorer.EXACT_PASS).click().run()
    assert_clean(at)
    assert not [c.value for c in at.main.caption if "Estimated from" in c.value]
    exact = layer_pass.summarise(QKSource(src.qk), 32)
    assert np.allclose(_thumbs(at, exact.thumbs.shape), _mosaic(exact.thumbs), atol=1e-5)
    assert "first look" not in figures(at)[0]["layout"]["title"]["text"]
    assert not np.allclose(_mosaic(exact.thumbs), _mosaic(first.thumbs), atol=1e-3)  # the page did change

    at.radio(key=explorer.VIEW).set_value("Statistics").run()
    assert not [c.value for c in at.main.caption if "Estimated from" in c.value]
    table = at.dataframe[0].value
    entropy = layer_pass.statistics(exact)["entropy"].reshape(-1)
    assert np.allclose(table["entropy"].to_numpy(), entropy, atol=1e-4)


def test_the_statistics_first_look_in_chinese(folder, cap, qk_src, sampled):
    src = qk_src
    first = layer_sample.estimate(QKSource(src.qk), 32, 13)
    at = _open(folder, {explorer.VIEW: "Statistics"}, lang="zh")
    stats = layer_pass.statistics(first)
    table = at.dataframe[0].value
    assert np.allclose(table[table.columns[2]].to_numpy(), stats["entropy"].reshape(-1), atol=1e-4), (table.columns, table.iloc[:, 2].to_numpy(), stats["entropy"])
    said = [c.value for c in at.main.caption if f"{first.n_read}" in c.value and "13" in c.value]
    assert said == [f"根据 {first.n_rows} 个查询行中的 {first.n_read} 行估计：前 {first.dense} 行全部读取，之后每 13 行随机抽取"
                    "一行，代表这一段。每个数值都是这些行上的平均值。"]
    assert re.fullmatch(r"精确计算（约 \d+ 秒）", at.button(key=explorer.EXACT_PASS).label)
    assert not_in_catalogue(at, _data(*cap.tokens)) == []


def test_compares_panes_start_from_a_first_look_each(folder, qk_src, sampled):
    """Two panes on the long input (B a shorter text): each pane's model view says which rows its first look read,
    the statistics below say it per pane, and B's button makes B exact alone."""
    from apphelpers import panes

    from attnviz.app.state import compare

    text_b = long_text(36)
    at = open_page(compare, {**panes({"model": "custom", "path": str(folder), "text": TEXT},
                                     {"model": "custom", "path": str(folder), "text": text_b}),
                             compare.VIEW: "Model view"})
    assert_clean(at)
    first_a = layer_sample.estimate(QKSource(qk_src.qk), 32, 13)
    said = [c for c in messages(at.main, "caption") if c.startswith("Estimated from ")]
    assert len(said) == 2 and said[0].startswith(f"Estimated from {first_a.n_read} of the {first_a.n_rows} query rows")
    assert f"Pane A: {said[0]}" in messages(at.main, "caption") and f"Pane B: {said[1]}" in messages(at.main, "caption")
    at.button(key=compare.exact_pass("b")).click().run()
    assert_clean(at)
    said = [c for c in messages(at.main, "caption") if "Estimated from " in c]
    assert len(said) == 2 and all(f"of the {first_a.n_rows} query rows" in c for c in said)  # A's twice, B's gone
    with pytest.raises(KeyError):
        at.button(key=compare.exact_pass("b"))
    # on another view the statistics below hold A's button, said as A's
    at.radio(key=compare.VIEW).set_value("Heatmap").run()
    assert_clean(at)
    assert re.fullmatch(r"Compute exactly \(about \d+ s\)", at.button(key=compare.exact_pass("a")).label)
    said = [c for c in messages(at.main, "caption") if "Estimated from " in c]
    assert len(said) == 1 and said[0].startswith(f"Pane A: Estimated from {first_a.n_read} of the {first_a.n_rows}")
    at.button(key=compare.exact_pass("a")).click().run()
    assert not [c for c in messages(at.main, "caption") if "Estimated from " in c]
