"""No page makes the browser reach off the machine: every request of every page (its scripts, fonts, icons, the
favicon, the figures) goes to 127.0.0.1 or stays inside the page (data:, blob:)."""
import pytest

from attnviz.app.shell.navigation import PAGES
from pw import PLOT

LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


@pytest.mark.parametrize("name", list(PAGES))
def test_every_request_of_a_page_stays_on_the_machine(server, browser, name):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("websocket", lambda ws: seen.append(ws.url))
    page.goto(f"{server}/{PAGES[name].url_path}")
    page.locator('[data-testid="stSidebar"]').wait_for(timeout=120000)
    if name in ("home", "explorer", "compare", "positions", "worked_example", "lesson"):
        page.locator(f"{PLOT} .main-svg").first.wait_for(timeout=180000)
    page.wait_for_load_state("networkidle")  # late requests: the favicon, icon fonts, lazily loaded chunks
    page.close()
    away = [url for url in seen if not url.startswith(LOCAL)]
    assert away == [], away
    assert any(url.endswith(".png") or "favicon" in url or "static" in url for url in seen)  # it did load things
