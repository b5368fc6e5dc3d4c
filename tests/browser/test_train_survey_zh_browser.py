"""The training lab and the survey in Chromium at 1280×720, in 简体中文, on a page and presented: screenshots to look at."""
import pytest
from playwright.sync_api import expect

from attnviz.i18n import translate
from attnviz.models.loading import load_model
from attnviz.survey.corpus import open_corpus
from attnviz.survey.run import run_survey
from apphelpers import link_query
from pw import ARTIFACTS, settled

from attnviz.app.state import sidebar


def _check_presenting(page, present: bool) -> None:
    """Presented: no sidebar, and the way back in Chinese; otherwise the sidebar (in Chinese)."""
    if present:
        page.get_by_role("button", name=translate("zh", "Leave presentation mode")).wait_for(timeout=60000)
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    else:
        page.get_by_text(translate("zh", "Model and text")).wait_for(timeout=60000)


def _screens(page, name: str) -> None:
    """The page as a whole, then each figure scrolled into view: what a projector shows, one screen at a time."""
    settled(page)  # let the figures finish drawing
    page.screenshot(path=str(ARTIFACTS / f"{name}_full.png"), full_page=True)
    plots = page.locator(".js-plotly-plot")
    for i in range(min(plots.count(), 6)):
        plots.nth(i).scroll_into_view_if_needed()
        settled(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}_{i}.png"))


@pytest.mark.parametrize("present", [False, True])  # on a page (four heads a row) and presented (two a row)
def test_training_lab_in_chinese(server, projector, present):
    projector.goto(f"{server}/training?" + link_query({sidebar.LANG: "zh", sidebar.PRESENT: present or None}))
    projector.get_by_role("heading", name=translate("zh", "Training lab")).wait_for(timeout=120000)
    _check_presenting(projector, present)
    steps = projector.get_by_role("spinbutton", name=translate("zh", "Steps (0: task default)"))
    steps.fill("60")
    steps.press("Enter")
    projector.get_by_role("button", name=translate("zh", "Start training")).click()
    finished = translate("zh", "finished")
    projector.wait_for_function(
        "(w) => (document.querySelector('[data-testid=\"stProgress\"]') || {}).innerText?.startsWith(w)",
        arg=finished, timeout=300000)
    projector.get_by_text(translate("zh", "Model answers {answer}", answer="")).first.wait_for(timeout=60000)
    settled(projector)  # the run that follows the job's end redraws the page
    assert projector.locator(".js-plotly-plot").count() >= 6  # loss, accuracy, four heads
    _screens(projector, f"training_zh{'_presented' if present else ''}")


@pytest.mark.parametrize("present", [False, True])
def test_survey_in_chinese(server, projector, tmp_path, present):
    folder = tmp_path / "enc"
    run_survey(load_model("scratch-encoder", device="cpu"), open_corpus("builtin:20"), folder, batch_size=8,
               progress=False)
    projector.goto(f"{server}/survey?" + link_query({sidebar.LANG: "zh", sidebar.PRESENT: present or None}))
    projector.get_by_role("heading", name=translate("zh", "Survey")).wait_for(timeout=120000)
    _check_presenting(projector, present)
    box = projector.get_by_label(translate("zh", "…or a survey folder"))
    box.fill(str(folder))
    box.press("Enter")
    projector.get_by_role("heading", name=translate("zh", "Queries and keys of one head, over many tokens")).wait_for(timeout=180000)
    projector.wait_for_selector(".js-plotly-plot >> nth=1", timeout=120000)
    expect(projector.get_by_text(translate("zh", "attend to the previous token")).first).to_be_visible()
    _screens(projector, f"survey_zh{'_presented' if present else ''}")
    for key, heading in (("find", "Find heads that…"), ("texts_title", "Texts where one head does it most and least")):
        # the sections without a figure: tables and texts
        projector.get_by_role("heading", name=translate("zh", heading)).scroll_into_view_if_needed()
        settled(projector)
        projector.screenshot(path=str(ARTIFACTS / f"survey_zh{'_presented' if present else ''}_{key}.png"))
