"""The widget in a real JupyterLab (started here, offline, on its own port) and its standalone page in Chromium.

JupyterLab runs the tutorial; a click on a head in the widget reaches the kernel as traits; an export asked for
from code is drawn by the browser and written by the kernel; no request leaves 127.0.0.1 — from the page
(Playwright sees every request and websocket) or from the server and kernel (tests/netguard refuses and logs
every non-loopback lookup or connection). Screenshots go to artifacts/notebook-*.png.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from nbhelpers import ARTIFACTS, ROOT, leaving_loopback, softmax_stack

TUTORIAL = ROOT / "docs" / "tutorial.ipynb"
DRAWN = ".attnviz:not([data-drawn='0'])"
# JupyterLab's own settings for the test: no news or update checks, and the notebook's kernel started without asking
SETTINGS = {"@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
            "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(root: Path, state: Path):
    """`jupyter lab` on 127.0.0.1 at a free port, no token, its settings and runtime files under `state`, every
    non-loopback connection of the server and its kernels refused and logged to state/net.log."""
    for plugin, values in SETTINGS.items():
        where = state / "settings" / plugin
        where.parent.mkdir(parents=True, exist_ok=True)
        where.with_suffix(".jupyterlab-settings").write_text(json.dumps(values))
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "netguard"), str(ROOT)]),
           "ATTNVIZ_NETGUARD_LOG": str(state / "net.log"), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1",
           "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(state / "runtime"), "JUPYTER_CONFIG_DIR": str(state / "config")}
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "notebook-jupyterlab.log", "w")
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}", "--LabApp.news_url="]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    proc = subprocess.Popen(args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url + "/api/status", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        else:
            raise RuntimeError("jupyter lab did not start; see artifacts/notebook-jupyterlab.log")
        if proc.poll() is not None:
            raise RuntimeError("jupyter lab exited; see artifacts/notebook-jupyterlab.log")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _run_all(page) -> None:
    """Run every cell once the kernel is idle; again if the first click came before the menu could act."""
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120000)
    first_prompt = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").first
    for _ in range(3):
        page.click("li.lm-MenuBar-item:has-text('Run')")
        page.click("li.lm-Menu-item:has-text('Run All Cells')")
        try:
            page.wait_for_function("(el) => /\\[(\\*|\\d+)\\]/.test(el.textContent)", arg=first_prompt.element_handle(),
                                   timeout=20000)
            return
        except Exception:
            page.keyboard.press("Escape")
    raise AssertionError("Run All Cells never started the notebook")


def _run_cell(page, source: str) -> str:
    """Add a cell at the end of the open notebook, run it, and return its output's text."""
    cells = page.locator(".jp-Notebook .jp-Cell")
    before = cells.count()
    cells.last.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below, in command mode
    page.wait_for_function("(n) => document.querySelectorAll('.jp-Notebook .jp-Cell').length > n", arg=before)
    cell = page.locator(".jp-Notebook .jp-Cell").nth(before)  # not .last: Shift+Enter adds another below it
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.insert_text(source)
    page.keyboard.press("Shift+Enter")
    output = cell.locator(".jp-OutputArea-output")
    output.first.wait_for(timeout=60000)
    return output.first.inner_text()


