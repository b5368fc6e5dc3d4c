"""Presentation mode at 1280×720 in both languages: the explorer's figure on the first screen, a way back that
covers nothing, and short Chinese y-axis titles upright."""
import pytest

from apphelpers import link_query
from attnviz.app.state import compare, explorer, lesson, sidebar
from attnviz.i18n import translate
from pw import ARTIFACTS, PLOT, settled

SCREEN_H = 720
# name -> (address, the link's values, the page's heading)
PAGES = {"explorer": ("explorer", {explorer.VIEW: "Heatmap"}, "Explorer"),
         "explorer_head_view": ("explorer", {explorer.VIEW: "Head view"}, "Explorer"),
         "lesson": ("lesson", {lesson.STEP: 2}, "One attention weight by hand"),
         "compare": ("compare", {compare.pane("a", "model"): "minilm", compare.pane("b", "model"): "glassllm-en"},
                     "Compare side by side"),
         "home": ("", {sidebar.MODEL: "minilm"}, "attnviz")}  # the home page's title is the app's name, in every language
FIRST_SCREEN = ("explorer", "explorer_head_view", "compare", "home")  # pages whose first figure must be on screen one


def _open(page, server: str, address: str, values: dict, lang: str, heading: str) -> None:
    page.goto(f"{server}/{address}?" + link_query({**values, sidebar.PRESENT: True, sidebar.LANG: lang}))
    page.get_by_role("heading", name=translate(lang, heading)).wait_for(timeout=120000)
    page.wait_for_selector(f"{PLOT} .main-svg", timeout=120000)
    settled(page)  # let the figures finish their transitions before measuring


def _overlaps(page, lang: str) -> list[str]:
    """Every element of the page (widget, text, figure) that the way back lies over."""
    button = page.get_by_role("button", name=translate(lang, "Leave presentation mode"))
    assert button.is_visible()
    return page.evaluate("""([b, leave]) => {
        const over = (r) => r.width > 0 && r.height > 0 && r.left < b.x + b.width && b.x < r.right
                            && r.top < b.y + b.height && b.y < r.bottom;
        const items = document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]');
        return Array.from(items).filter(el => !el.classList.contains('st-key-' + leave))
            .filter(el => Array.from(el.querySelectorAll('*')).some(c => over(c.getBoundingClientRect())))
            .map(el => el.className + ': ' + el.innerText.slice(0, 40));
    }""", [button.bounding_box(), sidebar.PRESENT_LEAVE])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_way_back_covers_nothing_and_the_explorer_figure_is_on_the_first_screen(server, projector, lang):
    for name, (address, values, heading) in PAGES.items():
        _open(projector, server, address, values, lang, heading)
        projector.screenshot(path=str(ARTIFACTS / f"present_{name}_{lang}.png"))
        assert _overlaps(projector, lang) == [], name
        if name in FIRST_SCREEN:  # the figure starts in the top part of the first screen, not halfway down
            box = projector.locator(PLOT).first.bounding_box()
            assert box["y"] < 330 and box["height"] > 400, (name, box)
            assert box["y"] + box["height"] * 0.6 < SCREEN_H, name  # most of it is on the first screen
        if name == "compare":  # its controls, folded into popovers, are all still there: pane A's text
            projector.get_by_role("button").filter(has_text="minilm ·").first.click()  # "Pane A: minilm · “The cat…”"
            text_a = projector.get_by_label(translate(lang, "Text {side}", side="A"))
            text_a.wait_for(timeout=30000)
            assert text_a.input_value().startswith("The cat sat")
            projector.screenshot(path=str(ARTIFACTS / f"present_compare_pane_a_{lang}.png"))
    # the text view's frame is as tall as its sentence: its caption follows right under it
    _open_text_view(projector, server, lang)
    said = translate(lang, "Head {head} of layer {layer}: each token shaded by how much the outlined token attends to it. Hover a token to choose it.", head=0, layer=0)
    caption = projector.get_by_text(said)
    caption.wait_for()
    # the frame takes its sentence's height a moment after it is drawn, and a rerun may lay the page out again:
    # frame and caption are read together, in one moment the page shows, once the caption follows the frame up
    placed = projector.wait_for_function("""(text) => {
        const frame = document.querySelector('[data-testid="stIFrame"]').getBoundingClientRect();
        const cap = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')].find(c => c.textContent.includes(text));
        if (!cap) return false;
        const c = cap.getBoundingClientRect();
        return c.top - frame.bottom < 40 && {frame: {y: frame.top, height: frame.height}, caption: {y: c.top}}; }""",
                                         arg=said, timeout=30000).json_value()
    frame, caption = placed["frame"], placed["caption"]
    assert 60 < frame["height"] < 140 and 0 <= caption["y"] - (frame["y"] + frame["height"]) < 40, (frame, caption)
    projector.screenshot(path=str(ARTIFACTS / f"present_text_view_{lang}.png"))


def _open_text_view(page, server: str, lang: str) -> None:
    page.goto(f"{server}/explorer?" + link_query({explorer.VIEW: "Text", sidebar.PRESENT: True, sidebar.LANG: lang}))
    page.get_by_role("heading", name=translate(lang, "Explorer")).wait_for(timeout=120000)
    page.frame_locator('[data-testid="stIFrame"]').locator(".attnviz-word").first.wait_for(timeout=120000)
    settled(page)  # the frame takes its content's height once drawn


def test_short_chinese_y_titles_stand_upright(server, projector):
    # the positional page's first table: its y axis is 位置 (position), written across, above the axis
    projector.goto(f"{server}/positions?" + link_query({sidebar.LANG: "zh", sidebar.PRESENT: True}))
    projector.get_by_role("heading", name=translate("zh", "Positional encodings")).wait_for(timeout=120000)
    projector.wait_for_selector(f"{PLOT} .annotation-text", timeout=120000)
    settled(projector)
    table = projector.locator(PLOT).first
    note = table.locator(".annotation-text", has_text="位置")
    assert note.count() == 1 and "rotate" not in (note.get_attribute("transform") or "")
    assert table.locator(".ytitle").count() == 0  # no rotated axis title beside it
    box = note.bounding_box()
    assert box["width"] > box["height"] and box["height"] >= 18, box  # across, not on its side; projector size
    table.scroll_into_view_if_needed()
    projector.screenshot(path=str(ARTIFACTS / "upright_y_title_plotly_zh.png"))
    # the compare page's statistics (altair): 熵 on the y axis
    _open(projector, server, "compare", {compare.pane("a", "model"): "minilm", compare.pane("b", "model"): "minilm"},
          "zh", "Compare side by side")
    chart = projector.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    settled(projector)
    chart.screenshot(path=str(ARTIFACTS / "upright_y_title_altair_zh.png"))
