"""AppTest on the training lab: settings, the worker, the queue, checkpoints by name, and opening one in the explorer."""
import hashlib
import time
from pathlib import Path

import numpy as np
import pytest

from apphelpers import assert_clean, heatmap_z, messages, open_page

from attnviz.core import settings
from attnviz.models.loading import minilm_path
from attnviz.training.jobs import JobBoard
from attnviz.app.pages.training import jobs as ui_training
from attnviz.app.state import sidebar, training


@pytest.fixture(autouse=True)
def checkpoint_dir(tmp_path, monkeypatch):
    """Every test saves into its own checkpoint folder, read through the operator settings."""
    folder = tmp_path / "checkpoints"
    monkeypatch.setenv("ATTNVIZ_CHECKPOINT_DIR", str(folder))
    settings.current.cache_clear()
    yield folder
    settings.current.cache_clear()


def _wait(at, timeout=300):
    deadline = time.time() + timeout
    job = at.session_state[training.JOB]
    while job.active and time.time() < deadline:
        time.sleep(0.2)
    return job


def _submit(at):
    next(b for b in at.button if b.label == "Start training").click().run()
    return at


def _click(at, label):
    next(b for b in at.button if b.label == label).click().run()
    return at


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_nothing_running_says_how_to_start():
    at = open_page(training)
    assert_clean(at)
    assert any("Start training" in i.value for i in at.info)
    assert at.selectbox(key=training.TASK).value == "reverse"


def test_bad_settings_get_messages():
    at = open_page(training, {training.HEADS: 5})
    _submit(at)
    assert any("5 heads do not divide d_model = 64" in e for e in messages(at, "error"))
    assert training.JOB not in at.session_state
    at = open_page(training, {training.TASK: "induction", training.ARCHITECTURE: "encoder"})
    _submit(at)
    assert any("an encoder alone cannot learn it" in e for e in messages(at, "error"))


def test_the_operators_step_limit_holds(monkeypatch):
    monkeypatch.setenv("ATTNVIZ_MAX_TRAIN_STEPS", "100")
    settings.current.cache_clear()
    at = open_page(training)
    assert at.number_input(key=training.STEPS).max == 100
    _submit(at)  # the reverse task's default is 800 steps
    assert any("at most 100 steps per job (800 asked)" in e for e in messages(at, "error"))
    assert training.JOB not in at.session_state


def test_short_run_trains_in_the_worker_snapshots_and_saves(checkpoint_dir):
    at = open_page(training, {training.STEPS: 60, training.EVERY: 20, training.D_MODEL: 32})
    _submit(at)
    job = _wait(at)
    assert job.trainer.step_count == 60 and not job.error and job.worker["threads"] == 1
    at.run()
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Step"] == "60"
    assert [s.step for s in job.trainer.snapshots] == [0, 20, 40, 60]
    assert at.select_slider(key=training.SNAPSHOT).value == 60
    h = job.trainer.history
    assert np.mean(h.loss[-10:]) < np.mean(h.loss[:10])  # the loss went down
    name = at.text_input(key=training.NAME).value
    assert name.startswith("reverse-encoder-")
    _click(at, "Save checkpoint")
    folder = checkpoint_dir / name
    assert sorted(p.name for p in folder.iterdir()) == ["attnviz_config.json", "model.safetensors"]
    assert any(f"Saved as `{name}`" in s and str(folder) in s for s in messages(at, "success"))
    assert any("Model answers" in m.value for m in at.markdown)
    assert at.text_input(key=training.NAME).value != name  # the next default is a new name


def test_names_are_not_paths_and_nothing_outside_the_folder_is_written(checkpoint_dir, tmp_path):
    bundled = minilm_path()
    before, outside = _tree(bundled), set(tmp_path.iterdir())
    at = open_page(training, {training.STEPS: 5, training.D_MODEL: 32})
    _submit(at)
    _wait(at)
    at.run()
    for name in ("../escaped", str(bundled), "a/b", "..", "~root", "bad name!"):
        at.text_input(key=training.NAME).set_value(name).run()
        _click(at, "Save checkpoint")
        assert at.error, name
        assert "Use letters, digits" in messages(at, "error")[0]
        assert not at.success
        assert at.text_input(key=training.NAME).value == name  # what was typed stays
    assert _tree(bundled) == before  # the bundled model folder is unchanged
    assert set(tmp_path.iterdir()) == outside
    assert not checkpoint_dir.exists() or not any(checkpoint_dir.iterdir())