def test_tutorial_in_jupyterlab_click_reaches_the_kernel_and_nothing_leaves(chromium, tmp_path):
    root, state = tmp_path / "root", tmp_path / "state"
    root.mkdir()
    shutil.copy(TUTORIAL, root / "tutorial.ipynb")
    with jupyterlab(root, state) as url:
        context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        outside = leaving_loopback(page)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "/lab/tree/tutorial.ipynb")
        try:
            _run_all(page)
            # five widgets: w, the model view, the Hugging Face head view, and the two side by side
            page.wait_for_function(f"document.querySelectorAll(\"{DRAWN}\").length >= 5", timeout=240000)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "notebook-lab-failed.png"))
            raise
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120000)
        widget = page.locator(".attnviz").first
        # the tutorial's last selection from code (head 5, then focus cleared) is what the widget drew
        page.wait_for_function("document.querySelector('.attnviz').dataset.key === 'heatmap|self|weight|0|5||'")

        widget.locator("button[data-view='model_view']").click()
        thumb = widget.locator("rect[data-layer='3'][data-head='7']")
        thumb.wait_for()
        widget.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "notebook-lab-model-view.png"))
        thumb.click()  # click-to-open: layer 3, head 7 as a heatmap
        page.wait_for_function("document.querySelector('.attnviz').dataset.key === 'heatmap|self|weight|3|7||'")
        widget.locator("text[data-query='2']").click()  # focus on "cat"
        page.wait_for_function("document.querySelector('.attnviz').dataset.key === 'heatmap|self|weight|3|7||2'")
        strip = widget.locator(".av-strip span[data-key]")
        assert strip.count() == 13 and strip.nth(2).inner_text() == "cat"
        widget.screenshot(path=str(ARTIFACTS / "notebook-lab-clicked.png"))

        # drag across the heatmap from cell (1, 1) to cell (4, 5): the kernel sends that region
        box = widget.locator("rect[data-plot='heatmap']").bounding_box()
        cell = box["width"] / 13
        page.mouse.move(box["x"] + 1.5 * cell, box["y"] + 1.5 * cell)
        page.mouse.down()
        page.mouse.move(box["x"] + 3.5 * cell, box["y"] + 3.5 * cell, steps=4)
        page.mouse.move(box["x"] + 5.5 * cell, box["y"] + 4.5 * cell, steps=4)
        page.mouse.up()
        page.wait_for_function("document.querySelector('.attnviz').dataset.key === 'heatmap|self|weight|3|7|1,5,1,6|2'")
        assert widget.locator("text[data-query]").count() == 4

        said = _run_cell(page, 'print("KERNEL", w.view, w.layer, w.head, w.token, w.window)')
        assert said.strip() == "KERNEL heatmap 3 7 2 [1, 5, 1, 6]"

        # an export asked for from code: drawn by the browser, written by the kernel when the answer arrives
        _run_cell(page, 'w.save_svg("from-code.svg"); w.save_png("from-code.png"); print("asked")')
        svg_file, png_file = root / "from-code.svg", root / "from-code.png"
        deadline = time.time() + 30
        while not (svg_file.exists() and png_file.exists()) and time.time() < deadline:
            time.sleep(0.3)
        assert png_file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        svg = svg_file.read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<svg" in svg and "layer 3, head 7" in svg and "data:image/png;base64" in svg

        # the widget's own PNG button: a PNG at twice the figure's pixels
        with page.expect_download() as download:
            widget.locator("button[data-export='png']").click()
        png = Path(download.value.path()).read_bytes()
        width, height = struct.unpack(">II", png[16:24])
        svg_width = float(widget.locator(".av-fig svg").get_attribute("width"))
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and width == int(np.ceil(svg_width * 2)) and height > 100
        context.close()
    assert not errors, errors
    assert outside == [], f"the page reached beyond 127.0.0.1: {outside}"
    net = state / "net.log"
    assert not net.exists(), "the server or a kernel reached beyond loopback:\n" + net.read_text()


def _tensor_widget(tokens):
    from attnviz.notebook import show

    stack = softmax_stack(2, 3, len(tokens), seed=3, causal=True)
    return stack, show(tuple(stack[i][None] for i in range(2)), tokens, layer=1, head=2, name="tiny <model>")


def _cell_colours(page) -> list[list[int]]:
    """The heatmap's drawn cells, read back from its image: one RGB triple per cell, row by row."""
    return page.evaluate("""async () => {
        const im = document.querySelector('.av-fig svg image');
        const img = new Image();
        img.src = im.getAttribute('href');
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width; c.height = img.height;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, img.width, img.height).data;
        const out = [];
        for (let i = 0; i < img.width * img.height; i++) out.push([d[4 * i], d[4 * i + 1], d[4 * i + 2]]);
        return out;
    }""")


RAMP = np.array([[247, 251, 255], [198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107]], dtype=float)


