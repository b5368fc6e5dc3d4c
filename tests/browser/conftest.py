"""A real `streamlit run app.py` on 127.0.0.1 and Debian's Chromium driven by Playwright.

In CI (CI=true) a missing browser fails the run instead of skipping.
"""
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pw import ARTIFACTS, ROOT, free_port, wait_healthy
from serverlog import log_problems


@contextlib.contextmanager
def streamlit_server(log_name: str = "streamlit.log", root: Path = ROOT, check_log: bool = True):
    """`streamlit run app.py` on a free port, offline; yields its URL once /_stcore/health answers.

    Nothing is opened in a browser: the first page request is the caller's. With check_log, once the server has
    stopped, its log (stdout and stderr, as an operator reads them) must hold no warning, error or traceback that
    LOG_ALLOWED does not list: the failure names the lines and the log's file.
    """
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / log_name, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=root, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1",
                                                      "ATTNVIZ_CHECKPOINT_DIR": str(ARTIFACTS / "checkpoints")})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, f"artifacts/{log_name}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    if check_log:
        problems = log_problems((ARTIFACTS / log_name).read_text(errors="replace"))
        assert not problems, f"the server logged what an operator must read past (artifacts/{log_name}):\n" + \
            "\n".join(problems[:40])


@pytest.fixture(scope="session")
def server(browser):
    """A warm server shared by the tests where a first request does not matter (it opens / once)."""
    with streamlit_server() as url:
        warm = browser.new_page()
        warm.goto(url)
        warm.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=180000)
        warm.close()
        yield url


@pytest.fixture()
def cold_server():
    """A fresh server that no browser has opened yet: for first-request and first-session tests."""
    with streamlit_server("streamlit-cold.log") as url:
        yield url


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture()
def projector(browser):
    """A page the size of a classroom projector (1280×720), for presentation-mode screenshots."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    yield pg
    context.close()
