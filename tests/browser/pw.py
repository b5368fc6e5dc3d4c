"""Reading the app in a browser: wait for a heatmap, read its data, move a slider."""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("ATTNVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PLOT = ".js-plotly-plot"


def wait_healthy(url: str, where: str, tries: int = 120) -> None:
    """Wait until a started server's /_stcore/health answers "ok" (it opens no page and no session)."""
    import urllib.request

    for _ in range(tries):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not start; see {where}")


# a page is settled when no script run is going on and every plotly figure has drawn and finished its transition
SETTLED = """() => {
    // the script's state as Streamlit's own end-to-end tests read it: the status widget says "Running" only in the
    // header, which presentation mode hides, and only after a while
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;  // a figure still loading its code
    const moving = document.getAnimations().some(a => a.playState === 'running'
        && a.effect && a.effect.getTiming().iterations !== Infinity);  // fades and slides, not spinners
    const frames = [...document.querySelectorAll('[data-testid="stIFrame"]')].every(f => f.offsetHeight > 0);
    return !moving && frames
        && [...document.querySelectorAll('.js-plotly-plot')].every(gd => gd._fullLayout && !gd._transitioning);
}"""
# a drawn figure's title, tick labels and rows against what the test expects (any of them may be left out)
FIGURE_MATCHES = """([i, want]) => {
    const gd = document.querySelectorAll('.js-plotly-plot')[i];
    if (!gd || !gd._fullData || !gd._fullData.length || !gd.layout) return false;
    const title = ((gd.layout.title && gd.layout.title.text) || '').replace(/<[^>]*>/g, '');
    const same = (a, b) => JSON.stringify(Array.from(a || [])) === JSON.stringify(b);
    if (want.title_ends !== null && !title.endsWith(want.title_ends)) return false;
    if (want.title_starts !== null && !title.startsWith(want.title_starts)) return false;
    if (want.title_has !== null && !title.includes(want.title_has)) return false;
    if (want.x !== null && !same(gd.layout.xaxis.ticktext, want.x)) return false;
    if (want.y_has !== null && !Array.from(gd.layout.yaxis.ticktext || []).includes(want.y_has)) return false;
    if (want.rows !== null && (gd._fullData[0].z || []).length !== want.rows) return false;
    return true;
}"""


def settled(page, timeout_s: float = 60) -> None:
    """Wait (Playwright's own waiting, in the page) until the app is idle and its figures are drawn: what a
    screenshot or a measurement needs, instead of a fixed sleep.

    Right after a click or a key the run it starts may not have begun (the page still says "notRunning"): wait first
    for something that run draws, then settle."""
    page.wait_for_function(SETTLED, timeout=timeout_s * 1000)


def expect_figure(page, index: int = 0, *, title_ends: str | None = None, title_starts: str | None = None,
                  title_has: str | None = None, x: list[str] | None = None, y_has: str | None = None,
                  rows: int | None = None, timeout_s: float = 60) -> dict:
    """Wait until the index-th figure matches (checked in the page by Playwright) and return what it draws."""
    want = {"title_ends": title_ends, "title_starts": title_starts, "title_has": title_has, "x": x, "y_has": y_has,
            "rows": rows}
    page.wait_for_function(FIGURE_MATCHES, arg=[index, want], timeout=timeout_s * 1000)
    return figure(page, index)


TITLES_MATCH = """([ends, has, starts, least]) => {
    const t = Array.from(document.querySelectorAll('.js-plotly-plot'),
        gd => ((gd.layout && gd.layout.title && gd.layout.title.text) || '').replace(/<[^>]*>/g, '').replace(/\\s+/g, ' '));
    return t.length >= least && ends.every((e, i) => i < t.length && t[i].endsWith(e))
        && (has === null || t.includes(has)) && (starts === null || t.some(s => s.startsWith(starts)));
}"""


def expect_titles(page, *, ends: list[str] = (), has: str | None = None, starts: str | None = None,
                  at_least: int = 0, timeout_s: float = 180) -> list[str]:
    """Wait until the page's figures' titles end as listed, in order, one of them reads `has`, one starts with
    `starts` and there are at least `at_least` figures (each test optional); return the titles."""
    page.wait_for_function(TITLES_MATCH, arg=[list(ends), has, starts, at_least], timeout=timeout_s * 1000)
    return titles(page)


def titles(page) -> list[str]:
    """The page's figures' titles, markup taken out and white space as one space."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot'),
        gd => ((gd.layout && gd.layout.title && gd.layout.title.text) || '').replace(/<[^>]*>/g, '').replace(/\\s+/g, ' '))""")


def wait_heatmap(page, timeout_s: float = 120) -> None:
    page.wait_for_selector(f"{PLOT} .heatmaplayer", timeout=timeout_s * 1000)


def figure(page, index: int = 0) -> dict:
    """The drawn figure's title, tick labels and z values, read from plotly's own objects."""
    return page.evaluate("""(i) => {
        const gd = document.querySelectorAll('.js-plotly-plot')[i];
        const z = Array.from(gd._fullData[0].z, row => Array.from(row));  // decoded typed arrays
        const title = (gd.layout.title.text || '').replace(/<[^>]*>/g, '');  // streamlit's theme bolds it
        return {title: title, x: gd.layout.xaxis.ticktext, y: gd.layout.yaxis.ticktext, z: z};
    }""", index)


def nudge_slider(page, label: str, steps: int) -> None:
    thumb = page.locator(f'input[type="range"][aria-label="{label}"]')
    thumb.focus()
    for _ in range(steps):
        thumb.press("ArrowRight")


def edit_grid_cell(page, grid_index: int, row: int, col: int, text: str) -> None:
    """Type into a cell of the n-th st.data_editor (glide grid: row and col count from the first data cell)."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(grid_index)
    grid.scroll_into_view_if_needed()
    settled(page)  # the page laid out: a grid still moving would take the double-click in another grid's cell
    box = grid.bounding_box()
    n_cols = 4  # the X editor: index column + d0, d1, d2
    col_w = box["width"] / n_cols
    header, row_h = 36, 35
    x = box["x"] + col_w * (col + 1) + col_w / 2
    y = box["y"] + header + row_h * row + row_h / 2
    editor = page.locator(".gdg-growing-entry textarea, textarea.gdg-input").first
    for _ in range(10):  # the grid may still be laying out; a double-click then opens nothing
        page.mouse.dblclick(x, y)
        try:
            editor.wait_for(timeout=1500)
            break
        except Exception:
            page.wait_for_timeout(500)
    editor.wait_for(timeout=5000)
    editor.fill(text)
    editor.press("Enter")
