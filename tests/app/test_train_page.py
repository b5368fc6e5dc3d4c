"""AppTest on the training lab: bad settings get messages; a short run trains, snapshots and saves."""
import time

import numpy as np

from apphelpers import assert_clean, messages, open_page

PAGE = "app_pages/train.py"


def _wait(at, timeout=120):
    deadline = time.time() + timeout
    job = at.session_state["train_job"]
    while job.running and time.time() < deadline:
        time.sleep(0.2)
    return job


def _submit(at):
    next(b for b in at.button if b.label == "Start training").click().run()
    return at


def test_nothing_running_says_how_to_start():
    at = open_page(PAGE)
    assert_clean(at)
    assert any("Start training" in i.value for i in at.info)
    assert at.selectbox(key="train_task").value == "reverse"


def test_bad_settings_get_messages():
    at = open_page(PAGE, train_heads=5)
    _submit(at)
    assert any("5 heads do not divide d_model = 64" in e for e in messages(at, "error"))
    assert "train_job" not in at.session_state
    at = open_page(PAGE, train_task="induction", train_arch="encoder")
    _submit(at)
    assert any("an encoder alone cannot learn it" in e for e in messages(at, "error"))


def test_short_run_trains_snapshots_and_saves(tmp_path):
    at = open_page(PAGE, train_steps=60, train_every=20, train_d_model=32)
    _submit(at)
    job = _wait(at)
    assert job.trainer.step_count == 60 and not job.error
    at.run()
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Step"] == "60"
    steps = [s.step for s in job.trainer.snapshots]
    assert steps == [0, 20, 40, 60]
    assert at.select_slider(key="train_snap").value == 60
    h = job.trainer.history
    assert np.mean(h.loss[-10:]) < np.mean(h.loss[:10])  # the loss went down
    folder = tmp_path / "ckpt"
    at.text_input(key="train_dir").set_value(str(folder)).run()
    next(b for b in at.button if b.label == "Save checkpoint").click().run()
    assert (folder / "model.safetensors").is_file() and (folder / "attnviz_config.json").is_file()
    assert any("Saved to" in s.value for s in at.success)
    assert at.markdown and any("Model answers" in m.value for m in at.markdown)
