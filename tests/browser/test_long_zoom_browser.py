"""The heatmap of a long input in a real browser: a box dragged on the overview zooms into it, twice, and the new tick
labels are the region's positions (then its single tokens); the minimap's rectangle follows and the link keeps the
region. Screenshots at 1280 × 720 in English and 简体中文 (artifacts/long-zoom-*.png)."""
from urllib.parse import parse_qs, urlparse

import pytest
from apphelpers import link_query
from long_docs import build_long, long_text
from playwright.sync_api import expect
from pw import ARTIFACTS, figure, settled

from attnviz.app.state import explorer, sidebar

TEXT = long_text(40)  # about 830 tokens on the tiny 2,048-position GPT-2

# every figure drawn with its data (besides pw.settled's: the app not running, no figure loading, moving or redrawn)
DRAWN = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .every(gd => gd._fullLayout && gd._fullData && gd._fullData.length)"""

# the main heatmap's title (bold markup stripped), its x tick labels and the minimap's rectangle
STATE = """() => {
    const [gd, mini] = document.querySelectorAll('.js-plotly-plot');
    const rect = (mini && mini.layout.shapes && mini.layout.shapes[0]) || {};
    return {title: (gd.layout.title.text || '').replace(/<[^>]*>/g, ''), x: gd._fullLayout.xaxis.ticktext || [],
            rect: [rect.x0, rect.x1, rect.y0, rect.y1]};
}"""

# where positions (x key, y query) of the main heatmap lie on the page
AT = """([x, y]) => {
    const gd = document.querySelectorAll('.js-plotly-plot')[0];
    const box = gd.getBoundingClientRect(), xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    return [box.left + xa._offset + xa.l2p(x), box.top + ya._offset + ya.l2p(y)];
}"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return build_long(tmp_path_factory.mktemp("long") / "gpt2-2048")


def _settle(page) -> None:
    """What a drag, a reading or a screenshot needs. (The status widget it once read is never shown, so the minimap's
    rectangle and the link, drawn after the main heatmap, could be read before the run had redrawn them.)"""
    settled(page, timeout_s=120)
    page.wait_for_function(DRAWN, timeout=120_000)


def _wait_title(page, pooled: str) -> None:
    """Wait until the main heatmap is redrawn unpooled (its title no longer says how a cell pools)."""
    page.wait_for_function("""([pooled]) => { const gd = document.querySelectorAll('.js-plotly-plot')[0];
        return !!(gd && gd.layout && gd.layout.title) && !(gd.layout.title.text || '').includes(pooled); }""",
                           arg=[pooled], timeout=60_000)


def _state(page) -> dict:
    return page.evaluate(STATE)


def _drag(page, keys: tuple[float, float], queries: tuple[float, float]) -> None:
    """Drag a box on the heatmap from (keys[0], queries[0]) to (keys[1], queries[1]), in positions."""
    x0, y0 = page.evaluate(AT, [keys[0], queries[0]])
    x1, y1 = page.evaluate(AT, [keys[1], queries[1]])
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * k / 10, y0 + (y1 - y0) * k / 10)
    page.mouse.up()


def _open(page, server, folder, lang: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    query = link_query({sidebar.MODEL: "custom", sidebar.PATH: str(folder), sidebar.TEXT: TEXT,
                        sidebar.LANG: lang, explorer.VIEW: "Heatmap", explorer.LAYER: 1, explorer.HEAD: 2})
    page.goto(f"{server}/explorer?{query}")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .heatmaplayer').length >= 2",
                           timeout=180_000)
    _settle(page)


def test_a_box_zooms_twice_and_the_ticks_follow(server, page, folder):
    _open(page, server, folder, "en")
    first = _state(page)
    n = int(first["rect"][1])
    assert first["title"].startswith("self-attention · layer 1 · head 2 · max of ") and first["rect"] == [0, n, 0, n]
    assert all("–" in label for label in first["x"])  # pooled cells: ranges of positions
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "long-zoom-overview-en.png"))

    _drag(page, (100, 400), (300, 600))  # keys 100–400 × queries 300–600: 300 positions, one cell per token
    _wait_title(page, "max of")
    _settle(page)
    second = _state(page)
    q0, q1, k0, k1 = second["rect"][2], second["rect"][3], second["rect"][0], second["rect"][1]
    assert 295 <= q0 <= 305 and 595 <= q1 <= 605 and 95 <= k0 <= 105 and 395 <= k1 <= 405, second["rect"]
    ticks = [int(label.split(" · ")[0]) for label in second["x"]]
    assert ticks[0] >= k0 and ticks[-1] < k1 and all(" · " in label for label in second["x"])
    expect(page.get_by_text(f"Queries {int(q0)}–{int(q1) - 1} × keys {int(k0)}–{int(k1) - 1} of {n:,} positions, "
                            "one cell per token")).to_be_visible()

    _drag(page, (k0 + 10, k0 + 40), (q0 + 20, q0 + 50))  # deeper: about 30 × 30 tokens
    page.wait_for_function("([k0]) => { const gd = document.querySelectorAll('.js-plotly-plot')[1];"
                           " return !!(gd && gd.layout && gd.layout.shapes) && gd.layout.shapes[0].x0 > k0; }",
                           arg=[k0], timeout=60_000)
    _settle(page)
    third = _state(page)
    assert third["rect"][1] - third["rect"][0] <= 32 and third["rect"][0] >= k0 + 8
    labels = third["x"]
    positions = [int(label.split(" · ")[0]) for label in labels]
    assert positions == list(range(int(third["rect"][0]), int(third["rect"][1])))[:len(positions)] or \
        positions == sorted(positions)
    assert figure(page)["title"] == "self-attention · layer 1 · head 2"
    link = page.locator('[data-testid="stCode"]').last.inner_text().strip()
    region = parse_qs(urlparse(link).query)[explorer.REGION.param][0]
    assert region == (f"{int(third['rect'][2])}-{int(third['rect'][3]) - 1},"
                      f"{int(third['rect'][0])}-{int(third['rect'][1]) - 1}")
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "long-zoom-region-en.png"))


