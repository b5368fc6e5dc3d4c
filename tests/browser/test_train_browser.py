"""The training lab in Chromium: training runs on (in its worker process) while the person visits another page;
its checkpoint saves under a default name and opens in the explorer."""
import re

from playwright.sync_api import expect
from pw import ARTIFACTS


def _step(page) -> int:
    text = page.locator('[data-testid="stProgress"]').inner_text()
    return int(re.search(r"step (\d+) of", text).group(1))


def test_training_continues_across_pages(server, page):
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.goto(server + "/training")
    page.get_by_role("button", name="Start training").click()
    progress = page.locator('[data-testid="stProgress"]')
    expect(progress).to_contain_text(re.compile(r"step [1-9]\d* of"), timeout=120_000)
    before = _step(page)
    page.get_by_role("link", name="Home").click()
    page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=60000)
    page.wait_for_timeout(3000)  # time away from the lab, while the worker trains on
    page.get_by_role("link", name="Training lab").click()
    page.wait_for_selector('[data-testid="stProgress"]', timeout=60000)
    after = _step(page)
    assert after > before  # it kept training while we were away
    # the worker runs at a low priority: on a busy machine it waits its turn
    expect(progress).to_contain_text("finished: step 800 of 800", timeout=600_000)
    page.wait_for_selector("text=Model answers", timeout=30000)
    assert "62951413" in page.locator("text=Model answers").inner_text()  # 31415926 reversed
    expect(page.locator(".js-plotly-plot").nth(5)).to_be_attached()  # at least 6: loss, accuracy, one heatmap a head
    page.screenshot(path=str(ARTIFACTS / "training.png"))
    page.get_by_role("button", name="Save checkpoint").click()
    page.wait_for_selector("text=Saved as", timeout=60000)
    saved = page.locator('[data-testid="stAlertContentSuccess"]').inner_text()
    assert "reverse-encoder-" in saved and "checkpoints" in saved
    page.screenshot(path=str(ARTIFACTS / "training-saved.png"))
    page.get_by_role("button", name="Open it in the explorer").click()
    page.wait_for_url("**/explorer**", timeout=60000)
    page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=120000)
    assert page.locator('[data-testid="stSidebar"] textarea').input_value() == "31415926"
    page.screenshot(path=str(ARTIFACTS / "training-opened.png"))
