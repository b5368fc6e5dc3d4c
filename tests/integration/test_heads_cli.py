"""attnviz heads: the census of a text or of a survey folder, as JSON equal to the library's and as a table;
attnviz compare --json says what changed, as head_changes does."""
from __future__ import annotations

import json

import pytest

from attnviz.analysis.compare import compare
from attnviz.analysis.head_changes import head_changes
from attnviz.analysis.headtypes.census import census
from attnviz.capture.api import capture
from attnviz.cli import main
from attnviz.models.loading import load_model
from attnviz.figures.census import head_card, head_texts
from attnviz.survey.census import survey_census, texts_for_type
from attnviz.survey.query import Survey
from attnviz.survey.corpus import open_corpus
from attnviz.survey.run import run_survey

TEXT = "abcabcab"  # a character model's text with a repeated run (its own induction probe)
HE, SHE = "The doctor said he would be late.", "The doctor said she would be late."


def as_json(obj) -> dict:
    return json.loads(json.dumps(obj, ensure_ascii=False))


def printed(capsys, argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def decoder():
    return load_model("scratch-decoder", device="cpu")


def test_the_json_is_the_librarys_census(decoder, capsys):
    out = printed(capsys, ["heads", "scratch-decoder", TEXT, "--json", "--device", "cpu"])
    assert out == as_json(census(decoder, TEXT).to_json())
    assert out["layers"] == 2 and len(out["scores"]["previous_token"]) == 2 and len(out["assigned"][0]) == 4
    assert set(out["scores"]) == {"induction", "previous_token", "duplicate_token", "first_token", "delimiter",
                                  "local", "broad", "offset"}
    assert out["definitions"]["induction"]["source"].startswith("Olsson et al. 2022")


def test_thresholds_and_the_texts_own_induction(decoder, capsys):
    argv = ["heads", "scratch-decoder", TEXT, "--json", "--device", "cpu", "--induction", "text",
            "--threshold", "broad=0.5", "--threshold", "previous_token=0.9"]
    out = printed(capsys, argv)
    want = census(decoder, TEXT, {"broad": 0.5, "previous_token": 0.9}, induction="text")
    assert out == as_json(want.to_json())
    assert out["thresholds"]["broad"] == 0.5 and out["notes"] == [
        "The induction score is measured on this text's own repeated run rather than on repeated random tokens."]


def test_bad_thresholds_and_arguments_are_messages(capsys):
    assert main(["heads", "scratch-decoder", TEXT, "--threshold", "sink=0.3"]) == 2
    assert "There is no head type called 'sink'" in capsys.readouterr().err
    assert main(["heads", "scratch-decoder", TEXT, "--threshold", "local=1"]) == 2
    assert "must be at least 0 and below 1, not 1.0" in capsys.readouterr().err
    assert main(["heads", "scratch-decoder", TEXT, "--threshold", "local"]) == 2
    assert "TYPE=VALUE" in capsys.readouterr().err
    assert main(["heads", "scratch-decoder"]) == 2
    assert "give MODEL and TEXT" in capsys.readouterr().err
    assert main(["heads", "scratch-decoder", TEXT, "--survey", "x"]) == 2
    assert "not both" in capsys.readouterr().err


def test_the_table_names_minilms_previous_token_head(capsys):
    assert main(["heads", "minilm", "The cat sat on the mat, and the dog sat on the rug.", "--device", "cpu"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "all-MiniLM-L6-v2 on 'The cat sat on the mat, and the dog sat on the rug.': 6 layers × 12 heads"
    assert out[1].split() == [f"h{h}" for h in range(12)]
    assert out[2].split()[0] == "L0" and out[2].split()[3] == "prev"  # layer 0 head 2
    assert any(line.startswith("types: ") and "prev = previous-token" in line for line in out)


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    folder = tmp_path_factory.mktemp("survey") / "encoder"
    run_survey(load_model("scratch-encoder", device="cpu"), open_corpus("builtin:6"), folder, batch_size=3,
               progress=False)
    return folder


def test_a_survey_folders_robust_census(survey, capsys):
    out = printed(capsys, ["heads", "--survey", str(survey), "--json", "--threshold", "broad=0.6"])
    want = survey_census(survey, {"broad": 0.6})
    assert out == as_json(want.to_json())
    assert out["texts"] == 6 and set(out["spread"]) == set(out["scores"]) and set(out["counts"]) == set(out["scores"])
    assert out["counts"]["previous_token"][0][0] == 6
    assert main(["heads", "--survey", str(survey)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{want.model} over 6 texts of {survey} (medians): 2 layers × 4 heads")


def test_a_head_cards_texts_come_from_the_survey(survey):
    with Survey(survey) as s:
        c = survey_census(s)
        most, least = texts_for_type(s, 1, 2, "broad", n=2)
    shown = head_texts(most, lang="zh")
    assert list(shown.columns) == ["text_id", "文本", "得分"] and len(shown) == 2
    assert shown["得分"].tolist() == sorted(shown["得分"], reverse=True) and shown["得分"].min() >= least["value"].max()
    assert "(IQR" in head_card(c, 1, 2).data[0].hovertext[-1]  # broad, over the survey's texts


def test_compare_json_has_what_changed(minilm, capsys):
    out = printed(capsys, ["compare", "minilm", "minilm", HE, "--text-b", SHE, "--json", "--device", "cpu"])
    a, b = capture(minilm, HE), capture(minilm, SHE)
    want = head_changes(compare(a, b), a, b).to_json()
    assert out["changes"] == as_json(want)
    top = out["changes"]["ranked"][0]
    assert top["a"] == {"layer": 4, "head": 9} and out["changes"]["identical"] is False
    same = printed(capsys, ["compare", "minilm", "minilm", HE, "--json", "--device", "cpu"])["changes"]
    assert same["identical"] is True and same["note"].startswith("A and B are identical")
