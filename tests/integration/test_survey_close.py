"""A survey's DuckDB connection is closed and released: by close(), by `with`, and at the interpreter's exit
while a thread still holds it (as the survey page's cache does), so the log gets no "nanobind: leaked" lines."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from attnviz.core.errors import AttnvizError
from attnviz.models.loading import load_model
from attnviz.survey import query
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.run import run_survey

ROOT = Path(__file__).resolve().parents[2]
HELD_BY_A_THREAD = """
import atexit, sys, threading
sys.path.insert(0, {root!r})
from attnviz.survey import query
s = query.Survey({folder!r})
assert len(s.ranking("entropy")) == 8
if {unregister}:
    atexit.unregister(query._close_all)
HOLD = threading.Thread(target=lambda keep=s: threading.Event().wait(), daemon=True)
HOLD.start()
del s
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("surveys") / "enc"
    run_survey(load_model("scratch-encoder", device="cpu"), open_corpus("builtin:8"), out, batch_size=8,
               progress=False)
    return out


def _exit_log(folder: Path, unregister: bool) -> str:
    code = HELD_BY_A_THREAD.format(root=str(ROOT), folder=str(folder), unregister=unregister)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_a_survey_held_by_a_thread_at_exit_leaves_no_leak_lines(folder):
    assert "nanobind" not in _exit_log(folder, unregister=False)
    # without the exit hook, the same program fills the log (what the server's log showed)
    assert "nanobind: leaked" in _exit_log(folder, unregister=True)


def test_close_releases_the_connection_and_a_closed_survey_says_so(folder):
    with Survey(folder) as survey:
        assert len(survey.ranking("entropy")) == 8  # 2 layers x 4 heads of scratch-encoder
        assert survey in query._OPEN
    assert survey.closed and survey.db is None and survey not in query._OPEN
    with pytest.raises(AttnvizError, match="was closed"):
        survey.ranking("entropy")
    survey.close()  # twice is harmless
