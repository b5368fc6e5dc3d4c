"""Advice that works today: `hf download` for an offline hub, "did you mean minilm?" before any hub talk, export
file names that say what they hold, and an image export that reports its progress."""
from __future__ import annotations

import threading
import time
from importlib.metadata import distribution
from pathlib import Path

import pytest

from attnviz.core.errors import ModelNotFound
from attnviz.figures.export import ExportProgress, export_name, write_image
from attnviz.models import hub
from attnviz.models.huggingface import load_hf
from attnviz.models.loading import OFFLINE_MODELS, load_model
from attnviz.models.names import allowed_edits, edits, near_miss


def test_edits_count_insertions_deletions_substitutions_and_swaps():
    assert edits("kitten", "sitting") == 3  # k→s, e→i, +g
    assert edits("minlm", "minilm") == 1
    assert edits("mnilim", "minilm") == 2  # two swaps of neighbours: ni→in, li→il
    assert edits("ab", "ba") == 1
    assert edits("", "abc") == 3 and edits("abc", "abc") == 0
    assert allowed_edits("minilm") == 1 and allowed_edits("scratch-decoder") == 3


@pytest.mark.parametrize("typed, meant", [
    ("minlm", "minilm"), ("MiniLM", "minilm"), ("minilm ", None), ("glasllm", "glassllm-en"),
    ("glassllm", "glassllm-en"), ("glassllm-em", "glassllm-en"), ("scratch-decodr", "scratch-decoder"),
    ("Scratch-Seq2Seq", "scratch-seq2seq"),
    ("minilm", None), ("gpt2", None), ("bert-base-uncased", None), ("t5-small", None), ("distilgpt2", None),
    ("org/minlm", None), ("./minlm", None), ("~/minlm", None), ("", None),
])
def test_a_near_miss_of_a_bundled_name_is_named(typed, meant):
    assert near_miss(typed, OFFLINE_MODELS) == meant


def test_a_typo_is_answered_before_any_hub_talk(monkeypatch):
    def no_hub(*_a, **_k):
        raise AssertionError("the hub was asked about a typo")

    monkeypatch.setattr(hub, "offline_reason", no_hub)
    monkeypatch.setattr(hub, "reachable", no_hub)
    with pytest.raises(ModelNotFound) as err:
        load_model("minlm", device="cpu")
    assert str(err.value) == "`minlm` is not a model attnviz knows. Did you mean `minilm`?"
    with pytest.raises(ModelNotFound, match=r"Did you mean `glassllm-en`\?"):
        load_model("glasllm", device="cpu")


def test_the_offline_message_names_the_command_the_installed_hub_client_ships(monkeypatch):
    scripts = {e.name for e in distribution("huggingface_hub").entry_points if e.group == "console_scripts"}
    assert "hf" in scripts and "huggingface-cli" not in scripts  # the pinned huggingface-hub's own commands
    assert hub.cli_name() == "hf"
    assert hub.download_command("some-org/some-model") == "hf download some-org/some-model --local-dir ./some-model"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotFound) as err:
        load_hf("some-org/some-model")
    text = str(err.value)
    assert "(for example with `hf download some-org/some-model --local-dir ./some-model`)" in text
    assert "huggingface-cli" not in text and text.endswith("enter its path instead.")


@pytest.mark.parametrize("args, name", [
    (("minilm", "heatmap", "csv", 3, 9), "minilm-heatmap-L3-H9.csv"),
    (("minilm", "heatmap", "csv", 3, 10), "minilm-heatmap-L3-H10.csv"),
    (("glassllm-en", "Rollout", ".PNG", 3), "glassllm-en-rollout-L3.png"),
    (("all-MiniLM-L6-v2", "head statistics", "csv"), "all-minilm-l6-v2-head-statistics.csv"),
    (("/srv/models/My Model!/", "heatmap", "html", 0, 0), "my-model-heatmap-L0-H0.html"),
    (("org/bert tiny", "heatmap", "svg", 1, 2, "cross"), "bert-tiny-heatmap-cross-L1-H2.svg"),
    (("t5", "heatmap", "csv", 1, 2, "self"), "t5-heatmap-L1-H2.csv"),
    (("../../etc", "…", "csv"), "etc-view.csv"),
])
def test_export_names_carry_model_view_layer_and_head(args, name):
    assert export_name(*args) == name


class _SlowFigure:
    def __init__(self, seconds: float, fail: bool = False) -> None:
        self.seconds, self.fail, self.written = seconds, fail, []

    def write_image(self, path: str) -> None:
        time.sleep(self.seconds)
        if self.fail:
            raise RuntimeError("no browser")
        self.written.append(path)


def test_image_export_reports_start_heartbeats_and_done(tmp_path):
    events: list[ExportProgress] = []
    fig = _SlowFigure(0.35)
    out = write_image(fig, tmp_path / "a.png", events.append, index=2, total=3, every_s=0.1)
    assert out == tmp_path / "a.png" and fig.written == [str(out)]
    stages = [e.stage for e in events]
    assert stages[0] == "start" and stages[-1] == "done"
    assert set(stages[1:-1]) == {"working"} and len(stages) - 2 >= 2  # a heartbeat each 0.1 s of 0.35 s
    assert all(e.index == 2 and e.total == 3 and e.path == out for e in events)
    times = [e.elapsed_s for e in events]
    assert times == sorted(times) and times[-1] >= 0.35
    assert not [t for t in threading.enumerate() if t.name == "attnviz-export-progress"]


def test_a_failed_image_export_says_failed_and_raises(tmp_path):
    events: list[ExportProgress] = []
    with pytest.raises(RuntimeError, match="no browser"):
        write_image(_SlowFigure(0.05, fail=True), Path(tmp_path / "b.svg"), events.append, every_s=1.0)
    assert [e.stage for e in events] == ["start", "failed"]
