"""The compare page in Chromium: a compare link opened as the very first request of a cold server shows both
panes; a click on the head-distance matrix opens those two heads side by side."""
from apphelpers import link_query
from playwright.sync_api import expect
from pw import ARTIFACTS, expect_titles, settled, titles

from attnviz.app.state import compare


TEXT_A, TEXT_B = "The doctor said he was late.", "The doctor said she was late."


def _panes(model_a: str, model_b: str, text_a: str, text_b: str) -> dict:
    """The link's values for both panes' model and text (in the order the old links wrote them)."""
    return {compare.pane("a", "model"): model_a, compare.pane("b", "model"): model_b,
            compare.pane("a", "text"): text_a, compare.pane("b", "text"): text_b}


def test_a_compare_link_as_the_first_request_shows_both_panes(cold_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    query = link_query(_panes("minilm", "scratch-encoder", TEXT_A, TEXT_A))
    page.goto(f"{cold_server}/compare?{query}")
    expect_titles(page, ends=["layer 0 · head 0", "layer 0 · head 0"], has="B layer 0 head 0 − A layer 0 head 0")
    for name in ("Pane A", "Pane B"):
        expect(page.get_by_text(name, exact=True)).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "compare-cold-link.png"))
    context.close()


def _cell_centre(page, plot_index: int, point: int) -> dict:
    # under load the chart can still be (re)drawing after its title shows: wait for its clickable points
    page.wait_for_function("""([p, k]) => { const gd = document.querySelectorAll('.js-plotly-plot')[p];
        return gd && gd._fullData && gd._fullData.length > 1 && gd._fullData[1].x && gd._fullData[1].x.length > k; }""",
                           arg=[plot_index, point], timeout=60000)
    return page.evaluate("""([p, k]) => { const gd = document.querySelectorAll('.js-plotly-plot')[p];
        const t = gd._fullData[1]; const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const r = gd.getBoundingClientRect();
        return {x: r.left + xa._offset + xa.l2p(xa.d2c(t.x[k])), y: r.top + ya._offset + ya.l2p(ya.d2c(t.y[k]))}; }""",
                         [plot_index, point])


def test_a_click_on_the_distance_matrix_opens_both_heads(server, page):
    page.set_viewport_size({"width": 1400, "height": 1000})
    query = link_query(_panes("minilm", "minilm", TEXT_A, TEXT_B))
    page.goto(f"{server}/compare?{query}")
    expect_titles(page, has="A heads (rows) × B heads (columns)")
    settled(page)  # the panes' figures may be drawn after the comparison's, before them among the page's figures
    index = titles(page).index("A heads (rows) × B heads (columns)")
    page.locator(".js-plotly-plot").nth(index).scroll_into_view_if_needed()
    settled(page)
    row, col = 2 * 12 + 5, 4 * 12 + 7  # A layer 2 head 5 against B layer 4 head 7
    spot = _cell_centre(page, index, row * 72 + col)
    page.mouse.click(spot["x"], spot["y"])
    expect_titles(page, ends=["layer 2 · head 5", "layer 4 · head 7"], has="B layer 4 head 7 − A layer 2 head 5",
                  timeout_s=60)
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "compare-clicked-heads.png"))


def test_a_box_on_the_statistics_chart_lists_those_heads(server, page):
    page.set_viewport_size({"width": 1400, "height": 1000})
    query = link_query(_panes("minilm", "minilm", TEXT_A, TEXT_A))
    page.goto(f"{server}/compare?{query}")
    expect_titles(page, has="A heads (rows) × B heads (columns)")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    chart.locator("svg.marks").first.wait_for()
    settled(page)
    box = chart.locator("svg.marks").first.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.45  # inside the plot, below the legend
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 21):  # up to about a quarter of the depth, down to the axis: the first layers' heads
        page.mouse.move(x0 + box["width"] * 0.009 * k, y0 + box["height"] * 0.018 * k)
    page.mouse.up()
    summary = page.locator("p", has_text="heads in the box:").first
    summary.wait_for(timeout=60000)
    text = summary.inner_text()
    count = int(text.split(" of ")[0])
    # the first layers' heads (A is drawn a little left of its depth, B a little right), not the last layer's
    assert 0 < count < 144 and "L0 h" in text and "A L5" not in text and "B L5" not in text
    page.screenshot(path=str(ARTIFACTS / "compare-statistics-brush.png"))
