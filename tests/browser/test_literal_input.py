"""Markdown, links, images and HTML typed as a model path or as the text are shown as the characters
typed, in every message and caption; no <img> or <a> from them enters the page, and the browser sends
nothing to the host they name (#19.2)."""
from pathlib import Path
from urllib.parse import urlsplit

from apphelpers import link_query
from pw import ARTIFACTS, settled

from attnviz.app.state import explorer, sidebar

HOST = "evil.invalid"
HOSTILE = (f"![pic](http://{HOST}/pic.png) [log in again](http://{HOST}/login) "
           f'<img src="http://{HOST}/raw.png"> <a href="http://{HOST}/a">here</a> **bold** :red[red] $x^2$')


def _watch(page) -> list[str]:
    """Requests for HOST, recorded and refused (nothing leaves the machine)."""
    seen: list[str] = []

    def handle(route):
        if urlsplit(route.request.url).hostname == HOST:
            seen.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", handle)
    return seen


def _nothing_from_input(page, seen: list[str]) -> None:
    settled(page, timeout_s=120)  # the whole page, with what the run draws after the message the test waited for
    hostile_nodes = page.evaluate(f"""() => Array.from(document.querySelectorAll('img, a, image, iframe'))
        .map(e => e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('xlink:href') || '')
        .filter(s => s.includes('{HOST}'))""")
    assert hostile_nodes == []
    page.wait_for_load_state("networkidle")  # any late request would have gone out by now
    assert seen == []
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_crafted_model_link_shows_the_path_as_typed(server, page):
    seen = _watch(page)
    page.goto(f"{server}/explorer?{link_query({sidebar.MODEL: HOSTILE})}")
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="log in again").first
    alert.wait_for(timeout=60000)
    shown = alert.inner_text()
    assert str(Path(HOSTILE)) in shown  # the path as the loader read it (a path's // is one /), every character
    assert "![pic](http:/" in shown and "<img src=" in shown and "**bold** :red[red] $x^2$" in shown
    _nothing_from_input(page, seen)
    page.screenshot(path=str(ARTIFACTS / "literal-path.png"), full_page=True)


def test_markup_typed_as_text_stays_text(server, page):
    seen = _watch(page)
    page.goto(f"{server}/explorer?" + link_query({sidebar.TEXT: HOSTILE, explorer.VIEW: "Generate"}))
    page.locator('[data-testid="stAlert"]').filter(has_text="Generation is for causal models").wait_for(timeout=60000)
    _nothing_from_input(page, seen)
    # a causal model writes after it: the written text and the token captions stay literal
    short = f"[log in again](http://{HOST}/login) **bold**"  # glassllm reads 128 tokens: room to write
    page.goto(f"{server}/explorer?" + link_query({sidebar.MODEL: "glassllm-en", sidebar.TEXT: short,
                                                  explorer.VIEW: "Generate"}))
    page.locator('[data-testid="stCode"]').filter(has_text="log in again").first.wait_for(timeout=120000)
    written = page.locator('[data-testid="stCode"]').first.inner_text()
    assert "[log in again](http:" in written and "**bold**" in written  # glassllm has no "/": it reads ⁇
    _nothing_from_input(page, seen)
    # four heads in four short rows: the colour bar lies under them, its tick labels apart
    page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=60000)
    settled(page)  # every figure drawn: the first one read below, not only the one that had drawn first
    bar = page.locator(".js-plotly-plot").first.evaluate("gd => gd._fullData[0].colorbar.orientation")  # the view, above the causal section
    assert bar == "h"
    page.screenshot(path=str(ARTIFACTS / "literal-text.png"), full_page=True)