def test_a_taken_name_gets_a_question(checkpoint_dir):
    at = open_page(training, {training.STEPS: 5, training.D_MODEL: 32})
    _submit(at)
    _wait(at)
    at.run()
    at.text_input(key=training.NAME).set_value("mine").run()
    _click(at, "Save checkpoint")
    first = (checkpoint_dir / "mine" / "model.safetensors").read_bytes()
    _click(at, "Save checkpoint")  # the same name again: asked, not overwritten
    assert any("already exists" in w.value for w in at.warning)
    assert (checkpoint_dir / "mine" / "model.safetensors").read_bytes() == first
    _click(at, "Save as mine-2")
    assert (checkpoint_dir / "mine-2" / "model.safetensors").is_file()
    assert any("Saved as `mine-2`" in s.value for s in at.success)
    (checkpoint_dir / "theirs").mkdir()
    (checkpoint_dir / "theirs" / "notes.txt").write_text("not a checkpoint")
    at.text_input(key=training.NAME).set_value("theirs").run()
    _click(at, "Save checkpoint")
    assert not at.warning  # no offer to replace what is not a checkpoint
    assert any("not an attnviz checkpoint" in e for e in messages(at, "error"))
    assert any("already called `theirs` in" in e.value for e in at.error), [e.value for e in at.error]  # a code span
    assert sorted(p.name for p in (checkpoint_dir / "theirs").iterdir()) == ["notes.txt"]


def test_two_sessions_save_default_names_and_each_opens_as_itself(checkpoint_dir):
    """Two visitors train the default task and save with the default name: two folders, two models."""
    sessions = []
    for seed in (0, 1):
        at = open_page(training, {training.STEPS: 40, training.D_MODEL: 32, training.SEED: seed})
        _submit(at)
        sessions.append(at)
    for at in sessions:
        _wait(at)
        at.run()
    held = []
    for at in sessions:  # both pages show the same default name when they save in the same second
        _click(at, "Save checkpoint")
        held.append(at.session_state[training.JOB].trainer.snapshot().attention["self"])  # the model in memory
    folders = [Path(at.session_state[training.SAVED][1]) for at in sessions]
    assert folders[0] != folders[1] and all(f.parent == checkpoint_dir for f in folders)
    assert not np.allclose(held[0], held[1], atol=1e-3)  # two different models
    for at, attention in zip(sessions, held):
        _click(at, "Open it in the explorer")
        assert_clean(at)
        assert any(t.value == "Explorer" for t in at.title)  # the explorer, not Home
        assert at.session_state[sidebar.TEXT] == "31415926"  # the task's probe, not the cat on the mat
        assert np.allclose(heatmap_z(at), attention[0, 0], atol=1e-5)  # layer 0, head 0 of this model


def test_jobs_beyond_the_limit_wait_in_line(monkeypatch):
    board = JobBoard(max_jobs=1, max_per_session=1)
    monkeypatch.setattr(ui_training, "_board", board)
    first = open_page(training, {training.STEPS: 100_000, training.D_MODEL: 32})
    _submit(first)
    second = open_page(training, {training.STEPS: 30, training.D_MODEL: 32})
    _submit(second)
    third = open_page(training, {training.STEPS: 30, training.D_MODEL: 32})
    _submit(third)
    assert any("Waiting, 0 ahead" in i.value for i in second.info)
    assert any("Waiting, 1 ahead" in i.value for i in third.info)
    assert "waiting: step 0" in third.get("progress")[0].proto.text
    assert board.counts() == (1, 2)
    _click(first, "Stop")
    for at in (first, second, third):
        job = _wait(at)
        assert not job.error
    assert first.session_state[training.JOB].status == "stopped"
    assert second.session_state[training.JOB].status == third.session_state[training.JOB].status == "finished"
