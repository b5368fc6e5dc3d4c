"""The package's own messages in Chromium on a Chinese page: a folder that is not there, and the model facts."""
from attnviz.i18n import translate
from apphelpers import link_query
from pw import ARTIFACTS, settled

from attnviz.app.state import sidebar


def test_a_missing_folder_and_the_model_facts_in_chinese(server, projector):
    projector.goto(f"{server}/explorer?" + link_query({sidebar.LANG: "zh", sidebar.MODEL: "custom",
                                                      sidebar.PATH: "/no/such/folder"}))
    said = translate("zh", "There is no folder at `{folder}`. Check the path, or pick one of the offline models.", folder="/no/such/folder")
    alert = projector.locator('[data-testid="stAlert"]').filter(has_text="处没有文件夹")
    alert.first.wait_for(timeout=120000)
    assert alert.first.inner_text().strip().endswith(said.replace("`", ""))  # the path in a code span, after the icon's name
    assert alert.first.locator("code").inner_text() == "/no/such/folder"
    assert "There is no folder" not in projector.locator('[data-testid="stMain"]').inner_text()
    projector.screenshot(path=str(ARTIFACTS / "explorer_zh_missing_folder.png"))

    projector.goto(f"{server}/?" + link_query({sidebar.LANG: "zh", sidebar.MODEL: "minilm"}))
    facts = projector.locator("table").filter(has_text=translate("zh", "Architecture"))
    facts.first.wait_for(timeout=120000)
    text = facts.first.inner_text()
    projector.wait_for_selector(".js-plotly-plot .main-svg", timeout=120000)
    settled(projector)
    assert "· Hugging Face ·" in projector.locator('[data-testid="stMain"]').inner_text()
    assert translate("zh", "encoder") in text and translate("zh", "learned", context="model facts") in text
    projector.screenshot(path=str(ARTIFACTS / "home_zh_facts.png"))
