"""AppTest of heads on the survey page: a ranked head's bar fills the boxes of "Texts where one head does it most"
(which list its texts), and the survey's head-type census is the library's (survey_census), with a head's card
whose texts open the explorer on that head."""
from __future__ import annotations

import numpy as np
import pytest

from apphelpers import assert_clean, decode, figures, open_page

from attnviz.figures import census as cf
from attnviz.models.loading import load_model
from attnviz.survey.census import survey_census, texts_for_type
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


def _census_figure(at) -> dict:
    found = [f for f in figures(at) if "Head types of" in f["layout"].get("title", {}).get("text", "")]
    assert len(found) == 1
    return found[0]


def test_a_ranked_heads_bar_fills_the_head_boxes_and_lists_its_texts(folder):
    at = open_page(survey, {survey.PATH: str(folder), survey.STAT: "entropy"})
    assert_clean(at)
    assert (at.number_input(key=survey.LAYER).value, at.number_input(key=survey.HEAD).value) == (0, 0)
    at.session_state[survey.RANK_CHART] = {"selection": {"points": [{"customdata": [1, 2]}]}}
    at.run()
    assert_clean(at)
    assert (at.number_input(key=survey.LAYER).value, at.number_input(key=survey.HEAD).value) == (1, 2)
    assert at.selectbox(key=survey.TEXTS_STAT).value == "entropy"  # the ranking's statistic
    most, least = Survey(folder).texts_for_head(1, 2, "entropy")
    shown = [t.value for t in at.text]
    assert shown[:len(most)] == [f"{r.value:.3f} · #{r.text_id} · {r.text}" for r in most.itertuples()]
    assert shown[len(most):len(most) + len(least)] == [f"{r.value:.3f} · #{r.text_id} · {r.text}"
                                                       for r in least.itertuples()]
    at.number_input(key=survey.HEAD).set_value(3).run()  # the click opened once: the box is the person's again
    assert at.number_input(key=survey.HEAD).value == 3


def test_the_surveys_census_is_the_librarys_and_a_heads_card_opens_its_texts(folder):
    measured = survey_census(folder)
    at = open_page(survey, {survey.PATH: str(folder)})
    assert_clean(at)
    drawn, made = _census_figure(at), cf.census_figure(measured)
    assert np.array_equal(decode(drawn["data"][0]["z"]), np.asarray(made.data[0].z))
    assert list(drawn["data"][1]["hovertext"]) == list(made.data[1].hovertext)  # medians, IQR and counts
    assert drawn["layout"]["title"]["text"] == f"Head types of scratch-encoder over {measured.texts} texts (medians)"
    at.session_state[survey.CENSUS_CHART] = {"selection": {"points": [{"customdata": [1, 3]}]}}
    at.run()
    assert_clean(at)
    assert "**Layer 1, head 3** (click a head above to open its card)" in [m.value for m in at.markdown]
    card = [f for f in figures(at) if f["layout"].get("title", {}).get("text", "").startswith("layer 1 · head 3")]
    assert len(card) == 1
    assert np.allclose(decode(card[0]["data"][0]["x"]), np.asarray(cf.head_card(measured, 1, 3).data[0].x))
    given = measured.assigned[1][3] or "previous_token"
    chosen = at.selectbox(key=survey.CARD_TYPE)
    assert chosen.value == (given if given in chosen.options else chosen.options[0])
    most, _ = texts_for_type(Survey(folder), 1, 3, chosen.value)
    assert [t.value for t in at.text][-len(most):] == [f"{r.value:.3f} · #{r.text_id} · {r.text}"
                                                       for r in most.itertuples()]
    at.button(key=survey.open_button("card", most["text_id"][0])).click().run()
    assert_clean(at)
    assert [t.value for t in at.title] == ["Explorer"]
    assert at.session_state[sidebar.TEXT] == most["text"][0]
    assert (at.session_state[explorer.LAYER], at.session_state[explorer.HEAD]) == (1, 3)


def test_a_threshold_moved_recolours_the_surveys_census(folder):
    measured = survey_census(folder)
    at = open_page(survey, {survey.PATH: str(folder)})
    at.slider(key=survey.threshold("broad")).set_value(0.9).run()
    assert_clean(at)
    moved = measured.with_thresholds({"broad": 0.9})
    assert np.array_equal(decode(_census_figure(at)["data"][0]["z"]), np.asarray(cf.census_figure(moved).data[0].z))
