"""Surveys: a padded batch gives the rows of one text at a time, the corpus means equal per-text captures,
resuming gives the rows of an uninterrupted run, and bad input is named without writing half a folder."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from attnviz.analysis.reduce import head_statistics
from attnviz.capture.api import capture
from attnviz.cli import main
from attnviz.models.loading import load_model
from attnviz.survey.builtin import TEMPLATES, builtin_corpus
from attnviz.survey.corpus import BadCorpus, Corpus, open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.rows import STATISTICS, fit_basis, survey_batch
from attnviz.survey.run import run_survey

MODELS = {}


def model(spec: str):
    if spec not in MODELS:
        MODELS[spec] = load_model(spec, device="cpu")
    return MODELS[spec]


def corpus_of(texts: list[str], source: str = "test") -> Corpus:
    return Corpus(source, lambda: ({"text": t} for t in texts), len(texts))


def test_builtin_corpus_names_its_templates_and_targets():
    items = list(builtin_corpus(10))
    assert [i["template"] for i in items[:5]] == list(TEMPLATES)
    coref = items[1]
    assert coref["target_from"] in coref["text"].split() and coref["text"].startswith(coref["target_to"])
    assert items == list(builtin_corpus(10))  # seeded: the same corpus every time


@pytest.mark.parametrize("spec", ["scratch-encoder", "scratch-decoder", "minilm", "glassllm-en"])
def test_padded_batch_gives_the_rows_of_one_text_at_a_time(spec):
    m = model(spec)
    items = list(builtin_corpus(6))  # lengths differ: every text but the longest is padded
    basis = fit_basis(m, [i["text"] for i in items], 4)
    together = survey_batch(m, items, 0, basis)
    alone = [survey_batch(m, [item], i, basis) for i, item in enumerate(items)]
    for table, keys in (("stats", ["text_id", "layer", "head"]), ("qk", ["text_id", "layer", "head", "pos"])):
        got = together[table].to_pandas().sort_values(keys, kind="stable")
        want = pd.concat([a[table].to_pandas() for a in alone]).sort_values(keys, kind="stable")
        assert len(got) == len(want)
        for col in got.columns:
            a, b = got[col].to_numpy(), want[col].to_numpy()
            if col in ("q", "k"):
                assert np.allclose(np.stack(a), np.stack(b), atol=2e-4), col
            else:
                assert np.allclose(a.astype(float), b.astype(float), atol=2e-5, equal_nan=True), col
    assert together["texts"].column("n_tokens").to_pylist() == [len(m.codec.encode(i["text"])) for i in items]


def test_survey_means_equal_the_mean_of_per_text_captures(tmp_path):
    m = model("minilm")
    texts = [i["text"] for i in builtin_corpus(10)]
    run_survey(m, corpus_of(texts), tmp_path / "s", batch_size=4, progress=False)
    survey = Survey(tmp_path / "s")
    per_text = [head_statistics(capture(m, t)) for t in texts]
    for col, name in STATISTICS.items():
        want = np.mean([s[name] for s in per_text], axis=0)  # [layer, head]
        table = survey.ranking(col)
        got = np.zeros_like(want)
        got[table["layer"], table["head"]] = table["mean"]
        assert np.allclose(got, want, atol=1e-5), col
        assert (table["texts"] == len(texts)).all()


def _rows(folder, table):
    files = sorted((folder / table).glob("part-*.parquet"))
    return pa.concat_tables([pq.read_table(f) for f in files])


def test_resume_after_an_interruption_gives_the_rows_of_an_uninterrupted_run(tmp_path):
    m = model("scratch-encoder")
    corpus = open_corpus("builtin:22")
    whole = run_survey(m, corpus, tmp_path / "whole", batch_size=4, progress=False)
    assert whole.texts == 22 and whole.parts_written == 6
    first = run_survey(m, corpus, tmp_path / "cut", batch_size=4, progress=False, max_parts=2)
    assert first.texts == 8
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert manifest["complete"] is False
    # a batch interrupted half way: its stats written, its texts (the commit mark) not, and a temporary file
    (tmp_path / "cut" / "stats" / "part-000002.parquet").write_bytes(b"half")
    (tmp_path / "cut" / "qk" / ".part-000002.parquet.tmp").write_bytes(b"half")
    assert len(Survey(tmp_path / "cut").ranking("entropy")) == m.info.n_layers * m.info.n_heads
    resumed = run_survey(m, corpus, tmp_path / "cut", batch_size=4, progress=False)
    assert resumed.parts_kept == 2 and resumed.parts_written == 4 and resumed.texts == 22
    for table in ("texts", "stats", "tokens", "qk"):
        assert _rows(tmp_path / "cut", table).equals(_rows(tmp_path / "whole", table)), table
    assert json.loads((tmp_path / "cut" / "manifest.json").read_text())["complete"] is True


def test_texts_longer_than_the_model_are_truncated_and_counted(tmp_path):
    m = model("scratch-encoder")
    limit = m.info.max_positions
    summary = run_survey(m, corpus_of(["short text", "x" * (limit + 30)]), tmp_path / "s", progress=False)
    assert summary.truncated == 1
    texts = Survey(tmp_path / "s").sql("SELECT n_tokens, truncated_from FROM texts ORDER BY text_id")
    assert texts["n_tokens"].tolist() == [10, limit] and texts["truncated_from"].iloc[1] == limit + 30


def test_find_heads_scores_every_head_and_lists_most_and_least_texts(tmp_path):
    m = model("scratch-decoder")
    run_survey(m, open_corpus("builtin:15"), tmp_path / "s", batch_size=8, progress=False)
    s = Survey(tmp_path / "s")
    table = s.find_heads("antecedent")
    assert len(table) == m.info.n_layers * m.info.n_heads and (table["texts"] == 0).all()  # one char a token:
    # names are never one token here, so no coreference text applies; the table says so with a count of 0
    prev = s.find_heads("previous token")
    assert prev["score"].is_monotonic_decreasing and (prev["texts"] == 15).all()
    most, least = s.texts_for_head(int(prev["layer"][0]), int(prev["head"][0]), "previous_token", n=3)
    assert len(most) == 3 and most["value"].min() >= least["value"].max()
    points = s.joint_points(0, 0, max_tokens=50)
    assert set(points["role"]) == {"query", "key"} and len(points) == 100
    assert len(points["vector"].iloc[0]) == 8


def cli(*args, capsys):
    code = main(["survey", *map(str, args), "--quiet"])
    return code, capsys.readouterr()


def test_cli_writes_a_survey_and_says_what_it_did(tmp_path, capsys):
    code, out = cli("scratch-encoder", "builtin:6", "--out", tmp_path / "s", "--batch-size", "4", capsys=capsys)
    assert code == 0
    summary = json.loads(out.out)
    assert summary["texts"] == 6 and summary["parts_written"] == 2
    code, out = cli("scratch-encoder", "builtin:6", "--out", tmp_path / "s", "--batch-size", "4", capsys=capsys)
    assert json.loads(out.out)["parts_kept"] == 2 and json.loads(out.out)["parts_written"] == 0


@pytest.mark.parametrize("setup,args,message", [
    (lambda d: (d / "empty.txt").write_text("\n  \n"), ["empty.txt"], "has no texts"),
    (lambda d: None, ["missing.txt"], "does not exist"),
    (lambda d: (d / "bad.txt").write_bytes(b"ok\n\xff\xfe\n"), ["bad.txt"], "not UTF-8"),
    (lambda d: (d / "c.csv").write_text("body,label\nhello,1\n"), ["c.csv", "--column", "text"],
     "no column 'text'; its columns are: body, label"),
    (lambda d: (d / "c.jsonl").write_text('{"body": "hello"}\n'), ["c.jsonl"], "no field 'text'"),
    (lambda d: None, ["builtin:many"], "builtin:N"),
])
def test_bad_corpus_gets_a_clear_message_and_writes_nothing(tmp_path, capsys, setup, args, message):
    setup(tmp_path)
    corpus = tmp_path / args[0] if not args[0].startswith("builtin") else args[0]
    code, out = cli("scratch-encoder", corpus, *args[1:], "--out", tmp_path / "out", capsys=capsys)
    assert code == 2 and message in out.err and "Traceback" not in out.err
    assert not (tmp_path / "out").exists()


def test_a_survey_folder_of_another_model_is_refused_untouched(tmp_path, capsys):
    assert cli("scratch-encoder", "builtin:4", "--out", tmp_path / "s", capsys=capsys)[0] == 0
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "s").rglob("*")}
    code, out = cli("scratch-decoder", "builtin:4", "--out", tmp_path / "s", capsys=capsys)
    assert code == 2 and "holds a survey with model 'scratch-encoder', not 'scratch-decoder'" in out.err
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "s").rglob("*")} == before
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    code, out = cli("scratch-encoder", "builtin:4", "--out", tmp_path / "other", capsys=capsys)
    assert code == 2 and "not a survey folder" in out.err


def test_a_datasets_folder_without_datasets_installed_says_how(tmp_path):
    try:
        import datasets  # noqa: F401
        pytest.skip("datasets is installed here")
    except ImportError:
        pass
    (tmp_path / "ds").mkdir()
    with pytest.raises(BadCorpus, match="pip install datasets"):
        open_corpus(str(tmp_path / "ds"))
