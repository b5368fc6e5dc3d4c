"""The explorer in Chromium: a thumbnail click opens that head, a link reproduces a view, the camera
button downloads a real PNG, and the view URL follows the sliders."""
import re
from urllib.parse import parse_qs, urlparse

from apphelpers import link_query
from playwright.sync_api import expect
from pw import ARTIFACTS, expect_figure, nudge_slider, settled

from attnviz.app.state import explorer, sidebar


def _thumbnail_centre(page, layer: int, head: int, heads: int = 12) -> dict:
    return page.evaluate("""([i]) => { const gd = document.querySelector('.js-plotly-plot');
        const t = gd._fullData[1]; const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const r = gd.getBoundingClientRect();
        return {x: r.left + xa._offset + xa.l2p(t.x[i]), y: r.top + ya._offset + ya.l2p(t.y[i])}; }""",
                         [layer * heads + head])


def test_model_view_click_opens_the_head(server, page):
    page.set_viewport_size({"width": 1400, "height": 1400})
    page.goto(f"{server}/explorer?{link_query({explorer.VIEW: 'Model view'})}")
    page.wait_for_selector(".js-plotly-plot", timeout=120000)
    expect_figure(page, title_has="all heads")
    settled(page)  # the page laid out: what the run draws after the figure could still move it under the click
    page.screenshot(path=str(ARTIFACTS / "explorer-model-view.png"))
    spot = _thumbnail_centre(page, 3, 5)
    page.mouse.click(spot["x"], spot["y"])
    fig = expect_figure(page, title_ends="layer 3 · head 5")
    assert len(fig["z"]) == 13
    page.screenshot(path=str(ARTIFACTS / "explorer-opened-head.png"))


def test_a_link_reproduces_the_view_and_follows_the_sliders(server, page):
    page.goto(f"{server}/explorer?" + link_query({explorer.VIEW: "Heatmap", explorer.LAYER: 4, explorer.HEAD: 9,
                                                  sidebar.TEXT: "Dogs bark loudly."}))
    fig = expect_figure(page, title_ends="layer 4 · head 9")
    assert fig["x"] == ["[CLS]", "dogs", "bark", "loudly", ".", "[SEP]"]
    nudge_slider(page, "Head", 1)
    expect_figure(page, title_ends="head 10")
    code = page.locator('[data-testid="stCode"]').last
    expect(code).to_contain_text(link_query({explorer.HEAD: 10}))
    link = code.inner_text().strip()
    params = parse_qs(urlparse(link).query)
    assert params[explorer.HEAD.param] == ["10"] and params[explorer.LAYER.param] == ["4"]
    assert params[sidebar.TEXT.param] == ["Dogs bark loudly."]
    assert link.startswith(server + "/explorer?")
    other = page.context.new_page()  # whoever opens the link sees the same head
    other.goto(link)
    fig = expect_figure(other, title_ends="layer 4 · head 10")
    assert fig["x"] == ["[CLS]", "dogs", "bark", "loudly", ".", "[SEP]"]


def test_camera_button_downloads_a_real_png(server, page):
    page.goto(server + "/explorer")
    page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=120000)
    plot = page.locator(".js-plotly-plot").first
    plot.hover()
    with page.expect_download(timeout=60000) as info:
        page.locator('.js-plotly-plot .modebar-btn[data-title^="Download plot"]').first.click()
    path = ARTIFACTS / "explorer-download.png"
    info.value.save_as(str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_head_view_starts_with_three_heads_drawn(server, page):
    page.set_viewport_size({"width": 1400, "height": 1400})
    page.goto(f"{server}/explorer?{link_query({explorer.VIEW: 'Head view'})}")
    page.wait_for_selector(".js-plotly-plot .scatterlayer", timeout=120000)
    settled(page)  # the figure as the finished run leaves it, not a moment of its drawing
    # legend entries and token markers are traces too: count only the heads that drew at least one line
    heads_with_lines = page.evaluate("""() => new Set(document.querySelector('.js-plotly-plot').data
        .filter(t => t.hoverinfo === 'skip' && t.mode === 'lines' && t.x.some(v => v !== null))
        .map(t => t.legendgroup)).size""")
    assert heads_with_lines == 3  # the head view starts with a few heads (the page says so)
    page.screenshot(path=str(ARTIFACTS / "explorer-head-view.png"))


def test_camera_button_downloads_svg_when_chosen(server, page):
    page.goto(server + "/explorer")
    page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=120000)
    page.locator('[data-testid="stSidebar"] label').filter(has_text="svg").click()
    # the run the choice starts has drawn the figure again, its camera button set to SVG
    page.wait_for_function("""() => { const gd = document.querySelector('.js-plotly-plot');
        return gd && gd._context && gd._context.toImageButtonOptions.format === 'svg'; }""", timeout=60000)
    settled(page)
    page.locator(".js-plotly-plot").first.hover()
    with page.expect_download(timeout=60000) as info:
        page.locator('.js-plotly-plot .modebar-btn[data-title^="Download plot"]').first.click()
    path = ARTIFACTS / "explorer-download.svg"
    info.value.save_as(str(path))
    assert path.read_text()[:4] == "<svg"


def test_clicking_a_query_token_in_the_head_view_focuses_it(server, page):
    page.set_viewport_size({"width": 1400, "height": 1400})
    page.goto(f"{server}/explorer?{link_query({explorer.VIEW: 'Head view'})}")
    page.wait_for_selector(".js-plotly-plot .scatterlayer", timeout=120000)
    settled(page)
    spot = page.evaluate("""() => { const gd = document.querySelector('.js-plotly-plot');
        const t = gd._fullData.find(d => d.name === 'queries'); const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const r = gd.getBoundingClientRect();
        return {x: r.left + xa._offset + xa.l2p(t.x[2]), y: r.top + ya._offset + ya.l2p(t.y[2])}; }""")
    page.mouse.click(spot["x"], spot["y"])
    # only the lines of query 2 ("cat") are left
    page.wait_for_function("""() => { const gd = document.querySelector('.js-plotly-plot');
        if (!gd || !gd.data) return false;  // being drawn again
        const ys = new Set(); gd.data.filter(d => d.mode === 'lines' && d.x.length > 1)
            .forEach(d => d.y.forEach((y, i) => { if (i % 3 === 0) ys.add(y); }));
        return ys.size === 1 && ys.has(-2); }""", timeout=30_000)
    # the link is drawn at the end of the same run, after the figure: wait for that run to reach it
    code = page.locator('[data-testid="stCode"]').last
    expect(code).to_contain_text(re.compile(rf"[?&]{explorer.FOCUS.param}=2(&|$)"), timeout=30_000)
    link = code.inner_text().strip()
    assert parse_qs(urlparse(link).query).get(explorer.FOCUS.param) == ["2"]  # the link to the view keeps the focus
    page.screenshot(path=str(ARTIFACTS / "explorer-head-view-focus.png"))
