"""AppTest: a survey folder written by --engine ray opens in the survey page like any other, and the page's
messages for an unfinished, an empty and a damaged folder hold for such folders too."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from apphelpers import assert_clean, decode, figures, open_page
from attnviz.models.loading import load_model
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.app.state import sidebar, survey


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    pytest.importorskip("ray", reason="ray is not installed (pip install -r requirements-dev.txt)")
    from attnviz.survey.ray_engine import run_survey_ray

    out = tmp_path_factory.mktemp("ray_surveys") / "enc"
    run_survey_ray(load_model("scratch-encoder", device="cpu"), open_corpus("builtin:20"), out, batch_size=8,
                   progress=False, workers=1)  # a local Ray, started and ended by the engine
    return out


def test_a_ray_survey_opens_ranks_heads_and_draws_the_joint_view(folder):
    at = open_page(survey, {survey.PATH: str(folder), survey.STAT: "previous_token", survey.LAYER: 1, survey.HEAD: 2})
    assert_clean(at)
    assert not at.warning  # complete, nothing truncated
    caption = next(c.value for c in at.caption if "scratch-encoder" in c.value)
    assert "20 texts" in caption and "2 layers × 4 heads" in caption
    want = Survey(folder).ranking("previous_token")
    bars = figures(at)[0]["data"][0]
    assert list(bars["x"][:3]) == [f"L{l} H{h}" for l, h in zip(want["layer"][:3], want["head"][:3])]
    assert np.allclose(decode(bars["y"])[:3], want["mean"][:3], atol=1e-6)
    assert {trace["name"] for trace in figures(at)[-1]["data"]} == {"query", "key"}


def test_an_unfinished_ray_survey_says_so(folder, tmp_path):
    cut = shutil.copytree(folder, tmp_path / "cut")
    manifest = json.loads((cut / "manifest.json").read_text())
    (cut / "manifest.json").write_text(json.dumps({**manifest, "complete": False}))
    (cut / "texts" / "part-000002.parquet").unlink()  # the last part's commit mark never written
    at = open_page(survey, {survey.PATH: str(cut)})
    assert_clean(at)
    assert any("This survey did not finish" in w.value for w in at.warning)


def test_a_ray_survey_without_finished_parts_or_with_a_damaged_part_gets_a_message(folder, tmp_path):
    empty = shutil.copytree(folder, tmp_path / "empty")
    shutil.rmtree(empty / "texts")
    (empty / "texts").mkdir()
    at = open_page(survey, {survey.PATH: str(empty)})
    assert_clean(at)
    assert [e.value for e in at.error] == ["`empty` has no finished part yet: run the survey first."]
    damaged = shutil.copytree(folder, tmp_path / "damaged")
    (damaged / "stats" / "part-000001.parquet").write_bytes(b"not parquet")
    at = open_page(survey, {survey.PATH: str(damaged)})
    assert_clean(at)
    assert [e.value for e in at.error][0].startswith(
        "`damaged` has a damaged part: `stats/part-000001.parquet` is not readable Parquet (")
    assert "Delete `texts/part-000001.parquet` and run the survey command again: it redoes that part." in at.error[0].value
    zh = open_page(survey, {survey.PATH: str(damaged), sidebar.LANG: "zh"})
    assert zh.error[0].value.startswith("`damaged` 中有一个损坏的部分：`stats/part-000001.parquet` 不是可读的 Parquet 文件（")
    assert zh.error[0].value.endswith("请删除 `texts/part-000001.parquet`，再运行一次调查命令：它会重做这一部分。")
    # the advice holds: that part's commit mark deleted, a rerun (here the single-process engine) redoes it
    from attnviz.survey.run import run_survey

    (damaged / "texts" / "part-000001.parquet").unlink()
    redo = run_survey(load_model("scratch-encoder", device="cpu"), open_corpus("builtin:20"), damaged,
                      batch_size=8, progress=False)
    assert (redo.parts_written, redo.parts_kept, redo.texts) == (1, 2, 20)
    at = open_page(survey, {survey.PATH: str(damaged)})
    assert_clean(at)
    assert not at.error and np.allclose(Survey(damaged).ranking("entropy")["mean"],
                                        Survey(folder).ranking("entropy")["mean"], atol=1e-6)
