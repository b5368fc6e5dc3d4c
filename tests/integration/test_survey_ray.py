"""--engine ray: the same Parquet rows and manifest as the single-process survey (a local Ray started here),
resuming across engines, and the single-process path with Ray unimportable."""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from attnviz.cli import main
from attnviz.models.loading import load_model
from attnviz.survey.corpus import open_corpus
from attnviz.survey.run import TABLES, run_survey

KEYS = {"texts": ["text_id"], "stats": ["text_id", "layer", "head"], "tokens": ["text_id", "pos"],
        "qk": ["layer", "head", "text_id", "pos"], "probes": ["probe", "layer", "head"]}


@pytest.fixture(scope="module")
def ray_running():
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install -r requirements-dev.txt)")
    from attnviz.survey.ray_engine import require_ray, start_local

    require_ray()
    start_local(ray, cpus=2)  # the engine uses a Ray this process runs, and leaves it running
    yield ray
    ray.shutdown()


def rows(folder, table: str) -> pd.DataFrame:
    files = sorted((folder / table).glob("part-*.parquet"))
    frame = pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)
    return frame.sort_values(KEYS[table], kind="stable").reset_index(drop=True)


def assert_same_rows(got_folder, want_folder) -> None:
    names = [sorted(p.name for p in (folder / "texts").iterdir()) for folder in (got_folder, want_folder)]
    assert names[0] == names[1]
    for table in TABLES:
        got, want = rows(got_folder, table), rows(want_folder, table)
        assert list(got.columns) == list(want.columns) and len(got) == len(want), table
        for f in (got_folder / table).glob("part-*.parquet"):  # the same schema, part by part
            assert pq.read_schema(f).equals(pq.read_schema(want_folder / table / f.name)), (table, f.name)
        for col in got.columns:
            a, b = got[col].to_numpy(), want[col].to_numpy()
            if col in ("q", "k"):
                assert np.allclose(np.stack(a), np.stack(b), atol=1e-5), (table, col)
            elif a.dtype.kind in "fiu" or col in ("truncated_from", "target_from", "target_to"):
                assert np.allclose(a.astype(float), b.astype(float), atol=1e-6, equal_nan=True), (table, col)
            else:
                assert list(a) == list(b), (table, col)


def survey(*args, capsys) -> tuple[int, str, str]:
    code = main(["survey", *map(str, args), "--quiet"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ray_engine_writes_the_rows_and_manifest_of_the_single_process_engine(ray_running, tmp_path, capsys):
    args = ("scratch-encoder", "builtin:20", "--batch-size", "4", "--dims", "4")
    assert survey(*args, "--out", tmp_path / "local", capsys=capsys)[0] == 0
    code, out, err = survey(*args, "--out", tmp_path / "ray", "--engine", "ray", "--workers", "2", capsys=capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["texts"], summary["parts_written"], summary["parts_kept"]) == (20, 5, 0)
    assert_same_rows(tmp_path / "ray", tmp_path / "local")
    manifest = json.loads((tmp_path / "ray" / "manifest.json").read_text())
    assert manifest == json.loads((tmp_path / "local" / "manifest.json").read_text())
    assert manifest["complete"] is True and manifest["n_texts"] == 20
    assert ray_running.is_initialized()  # a Ray it did not start is left running


def test_ray_engine_resumes_a_survey_the_single_process_engine_began(ray_running, tmp_path):
    from attnviz.survey.ray_engine import run_survey_ray

    m = load_model("scratch-decoder", device="cpu")
    corpus = open_corpus("builtin:22")
    run_survey(m, corpus, tmp_path / "whole", batch_size=4, progress=False)
    cut = run_survey(m, corpus, tmp_path / "cut", batch_size=4, progress=False, max_parts=2)
    assert cut.texts == 8 and json.loads((tmp_path / "cut" / "manifest.json").read_text())["complete"] is False
    resumed = run_survey_ray(m, corpus, tmp_path / "cut", batch_size=4, progress=False, workers=1)
    assert (resumed.parts_kept, resumed.parts_written, resumed.texts) == (2, 4, 22)
    assert_same_rows(tmp_path / "cut", tmp_path / "whole")
    assert json.loads((tmp_path / "cut" / "manifest.json").read_text())["complete"] is True


@pytest.fixture
def no_ray(monkeypatch):
    """Ray made unimportable, as on a machine without it (an import of ray or ray.data raises ImportError)."""
    for name in [n for n in sys.modules if n == "ray" or n.startswith("ray.")] + ["ray", "ray.data"]:
        monkeypatch.setitem(sys.modules, name, None)


def test_the_single_process_survey_needs_no_ray(no_ray, tmp_path, capsys):
    code, out, err = survey("scratch-encoder", "builtin:6", "--out", tmp_path / "s", "--batch-size", "4", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)["texts"] == 6
    with pytest.raises(ImportError):
        import ray  # noqa: F401  (the patch holds: the survey above ran without it)


def test_engine_ray_without_ray_says_how_to_install_it_and_writes_nothing(no_ray, tmp_path, capsys):
    code, out, err = survey("scratch-encoder", "builtin:6", "--out", tmp_path / "s", "--engine", "ray", capsys=capsys)
    assert code == 2 and out == ""
    assert "--engine ray needs Ray Data, which is not installed here: pip install 'ray[data]==2.52.0'" in err
    assert "Traceback" not in err and not (tmp_path / "s").exists()
