"""A server started with the shared preset (ATTNVIZ_SHARED=1), in Chromium: no remote-code box, links
to server paths refused without a word about the disk, and several visitors at once who each see
only their own text (the small version of benchmarks/load_sessions.py)."""
import asyncio
import threading

import pytest

from apphelpers import link_query
from pw import ARTIFACTS, expect_figure, wait_heatmap

from attnviz.core.settings import from_environment
from attnviz.app.shell.sidebar import CUSTOM, MODEL_LABELS, refused_note
from attnviz.app.state import sidebar
from benchmarks.load_sessions import rss_mb, run_sessions, start_server

SIDEBAR = '[data-testid="stSidebar"]'


@pytest.fixture(scope="module")
def shared_server(browser):
    proc, url = start_server({"ATTNVIZ_SHARED": "1"})
    try:
        yield proc, url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_no_remote_code_option_and_no_folder_box(shared_server, page):
    _, url = shared_server
    page.goto(url)
    wait_heatmap(page, timeout_s=240)
    page.locator(SIDEBAR).get_by_text("Device and options").click()
    page.locator(SIDEBAR).get_by_text("Device", exact=True).wait_for()
    sidebar = page.locator(SIDEBAR).inner_text()
    assert "remote code" not in sidebar.lower() and "Device" in sidebar
    page.locator(f'{SIDEBAR} [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option").first.wait_for()  # the list opens a moment after the click
    options = page.get_by_role("option").all_inner_texts()
    bundled = [name for name in MODEL_LABELS if name != CUSTOM]  # every bundled model, no folder box
    assert [o.split(" — ")[0] for o in options] == bundled and not any("Your own" in o or "folder" in o for o in options)
    page.keyboard.press("Escape")
    page.screenshot(path=str(ARTIFACTS / "shared-sidebar.png"), full_page=True)


@pytest.mark.parametrize("path", ["/root/.ssh", "/no/such/place"])
def test_a_link_to_a_server_path_is_refused_alike(shared_server, page, path):
    _, url = shared_server
    page.goto(f"{url}/?" + link_query({sidebar.MODEL: "custom", sidebar.PATH: path, sidebar.TEXT: "Dogs bark."}))
    fig = expect_figure(page, x=["[CLS]", "dogs", "bark", ".", "[SEP]"], timeout_s=240)
    assert fig["title"].endswith("head 0")  # the bundled default, with the link's own text
    warning = page.locator(f'{SIDEBAR} [data-testid="stAlert"]').inner_text()
    assert warning.strip() == refused_note(from_environment({"ATTNVIZ_SHARED": "1"}))
    assert path not in page.locator("body").inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "shared-refused-link.png"), full_page=True)


def test_three_visitors_at_once_each_see_only_their_own_text(shared_server):
    proc, url = shared_server
    out = {}
    # Playwright's async API in a thread of its own: the sync fixtures hold this thread's loop.
    worker = threading.Thread(target=lambda: out.update(
        zip(("results", "samples"), asyncio.run(run_sessions(url, 3, proc.pid, ["scratch-decoder", "minilm",
                                                                                  "scratch-seq2seq"])))))
    worker.start()
    worker.join(timeout=900)
    results = out["results"]
    assert [r.model for r in results] == ["scratch-decoder", "minilm", "scratch-seq2seq"]
    for r in results:
        assert not r.errors and not r.foreign, (r.index, r.errors, r.foreign)
        assert set(r.times) == {"first page", "head change (home)", "page switch", "head change (explorer)"}
    assert max(out["samples"]) < 3000  # MB: three small models and their captures, far from a runaway
    assert rss_mb(proc.pid)[0] > 0
