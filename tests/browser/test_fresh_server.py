"""First impressions on a freshly started server: each test starts its own, and opens nothing first.

A shared link is often the very first request a server gets, and the person who just started the
server is its first session: both must work as well as on a warm server.
"""
import pytest

from apphelpers import link_query
from pw import ARTIFACTS, expect_figure, figure, wait_heatmap

from attnviz.app.shell.navigation import PAGES
from attnviz.app.state import explorer, sidebar

NAV = [entry.title for entry in PAGES.values()]  # every page, in the navigation's order
SHARED = "/explorer?" + link_query({sidebar.MODEL: "minilm", sidebar.TEXT: "Dogs bark loudly.", explorer.VIEW: "Heatmap",
                                    explorer.LAYER: 1, explorer.HEAD: 2})
# address -> the page's title, as a person reads it
FIRST_REQUESTS = {
    SHARED: "Explorer",
    "/explorer": "Explorer",
    "/": "attnviz",
    "/compare": "Compare side by side",
    "/worked-example": "Worked example: attention by hand",
    "/positions": "Positional encodings",
    "/training": "Training lab",
    "/survey": "Survey",
    "/lesson": "Why word order matters",
    "/needle": "Needle in a haystack",
}


def _nav_labels(page) -> list[str]:
    page.wait_for_selector('[data-testid="stSidebarNav"] a', timeout=60000)
    return [t.strip() for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


@pytest.mark.parametrize("address", list(FIRST_REQUESTS), ids=lambda a: a.split("?")[0].strip("/") or "home")
def test_any_address_works_as_the_first_request(cold_server, browser, address):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(cold_server + address)
        page.wait_for_selector(f':is(h1, h2):has-text("{FIRST_REQUESTS[address]}")', timeout=120000)
        # the page ran inside app.py: its sidebar (model and text) and the named pages are there
        page.wait_for_selector('[data-testid="stSidebar"] textarea', timeout=60000)
        assert [label.split("\n")[-1] for label in _nav_labels(page)] == NAV
        if address.startswith("/explorer") or address == "/":
            wait_heatmap(page)
        if address == SHARED:  # the link's own state, not the defaults
            fig = expect_figure(page, title_ends="layer 1 · head 2")
            assert fig["x"] == ["[CLS]", "dogs", "bark", "loudly", ".", "[SEP]"]
            assert page.locator('[data-testid="stSidebar"] textarea').input_value() == "Dogs bark loudly."
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_text("Page not found").count() == 0
        name = address.split("?")[0].strip("/") or "home"
        page.screenshot(path=str(ARTIFACTS / f"first-request-{name}{'-link' if '?' in address else ''}.png"))
    finally:
        page.close()


def test_first_edit_of_the_first_session_sticks(cold_server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(cold_server)
        wait_heatmap(page)
        assert "cat" in figure(page)["x"]
        box = page.locator('[data-testid="stSidebar"] textarea')
        box.fill("Dogs bark loudly.")
        box.press("Control+Enter")
        fig = expect_figure(page, x=["[CLS]", "dogs", "bark", "loudly", ".", "[SEP]"])
        page.wait_for_timeout(1500)  # a lost edit shows as the default text coming back after a rerun
        assert box.input_value() == "Dogs bark loudly."
        assert figure(page)["x"] == fig["x"]
    finally:
        page.close()
