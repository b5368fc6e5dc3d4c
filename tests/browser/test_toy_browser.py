"""The worked example in Chromium: a typed cell recomputes the page; text is flagged and kept."""
from playwright.sync_api import expect
from pw import ARTIFACTS, edit_grid_cell


# the worked cell's first line, q₀·k₀ = …, the first formula with a dot product in it
FORMULA = "[...document.querySelectorAll('.katex-display')].map(e => e.innerText).find(t => t.includes('⋅')) || ''"


def _cell_formula(page) -> str:
    return page.evaluate(f"() => {FORMULA}")


def test_editing_a_cell_recomputes_and_bad_text_is_flagged(server, page):
    page.set_viewport_size({"width": 1400, "height": 1400})
    page.goto(server + "/worked-example")
    page.wait_for_selector("text=One cell, worked out", timeout=120000)
    alerts = page.locator('[data-testid="stAlert"]')
    edit_grid_cell(page, 0, 0, 0, "abc")  # X, token "Transformer", d0
    page.wait_for_selector("text='abc' is not a number", timeout=30000)
    assert "In X, row “Transformer”, column d0: 'abc' is not a number." in alerts.first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "toy-bad-cell.png"))
    before = _cell_formula(page)
    edit_grid_cell(page, 0, 0, 0, "0.9")
    expect(page.locator("text=is not a number")).to_have_count(0, timeout=30_000)
    page.wait_for_function(f"(before) => ({FORMULA}) !== before", arg=before, timeout=30_000)
    # q0·k0 with X+PE row 0 = [0.9, 0.2, 0.5]: 0.81 + 0.04 + 0.25 = 1.1 (it was 0.54)
    formula = _cell_formula(page)
    assert "0.9" in formula and "1.1" in formula and "0.54" in before
    page.screenshot(path=str(ARTIFACTS / "toy.png"))
