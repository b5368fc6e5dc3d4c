"""Head types on the packaged MiniLM: over the built-in corpus its layer 0 head 2 is a previous-token head, on
one text as in a survey; a survey folder written before head types still opens and gives what it can."""
from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from attnviz.analysis.headtypes.census import (
    INDUCTION_NOT_MEASURED,
    INDUCTION_ON_TEXT,
    census,
    census_of_capture,
)
from attnviz.capture.api import capture
from attnviz.survey.census import INDUCTION_FROM_TEXTS, survey_census, texts_for_type
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.rows import SURVEY_PROBES, TYPE_COLUMNS
from attnviz.survey.run import run_survey

N_TEXTS = 10


@pytest.fixture(scope="module")
def folder(minilm, tmp_path_factory):
    out = tmp_path_factory.mktemp("survey") / "minilm"
    run_survey(minilm, open_corpus(f"builtin:{N_TEXTS}"), out, batch_size=5, progress=False)
    return out


def test_layer_0_head_2_is_previous_token_over_the_builtin_corpus(folder):
    c = survey_census(folder)
    assert c.texts == N_TEXTS and c.notes == []
    assert c.assigned[0][2] == "previous_token"
    assert c.heads_of("previous_token")[0] == (0, 2)
    assert c.scores["previous_token"][0, 2] > 0.8 and c.counts["previous_token"][0, 2] == N_TEXTS
    assert c.spread["previous_token"][0, 2] < 0.1  # it does so on every text: a narrow spread
    # the median over texts is the median of the per-text rows the survey stored
    stored = Survey(folder).sql("SELECT type_previous_token AS v FROM stats WHERE layer = 0 AND head = 2")["v"]
    assert c.scores["previous_token"][0, 2] == pytest.approx(float(np.median(stored)), abs=1e-6)
    assert c.counts["induction"][0, 0] == SURVEY_PROBES  # one probe with each of the first 8 texts
    out = json.loads(json.dumps(c.to_json()))
    assert out["assigned"][0][2] == "previous_token" and len(out["scores"]["broad"]) == 6
    most, least = texts_for_type(Survey(folder), 0, 2, "previous_token", n=3)
    assert len(most) == 3 and most["value"].is_monotonic_decreasing and most["value"].min() >= least["value"].max()


def test_one_text_census_agrees(minilm):
    text = "The cat sat on the mat because it was warm, and the dog sat on the rug."
    c = census(minilm, text)
    assert c.assigned[0][2] == "previous_token"
    eager, qk = (census_of_capture(capture(minilm, text, mode=mode)) for mode in ("eager", "qk"))
    for name in eager.scores:  # the same scores whether the weights were stored or recomputed from q and k
        assert np.allclose(eager.scores[name], qk.scores[name], atol=1e-5, equal_nan=True), name
    assert c.counts["induction"][0, 0] == 4 and np.all(c.scores["induction"] < 0.4)  # an encoder: no induction
    runs = c.spread["induction"]
    assert runs.shape == (6, 12) and np.all(runs >= 0)
    on_text = census(minilm, text, induction="text")  # "sat on the" repeats: measured on that run
    assert on_text.notes == [INDUCTION_ON_TEXT] and on_text.scores["induction"].shape == (6, 12)
    none = census(minilm, "One two three.", induction="text")
    assert none.notes == [INDUCTION_NOT_MEASURED] and "induction" not in none.scores


def test_a_survey_written_before_head_types_still_opens(folder, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    for item in folder.iterdir():  # copy, then take away what older surveys did not write
        if item.is_dir() and item.name != "probes":
            (old / item.name).mkdir()
            for f in item.glob("*.parquet"):
                table = pq.read_table(f)
                if item.name == "stats":
                    table = table.drop([c for c in table.column_names if c.startswith("type_")])
                pq.write_table(table, old / item.name / f.name)
        elif item.is_file():
            (old / item.name).write_bytes(item.read_bytes())
    s = Survey(old)
    assert not s.has_probes and "type_local" not in s.columns()
    assert len(s.ranking("previous_token")) == 72
    c = survey_census(s)
    assert INDUCTION_FROM_TEXTS in c.notes and "local" in c.notes[1]
    assert np.isnan(c.scores["local"]).all() and c.assigned[0][2] != "previous_token"  # not measured there
    assert c.scores["first_token"][1, 11] == pytest.approx(survey_census(folder).scores["first_token"][1, 11])
    assert TYPE_COLUMNS["first_token"] == "first_token"  # the sink type reads the column old surveys have
