"""AppTest of the survey page: a survey folder opened, heads ranked, heads found, texts opening the explorer."""
from __future__ import annotations

import numpy as np
import pytest

from apphelpers import assert_clean, decode, figures, open_page
from attnviz.models.loading import load_model
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.run import run_survey
from attnviz.app.state import explorer, sidebar, survey


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("surveys") / "enc"
    run_survey(load_model("scratch-encoder", device="cpu"), open_corpus("builtin:20"), out, batch_size=8,
               progress=False)
    return out


def test_page_ranks_heads_and_opens_a_text_in_the_explorer_on_that_head(folder):
    at = open_page(survey, {survey.PATH: str(folder), survey.STAT: "previous_token", survey.LAYER: 1, survey.HEAD: 2})
    assert_clean(at)
    want = Survey(folder).ranking("previous_token")
    bars = figures(at)[0]["data"][0]
    assert list(bars["x"][:3]) == [f"L{l} H{h}" for l, h in zip(want["layer"][:3], want["head"][:3])]
    assert np.allclose(decode(bars["y"])[:3], want["mean"][:3], atol=1e-6)
    assert any("scratch-encoder" in c.value for c in at.caption)
    texts = [t.value for t in at.text]
    most, _ = Survey(folder).texts_for_head(1, 2, "previous_token")
    assert texts[0].startswith(f"{most['value'][0]:.3f} · #{most['text_id'][0]} · ")
    joint = figures(at)[-1]
    assert {trace["name"] for trace in joint["data"]} == {"query", "key"}
    at.button(key=survey.open_button("most", most["text_id"][0])).click().run()
    assert_clean(at)
    assert at.session_state[sidebar.TEXT] == most["text"][0]
    assert (at.session_state[explorer.LAYER], at.session_state[explorer.HEAD]) == (1, 2)
    assert [t.value for t in at.title] == ["Explorer"]


def test_a_folder_that_is_not_a_survey_gets_a_message(tmp_path):
    at = open_page(survey, {survey.PATH: str(tmp_path)})
    assert_clean(at)
    assert any("is not a survey folder" in e.value for e in at.error)


def test_on_a_shared_server_only_surveys_in_the_configured_directory_open(folder, monkeypatch):
    from attnviz.core import settings

    monkeypatch.setenv("ATTNVIZ_SHARED", "1")
    monkeypatch.setenv("ATTNVIZ_SURVEY_DIR", str(folder.parent))
    settings.current.cache_clear()
    try:
        at = open_page(survey, {survey.LISTED: "enc"})
        assert_clean(at)
        assert not [w for w in at.text_input if w.key == survey.PATH]  # no path box: nothing else on disk opens
        assert at.selectbox(key=survey.LISTED).options == ["—", "enc"]
        assert any("scratch-encoder" in c.value for c in at.caption)
    finally:
        monkeypatch.delenv("ATTNVIZ_SHARED")
        settings.current.cache_clear()
