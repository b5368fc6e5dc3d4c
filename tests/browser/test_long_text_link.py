"""A 20,000-word text: the link leaves it out and says so, the text downloads as a file, and that
file loads back through the sidebar (#19.4)."""
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from pw import ARTIFACTS, expect_figure, wait_heatmap


def test_a_long_text_travels_as_a_file_beside_its_link(server, page, tmp_path):
    words = " ".join(f"word{i % 50}" for i in range(20_000))
    page.goto(server + "/explorer")
    wait_heatmap(page)
    box = page.locator('[data-testid="stSidebar"] textarea')
    box.fill(words, timeout=120_000)
    box.press("Control+Enter")
    warning = page.locator('[data-testid="stAlert"]').filter(has_text="too long for a link")
    warning.wait_for(timeout=120_000)
    assert f"{len(words):,} characters" in warning.inner_text()
    link = page.locator('[data-testid="stCode"]').last.inner_text().strip()
    query = parse_qs(urlparse(link).query)
    assert "text" not in query and query["view"] == ["Heatmap"] and len(link) < 1000
    with page.expect_download() as download:
        page.get_by_role("button", name="The text as a file").click()
    saved = tmp_path / "text.txt"
    download.value.save_as(saved)
    assert saved.read_text(encoding="utf-8") == words
    page.screenshot(path=str(ARTIFACTS / "long-text-link.png"), full_page=True)
    # whoever opens the link loads the file: the text comes back, and so does its attention
    other = page.context.new_page()
    other.goto(link)
    wait_heatmap(other)
    other.locator('[data-testid="stSidebar"] [data-testid="stExpander"]').filter(
        has_text="Load the text from a file").click()
    other.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(str(saved))
    area = other.locator('[data-testid="stSidebar"] textarea')
    expect(area).to_have_value(words, timeout=60_000)
    expect_figure(other, rows=64)  # the explorer's 64-token window over the 512 tokens read
