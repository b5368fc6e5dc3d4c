"""A teacher never leaves presentation mode (1280×720, English and 简体中文): on every page the page switcher, and on
pages that read the sidebar's text the model picker and the text box, are on the first screen; compare's two
heatmaps lie side by side on it; a lesson link opens the step it names; a Chinese page reads Chinese with zh-char."""
import re

import pytest
from playwright.sync_api import expect

from apphelpers import link_query
from attnviz.app.shell.navigation import PAGES
from attnviz.app.state import compare, explorer, home, lesson, positions, sidebar, worked_example
from attnviz.i18n import translate
from attnviz.lessons.steps import STEPS
from pw import ARTIFACTS, PLOT, edit_grid_cell, settled

SCREEN = {"width": 1280, "height": 720}
ZH_TEXT = "猫坐在垫子上，因为它累了。注意力机制是Transformer的核心。"
# the pages a teacher opens, by their state module; those that read the sidebar's text get its box in the bar
OPENED = [home, explorer, compare, worked_example, positions, lesson]


def _bar(page, lang: str, module) -> None:
    entry = PAGES[module.PAGE]
    switcher = page.get_by_role("button", name=translate(lang, entry.title), exact=False).first
    expect(switcher).to_be_in_viewport(timeout=120000)
    expect(page.get_by_role("button", name=translate(lang, "Leave presentation mode"))).to_be_in_viewport()
    model = page.locator(f".st-key-{sidebar.BAR_MODEL}")
    if entry.reads_sidebar:
        expect(model).to_be_in_viewport()
        expect(page.get_by_role("button").filter(has_text="The cat sat on the ma")).to_be_in_viewport()
    else:
        expect(model).to_have_count(0)  # compare's panes and the lesson's steps hold their own model and text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_teacher_bar_is_on_every_page(server, projector, lang):
    for module in OPENED:
        address = PAGES[module.PAGE].url_path
        projector.goto(f"{server}/{address}?" + link_query({sidebar.PRESENT: True, sidebar.LANG: lang}))
        expect(projector.locator(f"{PLOT} .main-svg").first).to_be_visible(timeout=120000)
        _bar(projector, lang, module)
        expect(projector.locator('[data-testid="stSidebar"]')).to_be_hidden()
        projector.screenshot(path=str(ARTIFACTS / f"classroom_bar_{module.PAGE}_{lang}.png"))
    # the page switcher (named after the page shown, the lesson) lists every page: one click, and the explorer
    # opens, still presenting
    projector.get_by_role("button", name=translate(lang, "Guided lesson")).first.click()
    projector.get_by_role("link", name=translate(lang, "Explorer")).click()
    expect(projector.get_by_role("heading", name=translate(lang, "Explorer"))).to_be_visible(timeout=60000)
    _bar(projector, lang, explorer)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_presented_side_by_side_on_the_first_screen(server, projector, lang):
    values = {compare.pane("a", "model"): "minilm", compare.pane("b", "model"): "glassllm-en",
              sidebar.PRESENT: True, sidebar.LANG: lang}
    projector.goto(f"{server}/compare?" + link_query(values))
    # the panes' figures sit in the page's columns; the comparison's own figures (full width, below) may be drawn
    # before them, so the panes are found by where they are, not by their order among the page's figures
    panes = projector.locator(f'[data-testid="stColumn"] {PLOT}')
    expect(panes.locator(".heatmaplayer")).to_have_count(2, timeout=120000)
    settled(projector)
    a, b = (panes.nth(i).bounding_box() for i in (0, 1))
    projector.screenshot(path=str(ARTIFACTS / f"classroom_compare_{lang}.png"))
    assert a["x"] + a["width"] <= b["x"] + 1 and abs(a["y"] - b["y"]) < 40, (a, b)  # side by side
    for box in (a, b):
        assert box["y"] + box["height"] <= SCREEN["height"] + 1 and box["width"] > 400, box  # whole, on screen one


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_step_link_opens_that_step_and_the_chinese_lesson_reads_chinese(server, projector, lang):
    projector.goto(f"{server}/lesson?" + link_query({lesson.STEP: 3, sidebar.LANG: lang}))
    expect(projector.get_by_text(translate(lang, "Step {n} of {total}", n=3, total=len(STEPS)))).to_be_visible(timeout=120000)
    real = STEPS.index("real_heads") + 1
    projector.goto(f"{server}/lesson?" + link_query({lesson.STEP: real, sidebar.LANG: lang, sidebar.PRESENT: True}))
    expect(projector.locator(f"{PLOT} .heatmaplayer")).to_be_visible(timeout=120000)
    settled(projector)  # a count of none, read once the run has drawn all it draws
    expect(projector.locator('[data-testid="stAlert"]')).to_have_count(0)  # no [UNK]: the page's model reads its text
    projector.screenshot(path=str(ARTIFACTS / f"classroom_real_heads_{lang}.png"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chinese_text_on_the_explorer(server, projector, lang):
    """zh-char on a 简体中文 page; on an English page MiniLM, and a note of the characters it cannot read."""
    projector.goto(f"{server}/explorer?" + link_query({sidebar.TEXT: ZH_TEXT, sidebar.LANG: lang}))
    expect(projector.locator(f"{PLOT} .heatmaplayer")).to_be_visible(timeout=120000)
    settled(projector)  # a count of none, read once the run has drawn all it draws
    warning = projector.locator('[data-testid="stAlert"]').filter(has_text="猫坐在垫")
    expect(warning).to_have_count(0 if lang == "zh" else 1)
    expect(projector.locator(f".st-key-{sidebar.MODEL}")).to_be_visible()
    expect(projector.locator('[data-testid="stSkeleton"]')).to_have_count(0)  # the page has finished drawing
    picker = projector.locator(f".st-key-{sidebar.MODEL}").get_by_role("combobox")
    expect(picker).to_have_value(re.compile("^zh-char" if lang == "zh" else "^minilm"))
    projector.screenshot(path=str(ARTIFACTS / f"classroom_explorer_chinese_text_{lang}.png"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bad_cell_is_said_as_a_teacher_reads_it(server, projector, lang):
    projector.goto(f"{server}/worked-example?" + link_query({sidebar.LANG: lang}))
    expect(projector.get_by_text(translate(lang, "One cell, worked out"))).to_be_visible(timeout=120000)
    projector.locator('[data-testid="stDataFrame"]').first.scroll_into_view_if_needed()
    edit_grid_cell(projector, 0, 0, 0, "abc")  # X, token "Transformer", d0
    where = translate(lang, "In {label}, row “{row}”, column {col}", label="X", row="Transformer", col="d0")
    said = translate(lang, "{where}: {message}. The results below use the last valid {label}.", where=where,
                     message=translate(lang, "{raw} is not a number", raw="'abc'"), label="X")
    alert = projector.locator('[data-testid="stAlert"]').filter(has_text="'abc'")
    expect(alert.locator("p")).to_have_text(said, timeout=30000)  # the words, not the icon
    alert.scroll_into_view_if_needed()
    projector.screenshot(path=str(ARTIFACTS / f"classroom_bad_cell_{lang}.png"))


def test_a_teacher_types_chinese_in_the_bar_and_zh_char_reads_it(server, projector):
    projector.goto(f"{server}/explorer?" + link_query({sidebar.PRESENT: True, sidebar.LANG: "zh"}))
    expect(projector.locator(f"{PLOT} .heatmaplayer")).to_be_visible(timeout=120000)
    projector.get_by_role("button").filter(has_text="The cat sat on the ma").click()
    box = projector.locator(f".st-key-{sidebar.BAR_TEXT} textarea")  # the bar's box (the hidden sidebar has its own)
    box.fill(ZH_TEXT)
    box.press("Control+Enter")
    model = projector.locator(f".st-key-{sidebar.BAR_MODEL}").get_by_role("combobox")
    expect(model).to_have_value("zh-char", timeout=120000)  # nobody chose a model: the Chinese page reads Chinese
    expect(projector.locator(f"{PLOT} .xtick text").filter(has_text="猫").first).to_be_visible(timeout=120000)
    settled(projector)  # a count of none, read once the run has drawn all it draws
    expect(projector.locator('[data-testid="stAlert"]')).to_have_count(0)
    projector.keyboard.press("Escape")
    projector.screenshot(path=str(ARTIFACTS / "classroom_bar_typed_chinese_zh.png"))
