"""Reading the app in a browser: wait for a heatmap, read its data, move a slider."""
from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

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


def wait_for(page, predicate, timeout_s: float = 60):
    """Poll figure(page) until predicate holds; return it."""
    deadline = time.time() + timeout_s
    last = None
    while time.time() < deadline:
        try:
            last = figure(page)
            if predicate(last):
                return last
        except Exception:  # the plot is being redrawn
            pass
        time.sleep(0.3)
    raise AssertionError(f"figure never matched; last seen: {last and last['title']}")


def nudge_slider(page, label: str, steps: int) -> None:
    thumb = page.locator(f'input[type="range"][aria-label="{label}"]')
    thumb.focus()
    for _ in range(steps):
        thumb.press("ArrowRight")


def edit_grid_cell(page, grid_index: int, row: int, col: int, text: str) -> None:
    """Type into a cell of the n-th st.data_editor (glide grid: row and col count from the first data cell)."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(grid_index)
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
