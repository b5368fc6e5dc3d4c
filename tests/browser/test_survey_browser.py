"""The survey page in Chromium: open a survey, click a text of a head, land in the explorer on that head."""
from pw import ARTIFACTS, figure, settled, wait_heatmap

from attnviz.models.loading import load_model
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.run import run_survey


def test_clicking_a_text_opens_the_explorer_on_that_head(server, page, tmp_path):
    folder = tmp_path / "enc"
    run_survey(load_model("scratch-encoder", device="cpu"), open_corpus("builtin:20"), folder, batch_size=8,
               progress=False)
    most, _ = Survey(folder).texts_for_head(1, 2, "previous_token")
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.goto(server + "/survey")
    box = page.get_by_label("…or a survey folder")
    box.fill(str(folder))
    box.press("Enter")
    page.wait_for_selector('[data-testid="stNumberInput"] input', timeout=180000)
    for index, value in ((0, "1"), (1, "2")):  # the first two number inputs: the texts section's layer and head
        field = page.locator('[data-testid="stNumberInput"] input').nth(index)
        field.fill(value)
        field.press("Enter")
        settled(page)
    page.wait_for_selector(f"text=#{most['text_id'][0]} ·", timeout=120000)
    page.wait_for_selector(".js-plotly-plot >> nth=1", timeout=120000)  # the joint view, drawn last
    page.screenshot(path=str(ARTIFACTS / "survey.png"), full_page=True)
    page.get_by_role("button", name="Open in explorer").first.click()
    page.wait_for_selector("h1:has-text('Explorer')", timeout=120000)
    wait_heatmap(page)
    assert page.locator("[data-testid=\"stSidebar\"] textarea").input_value() == most["text"][0]
    fig = figure(page)
    assert fig["title"].endswith("layer 1 · head 2")
    page.screenshot(path=str(ARTIFACTS / "survey_to_explorer.png"))
