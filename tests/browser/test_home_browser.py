"""The home page in Chromium: it renders, a change of head redraws the heatmap, tokens show as typed."""
import numpy as np

from pw import ARTIFACTS, expect_figure, figure, nudge_slider, wait_heatmap


def test_home_renders_and_head_change_redraws(server, page):
    page.goto(server)
    wait_heatmap(page)
    first = figure(page)
    assert first["title"].endswith("layer 0 · head 0")
    assert first["x"][0] == "[CLS]" and "cat" in first["x"]
    z0 = np.array(first["z"])
    assert np.allclose(z0.sum(1), 1, atol=1e-3)
    nudge_slider(page, "Head", 2)
    second = expect_figure(page, title_ends="head 2")
    assert not np.allclose(np.array(second["z"]), z0)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)


def test_sidebar_text_is_captured_and_kept(server, page):
    page.goto(server)
    wait_heatmap(page)
    box = page.locator('[data-testid="stSidebar"] textarea')
    box.fill("Dogs bark loudly.")
    box.press("Control+Enter")
    fig = expect_figure(page, x=["[CLS]", "dogs", "bark", "loudly", ".", "[SEP]"])
    nudge_slider(page, "Layer", 1)
    expect_figure(page, title_has="layer 1")
    assert box.input_value() == "Dogs bark loudly."
    assert np.array(fig["z"]).shape == (6, 6)


def test_markup_in_tokens_is_shown_as_text(server, page):
    page.goto(server)
    wait_heatmap(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="scratch-seq2seq", exact=False).click()
    page.get_by_text("cross-attention", exact=True).click()
    fig = expect_figure(page, title_starts="cross-attention", y_has="&lt;bos&gt;")
    assert fig["x"][:3] == ["T", "h", "e"]
    labels = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    assert "<bos>" in labels  # drawn as the literal token, not swallowed as markup
    page.screenshot(path=str(ARTIFACTS / "seq2seq.png"), full_page=True)


def test_bad_path_shows_a_message_and_keeps_the_path(server, page):
    page.goto(server)
    wait_heatmap(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Your own", exact=False).click()
    path_box = page.locator('[data-testid="stSidebar"] input[aria-label="Folder or hub id"]')
    path_box.fill("/no/such/model")
    path_box.press("Enter")
    page.wait_for_selector('[data-testid="stAlert"]:has-text("There is no folder")', timeout=30000)
    assert path_box.input_value() == "/no/such/model"
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "bad-path.png"), full_page=True)
