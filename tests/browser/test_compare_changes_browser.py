"""Compare in Chromium: on the he/she set-up no two tick labels of any heatmap overlap at 1400 px and at 1280×720
(boxes measured in the page), the distance matrix keeps its title and legend clear of its labels, identical panes
say so instead of a blank map, and a bar of "what changed" opens both heads."""
from __future__ import annotations

from itertools import combinations

import pytest
from playwright.sync_api import expect

from apphelpers import link_query
from pw import ARTIFACTS, expect_titles, settled

from attnviz.app.pages.compare.setups import PROBE
from attnviz.app.state import compare, sidebar

DISTANCE = {"en": "A heads (rows) × B heads (columns)", "zh": "A 的头（行）× B 的头（列）"}

# every plot's title, its tick labels' boxes and, for the distance matrix, its title's and legend's boxes
READ = """() => Array.from(document.querySelectorAll('.js-plotly-plot'), gd => {
  const box = el => { const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom, el.textContent]; };
  const ticks = ax => Array.from(gd.querySelectorAll('.' + ax + 'tick text'), box);
  const title = gd.querySelector('.gtitle'), legend = gd.querySelector('.legend');
  return {title: ((gd.layout.title && gd.layout.title.text) || '').replace(/<[^>]*>/g, ''),
          heatmap: !!gd.querySelector('.heatmaplayer .hm, .heatmaplayer image'),
          x: ticks('x'), y: ticks('y'), titleBox: title ? box(title) : null, legendBox: legend ? box(legend) : null};
})"""


def overlapping(boxes: list) -> list:
    """Pairs of boxes that share more than half a pixel each way (touching is not overlapping)."""
    return [(a[4], b[4]) for a, b in combinations(boxes, 2)
            if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5]


def read_figures(page) -> list[dict]:
    """What READ finds, once the app is idle and its figures are drawn."""
    settled(page)
    return page.evaluate(READ)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [(1400, 1000), (1280, 720)], ids=["1400", "1280x720"])
def test_no_two_tick_labels_overlap_and_the_matrix_keeps_its_title_and_legend_clear(server, browser, size, lang):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    query = link_query({sidebar.LANG: lang, compare.pane("a", "model"): "minilm", compare.pane("b", "model"): "minilm",
                        compare.pane("a", "text"): PROBE[0], compare.pane("b", "text"): PROBE[1]})
    page.goto(f"{server}/compare?{query}")
    # both panes, what changed, B − A, the distance matrix and the censuses (the page's first run may still redraw)
    expect_titles(page, has=DISTANCE[lang], at_least=6, timeout_s=240)
    figs = read_figures(page)  # the last plots settled (fonts, widths)
    heatmaps = [f for f in figs if f["heatmap"]]
    assert len(heatmaps) >= 4, [f["title"] for f in figs]  # both panes, B − A and the distance matrix
    for f in heatmaps:
        assert f["x"] and f["y"], f["title"]
        assert not overlapping(f["x"]) and not overlapping(f["y"]), (f["title"], overlapping(f["x"] + f["y"])[:3])
    panes = heatmaps[:2]  # the he/she panes keep every key labelled: the one word that differs is there to read
    words = [b[4] for b in panes[1]["x"]]
    assert "she" in words and "doctor" in words, words
    matrix = next(f for f in figs if f["title"] == DISTANCE[lang])
    for name in ("titleBox", "legendBox"):
        assert not [b[4] for b in matrix["x"] if overlapping([matrix[name], b])], (name, matrix[name])
    assert matrix["titleBox"][3] <= matrix["legendBox"][1] + 0.5  # the title's line, then the legend's
    labels_top = min(b[1] for b in matrix["x"])
    assert matrix["legendBox"][3] <= labels_top + 0.5  # then the labels, under both
    page.screenshot(path=str(ARTIFACTS / f"compare-he-she-{size[0]}-{lang}.png"), full_page=size[0] == 1400)
    context.close()


def test_identical_panes_say_so_instead_of_a_blank_map(server, page):
    page.goto(f"{server}/compare?" + link_query({compare.pane("a", "model"): "minilm",
                                                  compare.pane("a", "text"): PROBE[0]}))  # B starts as a copy
    note = page.get_by_text("A and B are identical: the same tokens and the same attention in every head")
    expect(note).to_be_visible(timeout=180000)
    expect_titles(page, has=DISTANCE["en"], timeout_s=240)
    figs = read_figures(page)
    assert not [f["title"] for f in figs if f["title"].startswith(("B layer", "The 10 heads"))]
    note.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "compare-identical.png"))


def test_a_bar_of_what_changed_opens_both_heads(server, page):
    page.goto(f"{server}/compare?" + link_query({compare.pane("a", "model"): "minilm", compare.pane("b", "model"): "minilm",
                                                  compare.pane("a", "text"): PROBE[0],
                                                  compare.pane("b", "text"): PROBE[1]}))
    expect_titles(page, has="The 10 heads that changed most", at_least=6, timeout_s=240)
    settled(page)  # the panes' figures may be drawn after the comparison's, before them among the page's figures
    figs = read_figures(page)
    index = [f["title"] for f in figs].index("The 10 heads that changed most")
    chart = page.locator(".js-plotly-plot").nth(index)
    chart.scroll_into_view_if_needed()
    settled(page)
    bar = chart.locator(".bars path").first  # the most changed head: A L4 h9 → B L4 h9
    bar.click(force=True)  # plotly's drag layer lies over the bars and takes the click, as it does a person's
    expect_titles(page, ends=["layer 4 · head 9", "layer 4 · head 9"], timeout_s=90)
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "compare-changes-clicked.png"))
