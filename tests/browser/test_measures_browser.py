"""The measures and causal tools in Chromium at 1280×720, in English and 简体中文: the measure picker redraws the
heatmap with the measure and puts it in the link; the ablation grid appears on its button and a click on it opens
that head; compare's patching grid appears on its button with the heads that carry the difference. Screenshots in
artifacts/ (measures_*.png)."""
import pytest
from playwright.sync_api import expect
from apphelpers import link_query
from pw import ARTIFACTS, PLOT, expect_titles, settled

from attnviz.app.state import compare, explorer, sidebar
from attnviz.i18n import translate

A, B = "The doctor said he would be late.", "The doctor said she would be late."
# one text a language: the server shows an ablation or a patching it already holds without a click, so the second
# language's test must ask for one of its own
TEXTS = {"en": (A, B), "zh": ("The nurse said he would be late.", "The nurse said she would be late.")}


def opening(lang: str, message: str, blank: str) -> str:
    """A message's words before its placeholder `blank`, in the page's language (where the data starts)."""
    return translate(lang, message, **{blank: "\x00"}).split("\x00")[0]


def _cell_centre(page, index: int, layer: int, head: int, heads: int) -> dict:
    """Where a head grid's cell (its clickable marker) is on the page."""
    return page.evaluate("""([i, n]) => { const gd = document.querySelectorAll('.js-plotly-plot')[i];
        const t = gd._fullData[1]; const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const r = gd.getBoundingClientRect();
        return {x: r.left + xa._offset + xa.d2p(t.x[n]), y: r.top + ya._offset + ya.d2p(t.y[n])}; }""",
                         [index, layer * heads + head])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_measure_picker_redraws_the_heatmap(server, projector, lang):
    projector.goto(f"{server}/explorer?" + link_query({sidebar.LANG: lang, explorer.LAYER: 2, explorer.HEAD: 4}))
    heading = translate(lang, "{kind} · layer {layer} · head {head}", kind=translate(lang, "self-attention"),
                        layer=2, head=4)
    expect_titles(projector, ends=[heading])
    projector.locator(f".st-key-{explorer.MEASURE}").get_by_role("combobox").click()
    projector.get_by_role("option", name=translate(lang, "norm"), exact=True).click()
    norm = translate(lang, "{measure} · {title}", measure=translate(lang, "norm"), title=heading)
    expect_titles(projector, ends=[norm])
    badge = opening(lang, "agrees with the weights: ρ = {rho}", "rho")
    projector.get_by_text(badge).first.wait_for(timeout=30000)
    expect(projector.locator('[data-testid="stCode"]').last).to_contain_text(f"{explorer.MEASURE.param}=norm")
    projector.screenshot(path=str(ARTIFACTS / f"measures_{lang}_picker.png"))
    # the agreement chart under the view, every head's badge at once
    projector.get_by_role("heading", name=translate(lang, "Does the {measure} measure agree with the weights?",
                                                    measure=translate(lang, "norm"))).scroll_into_view_if_needed()
    settled(projector)
    projector.screenshot(path=str(ARTIFACTS / f"measures_{lang}_agreement.png"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_ablation_grid_opens_a_head(server, projector, lang):
    projector.goto(f"{server}/explorer?" + link_query({sidebar.LANG: lang, sidebar.MODEL: "glassllm-en",
                                                       sidebar.TEXT: TEXTS[lang][0]}))
    expect_titles(projector, at_least=2)  # the heatmap and direct logit attribution
    button = projector.get_by_role("button", name=translate(lang, "Ablate every head"))
    button.scroll_into_view_if_needed()
    button.click()
    starts = opening(lang, "Each head set to zero: change in {target}", "target")
    expect_titles(projector, starts=starts)
    settled(projector)  # every figure drawn: one drawn late may come before the grid among the page's figures
    index = next(i for i, s in enumerate(expect_titles(projector, starts=starts)) if s.startswith(starts))
    grid = projector.locator(PLOT).nth(index)
    grid.scroll_into_view_if_needed()
    settled(projector)
    projector.screenshot(path=str(ARTIFACTS / f"measures_{lang}_ablation.png"))
    spot = _cell_centre(projector, index, 3, 1, 4)
    projector.mouse.click(spot["x"], spot["y"])
    opened = translate(lang, "{kind} · layer {layer} · head {head}", kind=translate(lang, "self-attention"),
                       layer=3, head=1)
    expect_titles(projector, ends=[opened])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_patching_grid(server, projector, lang):
    query = link_query({sidebar.LANG: lang, compare.pane("a", "model"): "glassllm-en",
                        compare.pane("b", "model"): "glassllm-en", compare.pane("a", "text"): TEXTS[lang][0],
                        compare.pane("b", "text"): TEXTS[lang][1]})
    projector.goto(f"{server}/compare?{query}")
    expect_titles(projector, at_least=4)
    button = projector.get_by_role("button", name=translate(lang, "Patch every head from A into B"))
    button.scroll_into_view_if_needed()
    button.click()
    starts = opening(lang, "Each head patched from A into B: share of the change in {target} it restores", "target")
    expect_titles(projector, starts=starts)
    settled(projector)  # every figure drawn: one drawn late may come before the grid among the page's figures
    titles = expect_titles(projector, starts=starts)
    grid = projector.locator(PLOT).nth(next(i for i, s in enumerate(titles) if s.startswith(starts)))
    grid.scroll_into_view_if_needed()
    carriers = opening(lang, "The heads that carry the difference: {heads}.", "heads")
    projector.get_by_text(carriers).first.wait_for(timeout=30000)
    settled(projector)
    projector.screenshot(path=str(ARTIFACTS / f"measures_{lang}_patching.png"))
    projector.get_by_text(carriers).first.scroll_into_view_if_needed()
    settled(projector)
    projector.screenshot(path=str(ARTIFACTS / f"measures_{lang}_patching_ranked.png"))
