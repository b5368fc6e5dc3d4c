"""The lesson in Chromium at 1280×720 in presentation mode: every step, both languages, and the arrow keys."""
import pytest
from playwright.sync_api import expect

from attnviz.i18n import translate
from attnviz.lessons.steps import STEP_TITLES, STEPS
from apphelpers import link_query
from pw import ARTIFACTS, settled

from attnviz.app.state import lesson, sidebar


def _wait_step(page, lang: str, step: int) -> None:
    title = translate(lang, STEP_TITLES[STEPS[step]])
    page.get_by_role("heading", name=title).wait_for(timeout=120000)
    figure = "iframe[srcdoc*='attnviz-word']" if STEPS[step] == "words" else ".js-plotly-plot .main-svg"
    page.wait_for_selector(figure, timeout=120000)
    settled(page)  # let the figure finish its transition before the screenshot


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_step_presented_at_1280x720(server, projector, lang):
    for step in range(len(STEPS)):
        projector.goto(f"{server}/lesson?" + link_query({lesson.STEP: step + 1, sidebar.PRESENT: True, sidebar.LANG: lang}))
        _wait_step(projector, lang, step)
        expect(projector.locator('[data-testid="stSidebar"]')).to_be_hidden()
        expect(projector.get_by_role("button", name=translate(lang, "Leave presentation mode"))).to_be_visible()
        projector.screenshot(path=str(ARTIFACTS / f"lesson_{lang}_{step}_{STEPS[step]}.png"))


def test_arrow_keys_step_through(server, projector):
    projector.goto(f"{server}/lesson?{link_query({lesson.STEP: 3})}")  # "Step 3 of 9"
    _wait_step(projector, "en", 2)
    # the keys' handler comes from a frame's script, which runs once the frame has loaded (settled() sees only its size)
    projector.wait_for_function("() => !!document.attnvizArrows", timeout=60000)
    projector.get_by_role("heading", name=translate("en", "Scaling by √d_k and the softmax")).click()
    projector.keyboard.press("ArrowRight")
    _wait_step(projector, "en", 3)
    projector.keyboard.press("ArrowLeft")
    projector.keyboard.press("ArrowLeft")  # pressed while the first one's run goes on: kept, not folded into it
    _wait_step(projector, "en", 1)
    for _ in range(3):
        projector.keyboard.press("ArrowRight")
    _wait_step(projector, "en", 4)
    expect(projector.get_by_text(translate("en", "Step {n} of {total}", n=5, total=len(STEPS)))).to_be_visible()


def test_home_in_chinese_and_presented(server, projector):
    projector.goto(f"{server}/?{link_query({sidebar.LANG: 'zh'})}")
    projector.get_by_text(translate("zh", "See what attention does inside a Transformer. Pick a model and type a text in the sidebar.")).wait_for(timeout=120000)
    projector.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=120000)
    expect(projector.get_by_text(translate("zh", "Model and text"))).to_be_visible()
    projector.screenshot(path=str(ARTIFACTS / "home_zh.png"))
    projector.get_by_text(translate("zh", "Presentation mode")).click()
    projector.get_by_role("button", name=translate("zh", "Leave presentation mode")).wait_for(timeout=60000)
    settled(projector)
    expect(projector.locator('[data-testid="stSidebar"]')).to_be_hidden()
    projector.screenshot(path=str(ARTIFACTS / "home_zh_presented.png"))
    projector.get_by_role("button", name=translate("zh", "Leave presentation mode")).click()
    projector.locator('[data-testid="stSidebar"]').wait_for(state="visible", timeout=60000)
