"""The measures and causal tools in Chromium at 1280×720, in English and 简体中文: the measure picker redraws the
heatmap with the measure and puts it in the link; the ablation grid appears on its button and a click on it opens
that head; compare's patching grid appears on its button with the heads that carry the difference. Screenshots in
artifacts/ (measures_*.png)."""
import time

import pytest
from apphelpers import link_query
from pw import ARTIFACTS, PLOT

from attnviz.app.state import compare, explorer, sidebar
from attnviz.i18n import translate

A, B = "The doctor said he would be late.", "The doctor said she would be late."


def _titles(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot'),
        gd => ((gd.layout && gd.layout.title && gd.layout.title.text) || '').replace(/<[^>]*>/g, '').replace(/\\s+/g, ' '))""")


def _wait_titles(page, predicate, timeout_s: float = 180) -> list[str]:
    deadline, last = time.time() + timeout_s, []
    while time.time() < deadline:
        try:
            last = _titles(page)
            if predicate(last):
                return last
        except Exception:  # a plot is being redrawn
            pass
        time.sleep(0.5)
    raise AssertionError(f"titles never matched; last seen: {last}")


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
    _wait_titles(projector, lambda t: t and t[0] == heading)
    projector.locator(f".st-key-{explorer.MEASURE} [data-baseweb='select']").click()
    projector.get_by_role("option", name=translate(lang, "norm"), exact=True).click()
    norm = translate(lang, "{measure} · {title}", measure=translate(lang, "norm"), title=heading)
    _wait_titles(projector, lambda t: t and t[0] == norm)
    badge = translate(lang, "agrees with the weights: ρ = {rho}", rho="")[:6]
    projector.get_by_text(badge).first.wait_for(timeout=30000)
    link = projector.locator('[data-testid="stCode"]').last.inner_text()
    assert f"{explorer.MEASURE.param}=norm" in link
    projector.screenshot(path=str(ARTIFACTS / f"measures_{lang}_picker.png"))
    # the agreement chart under the view, every head's badge at once
    projector.get_by_role("heading", name=translate(lang, "Does the {measure} measure agree with the weights?",
                                                    measure=translate(lang, "norm"))).scroll_into_view_if_needed()
    projector.wait_for_timeout(800)
    projector.screenshot(path=str(ARTIFACTS / f"measures_{lang}_agreement.png"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_ablation_grid_opens_a_head(server, projector, lang):
    projector.goto(f"{server}/explorer?" + link_query({sidebar.LANG: lang, sidebar.MODEL: "glassllm-en"}))
    _wait_titles(projector, lambda t: len(t) >= 2)  # the heatmap and direct logit attribution
    button = projector.get_by_role("button", name=translate(lang, "Ablate every head"))
    button.scroll_into_view_if_needed()
    button.click()
    starts = translate(lang, "Each head set to zero: change in {target}", target="")[:8]
    titles = _wait_titles(projector, lambda t: any(s.startswith(starts) for s in t))
    index = next(i for i, s in enumerate(titles) if s.startswith(starts))
    grid = projector.locator(PLOT).nth(index)
    grid.scroll_into_view_if_needed()
    projector.wait_for_timeout(800)
    projector.screenshot(path=str(ARTIFACTS / f"measures_{lang}_ablation.png"))
    spot = _cell_centre(projector, index, 3, 1, 4)
    projector.mouse.click(spot["x"], spot["y"])
    opened = translate(lang, "{kind} · layer {layer} · head {head}", kind=translate(lang, "self-attention"),
                       layer=3, head=1)
    _wait_titles(projector, lambda t: t and t[0] == opened)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_patching_grid(server, projector, lang):
    query = link_query({sidebar.LANG: lang, compare.pane("a", "model"): "glassllm-en",
                        compare.pane("b", "model"): "glassllm-en", compare.pane("a", "text"): A,
                        compare.pane("b", "text"): B})
    projector.goto(f"{server}/compare?{query}")
    _wait_titles(projector, lambda t: len(t) >= 4)
    button = projector.get_by_role("button", name=translate(lang, "Patch every head from A into B"))
    button.scroll_into_view_if_needed()
    button.click()
    starts = translate(lang, "Each head patched from A into B: share of the change in {target} it restores",
                       target="")[:8]
    titles = _wait_titles(projector, lambda t: any(s.startswith(starts) for s in t))
    grid = projector.locator(PLOT).nth(next(i for i, s in enumerate(titles) if s.startswith(starts)))
    grid.scroll_into_view_if_needed()
    carriers = translate(lang, "The heads that carry the difference: {heads}.", heads="")[:10]
    projector.get_by_text(carriers).first.wait_for(timeout=30000)
    projector.wait_for_timeout(800)
    projector.screenshot(path=str(ARTIFACTS / f"measures_{lang}_patching.png"))
    projector.get_by_text(carriers).first.scroll_into_view_if_needed()
    projector.wait_for_timeout(500)
    projector.screenshot(path=str(ARTIFACTS / f"measures_{lang}_patching_ranked.png"))
