"""The positional-encodings page in Chromium: every tab draws; rotary uses the model's own vectors."""
from playwright.sync_api import expect
from pw import ARTIFACTS, settled


def test_every_tab_draws(server, page):
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.goto(server + "/positions")
    page.wait_for_selector(".js-plotly-plot", timeout=120000)
    assert page.locator("text=Page not found").count() == 0
    page.wait_for_selector("text=largest error", timeout=60000)
    page.screenshot(path=str(ARTIFACTS / "positions-sinusoidal.png"))
    for tab, marker in (("Learned", "512 positions × 384"), ("What the model used", "captured rows equal"),
                        ("Effect on attention", "Largest change in this head"), ("Rotary (RoPE)", "q·k against relative")):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_selector(f"text={marker}", timeout=60000)
        panel = page.locator('[role="tabpanel"]:visible')
        # the marker is the tab's text: its figures may be drawn a moment after it shows
        expect(panel.locator(".js-plotly-plot").first).to_be_attached()
        settled(page)
        if tab == "What the model used":  # one extreme cell no longer sets the colours: clipped, and the bar says so
            bar = panel.locator(".js-plotly-plot").first.evaluate(
                "gd => ({zmax: gd._fullData[0].zmax, "
                " top: Math.max(...Array.from(gd._fullData[0].z, r => Math.max(...Array.from(r, Math.abs)))),"
                " title: gd._fullData[0].colorbar.title.text})")
            assert bar["zmax"] < bar["top"] and bar["title"].startswith("colours clipped")
        page.screenshot(path=str(ARTIFACTS / f"positions-{tab.split()[0].lower()}.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
