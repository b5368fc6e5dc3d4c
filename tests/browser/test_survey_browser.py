"""The survey page in Chromium: open a survey, click a text of a head, land in the explorer on that head."""
from playwright.sync_api import expect
from pw import ARTIFACTS, expect_figure, settled, wait_heatmap

from attnviz.models.loading import load_model
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.run import run_survey


def test_clicking_a_text_opens_the_explorer_on_that_head(server, page, tmp_path):
    folder = tmp_path / "enc"
    run_survey(load_model("scratch-encoder", device="cpu"), open_corpus("builtin:20"), folder, batch_size=8,
               progress=False)
    survey = Survey(folder)
    layer_set, _ = survey.texts_for_head(1, 0, "previous_token")  # what the texts show once the layer is 1
    most, _ = survey.texts_for_head(1, 2, "previous_token")
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.goto(server + "/survey")
    box = page.get_by_label("…or a survey folder")
    box.fill(str(folder))
    box.press("Enter")
    page.wait_for_selector('[data-testid="stNumberInput"] input', timeout=180000)
    settled(page, timeout_s=120)  # the survey's first run over: a number typed while it redraws the inputs is lost
    first_row = page.locator('[data-testid="stText"]').first  # the texts section's top text of the head shown
    for index, value, top in ((0, "1", layer_set), (1, "2", most)):  # the texts section's layer, then its head
        field = page.locator('[data-testid="stNumberInput"] input').nth(index)
        field.fill(value)
        field.press("Enter")
        # the run this Enter starts has drawn that head's texts: settled() alone may look before the run begins, and
        # a text id alone is often in the lists of the head shown before (20 texts, 10 listed)
        expect(first_row).to_contain_text(f"{top['value'].iloc[0]:.3f} · #{top['text_id'].iloc[0]} · ", timeout=120000)
        settled(page)  # the run ended: a button's click calls back with the arguments of the run that drew it
    page.wait_for_selector(".js-plotly-plot >> nth=1", timeout=120000)  # the joint view, drawn last
    page.screenshot(path=str(ARTIFACTS / "survey.png"), full_page=True)
    page.get_by_role("button", name="Open in explorer").first.click()
    page.wait_for_selector("h1:has-text('Explorer')", timeout=120000)
    wait_heatmap(page)
    assert page.locator("[data-testid=\"stSidebar\"] textarea").input_value() == most["text"][0]
    expect_figure(page, title_ends="layer 1 · head 2")
    page.screenshot(path=str(ARTIFACTS / "survey_to_explorer.png"))