def _expected_colour(v: float) -> np.ndarray:
    x = min(max(v, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(len(RAMP) - 2, int(np.floor(x)))
    return np.rint(RAMP[i] + (RAMP[i + 1] - RAMP[i]) * (x - i))


# The standalone page's Content-Security-Policy forbids eval, and so Playwright's wait_for_function: its tests wait
# for selectors instead.
def test_standalone_html_draws_its_heatmap_offline_from_disk(chromium, tmp_path):
    tokens = ["<s>", "<img src=x>", "a&b", " cat", " sat", "</b>"]
    stack, w = _tensor_widget(tokens)
    w.token = 3
    w.capture.notes.append("a <b>note</b> from the capture")
    w.notes = list(w.capture.notes)
    path = w.save_html(tmp_path / "attention.html", heads=[(0, 1)])
    context = chromium.new_context(viewport={"width": 1000, "height": 800}, accept_downloads=True)
    page = context.new_page()
    outside = leaving_loopback(page)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(path.resolve().as_uri())
    page.wait_for_selector(DRAWN, timeout=20000)
    page.screenshot(path=str(ARTIFACTS / "notebook-standalone.png"))
    root = page.locator(".attnviz")
    assert root.get_attribute("data-key") == "heatmap|self|weight|1|2||3"  # the Python key, found by the page's own
    # tokens are text: labels read as typed, and nothing of them became an element
    labels = page.locator(".av-fig svg text[data-query]").evaluate_all("els => els.map(e => e.textContent)")
    assert labels == tokens
    assert page.evaluate("document.querySelectorAll('img, b').length") == 0
    assert page.locator(".av-strip span[data-key]").all_inner_texts() == tokens
    assert page.locator(".av-notes").inner_text() == "a <b>note</b> from the capture"
    # each drawn cell has the colour of its weight on the scale 0 .. the head's largest weight
    head = stack[1, 2].numpy()
    drawn = np.array(_cell_colours(page), dtype=float).reshape(len(tokens), len(tokens), 3)
    want = np.array([[_expected_colour(v / head.max()) for v in row] for row in head])
    assert np.abs(drawn - want).max() <= 1
    # another head that the file carries opens; one it does not carry says so
    page.select_option("select[data-trait='layer']", "0")
    page.select_option("select[data-trait='head']", "1")
    page.wait_for_selector(".attnviz[data-key='heatmap|self|weight|0|1||3']")
    page.select_option("select[data-trait='head']", "0")
    page.wait_for_selector(".av-note.av-error")
    assert "not in this file" in page.locator(".av-error").inner_text()
    page.select_option("select[data-trait='head']", "1")  # drawn again from the answer it holds
    page.wait_for_selector(".av-note.av-error", state="detached")
    page.wait_for_selector(".av-fig svg image")
    # SVG and PNG straight from the page
    with page.expect_download() as download:
        page.click("button[data-export='svg']")
    assert download.value.suggested_filename == "attnviz-heatmap-layer0-head1.svg"
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert "tiny &lt;model&gt;" in svg and "&lt;img src=x&gt;" in svg and "<img" not in svg
    with page.expect_download() as download:
        page.click("button[data-export='png']")
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    context.close()
    assert outside == [] and all(u.startswith(("file:", "data:", "blob:")) for u in requested), requested


@pytest.mark.parametrize("view", ["head_view", "model_view"])
def test_standalone_head_and_model_views_draw(chromium, tmp_path, view):
    tokens = ["<s>", "The", " cat", " sat", " on", " the", " mat", "."]
    stack, w = _tensor_widget(tokens)
    w.view = view
    path = w.save_html(tmp_path / f"{view}.html")
    page = chromium.new_page(viewport={"width": 1000, "height": 800})
    page.goto(path.resolve().as_uri())
    page.wait_for_selector(DRAWN, timeout=20000)
    page.screenshot(path=str(ARTIFACTS / f"notebook-standalone-{view}.png"))
    if view == "head_view":
        # head 2 of layer 1 only, after a click on its swatch: one line per weight of at least 0.01
        page.click("rect[data-head='2']")
        page.wait_for_selector("rect[data-head='0'][fill-opacity='0.2']", state="attached")  # drawn again: 0 is hidden
        lines = page.locator(".av-fig line").count()
        assert lines == int((stack[1, 2].numpy() >= 0.01).sum())
    else:
        assert page.locator("rect[data-layer][data-head]").count() == 2 * 3
        page.click("rect[data-layer='1'][data-head='2']")  # the page carries the current head: it opens
        page.wait_for_selector(".attnviz[data-key='heatmap|self|weight|1|2||']")
    page.close()