def test_the_zoom_in_chinese(server, page, folder):
    _open(page, server, folder, "zh")
    assert _state(page)["title"].startswith("自注意力 · 第 1 层 · 第 2 个头 · 每格 ")
    _drag(page, (100, 160), (300, 360))
    _wait_title(page, "每格")
    _settle(page)
    expect(page.get_by_text("每个词元一格", exact=False)).to_be_visible()
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "long-zoom-region-zh.png"))


def test_the_document_follows_a_clicked_token(server, page, folder):
    """The whole-document text view (a component of its own, no iframe): a click on a token makes it the query, its
    shading and the caption follow."""
    page.set_viewport_size({"width": 1280, "height": 720})
    query = link_query({sidebar.MODEL: "custom", sidebar.PATH: str(folder), sidebar.TEXT: TEXT,
                        explorer.VIEW: "Text", explorer.HEAD: 1})
    page.goto(f"{server}/explorer?{query}")
    tokens = page.locator(".attnviz-doc [data-k]")
    expect(tokens.first).to_be_attached(timeout=180_000)
    n = tokens.count()
    assert n > 512
    expect(page.locator(".attnviz-doc .chosen")).to_have_attribute("data-k", str(n - 1))  # the last token at first
    expect(page.get_by_text(f"{n:,} tokens, each shaded by how much token {n - 1} ")).to_be_visible()
    target = tokens.nth(200)
    target.scroll_into_view_if_needed()
    target.click()
    expect(page.locator(".attnviz-doc .chosen")).to_have_attribute("data-k", "200", timeout=60_000)
    expect(page.get_by_text(f"{n:,} tokens, each shaded by how much token 200 ")).to_be_visible()
    shades = page.evaluate("() => Array.from(document.querySelectorAll('.attnviz-doc [data-k]'),"
                           " s => s.style.background)")
    assert all(s == "rgba(31, 119, 180, 0)" for s in shades[201:])  # causal: nothing after the query is read
    _settle(page)
    page.locator(".attnviz-doc").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "long-document-en.png"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screens_of_the_sentence_map_and_the_needle(server, page, folder, lang, tmp_path):
    from needle_model import ANSWER, HAYSTACK, NEEDLE, QUESTION, planted

    from attnviz.app.state import needle

    page.set_viewport_size({"width": 1280, "height": 720})
    query = link_query({sidebar.MODEL: "custom", sidebar.PATH: str(folder), sidebar.TEXT: TEXT, sidebar.LANG: lang,
                        explorer.VIEW: "Sentences", explorer.SENTENCE: 12})
    page.goto(f"{server}/explorer?{query}")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .heatmaplayer').length >= 1",
                           timeout=180_000)
    _settle(page)
    title = figure(page)["title"]
    assert title == ("Sentence map · layer 0 · head 0" if lang == "en" else "句子图 · 第 0 层 · 第 0 个头")
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"long-sentences-{lang}.png"))

    model = planted(tmp_path / "planted")
    query = link_query({sidebar.MODEL: "custom", sidebar.PATH: str(model), sidebar.LANG: lang,
                        needle.SOURCE: "own", needle.NEEDLE: NEEDLE, needle.QUESTION: QUESTION, needle.ANSWER: ANSWER,
                        needle.DEPTHS: "0, 0.5, 1", needle.LENGTHS: "40, 90", needle.MAX_NEW: 4})
    page.goto(f"{server}/needle?{query}")
    area = page.locator('[data-testid="stMain"] [data-testid="stTextArea"] textarea').first
    expect(area).to_be_visible(timeout=180_000)
    area.fill(HAYSTACK)
    area.press("Control+Enter")
    run = page.get_by_role("button", name="Run the test" if lang == "en" else "运行测试")
    expect(run).to_be_enabled(timeout=60_000)
    run.click()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .heatmaplayer').length >= 2",
                           timeout=120_000)
    _settle(page)
    grid = figure(page)
    assert grid["z"] == [[1.0, 1.0]] * 3
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"long-needle-{lang}.png"))


def test_a_link_opens_on_its_window_of_a_long_text(server, page, tmp_path):
    """centre=s20 in a link: the sidebar's picker opens centred on sentence 20 and the page says which tokens it
    read, as capture_window chose them."""
    from attnviz import load_model
    from attnviz.capture.window import capture_window
    from attnviz.core.sentences import sentences

    short = build_long(tmp_path / "gpt2-256", positions=256)
    _, window = capture_window(load_model(str(short), device="cpu"), TEXT, centre=sentences(TEXT)[20])
    total = window.tokens_before + window.n_tokens + window.tokens_after
    page.set_viewport_size({"width": 1280, "height": 720})
    query = link_query({sidebar.MODEL: "custom", sidebar.PATH: str(short), sidebar.TEXT: TEXT,
                        sidebar.CENTRE: "s20", explorer.VIEW: "Heatmap"})
    page.goto(f"{server}/explorer?{query}")
    note = (f"Tokens {window.start_token}–{window.start_token + window.n_tokens - 1} of {total:,}: "
            f"{window.tokens_before} cut before, {window.tokens_after} after.")
    expect(page.get_by_text(note)).to_be_visible(timeout=180_000)
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Window of the text")).to_be_visible()
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / "long-window-en.png"))
