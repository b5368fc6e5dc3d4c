"""The training lab says what a job costs before the click: its time and memory on this machine beside "Start
training" (measured once per model shape), a question before a job past an hour, and the operator's caps on a
shared server (issue 30: the form's largest settings came to about 541 CPU-hours with no word)."""
import re
import time

import pytest

from apphelpers import assert_clean, messages, open_page

from attnviz.app.pages.training import costs
from attnviz.app.state import training
from attnviz.core import settings
from attnviz.training import cost

LARGEST = {training.LAYERS: 6, training.HEADS: 16, training.D_MODEL: 256, training.LENGTH: 40,
           training.BATCH: 1024}
QUESTION = re.compile(r"This job would take about [\d,]+ days on this machine\. Start it anyway\?")


@pytest.fixture()
def operator(monkeypatch, tmp_path):
    def use(**env) -> settings.Settings:
        s = settings.from_environment({"ATTNVIZ_CHECKPOINT_DIR": str(tmp_path / "ckpt"),
                                       **{f"ATTNVIZ_{k.upper()}": str(v) for k, v in env.items()}})
        monkeypatch.setattr(settings, "current", lambda: s)
        return s
    return use


def _click(at, label):
    next(b for b in at.button if b.label == label).click().run()
    return at


def _estimate(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("About "))


def test_the_largest_settings_are_estimated_and_asked_about_before_they_start(operator):
    operator()  # a personal server: no caps, so the question is all that stands before 100,000 steps
    at = open_page(training, {**LARGEST, training.STEPS: 100_000})
    assert_clean(at)
    said = _estimate(at)
    # measured on this machine: days, gigabytes, and the model's size, before anything starts
    assert re.fullmatch(r"About [\d,]+ days and [\d,]+ MB on this machine's CPU for 100,000 steps \(4,789,760 "
                        r"parameters; measured from a few steps of this model\)\.", said), said
    assert int(re.search(r"and ([\d,]+) MB", said).group(1).replace(",", "")) > 2_000
    _click(at, "Start training")
    assert training.JOB not in at.session_state  # asked, not started
    assert [w for w in messages(at, "warning") if QUESTION.fullmatch(w)]
    _click(at, "Cancel")
    assert training.JOB not in at.session_state and not at.warning
    at.number_input(key=training.STEPS).set_value(50_000).run()
    assert "for 50,000 steps" in _estimate(at)  # the estimate follows the settings, measured once for the shape


def test_a_shared_server_refuses_past_its_caps_before_the_click(operator):
    operator(shared=1)
    at = open_page(training, {**LARGEST, training.STEPS: 2000})
    assert_clean(at)
    errors = messages(at, "error")
    assert "This model has 4,789,760 parameters; this server trains at most 1,000,000. Use fewer layers or a smaller " \
           "d_model." in errors
    assert "A batch of 1,024 is more than this server allows (256): use a smaller batch." in errors
    assert any(e.startswith("This job would take about") and "this server allows 1,024 MB a job" in e for e in errors)
    assert any(e.startswith("This job would take about") and "it allows 30 minutes a job" in e for e in errors)
    _click(at, "Start training")
    assert training.JOB not in at.session_state
    at = open_page(training, {training.STEPS: 200})  # the defaults fit every cap: they start at once
    assert not messages(at, "error")
    _click(at, "Start training")
    job = at.session_state[training.JOB]
    job.stop()


def test_start_anyway_starts_the_job_asked_about(operator, monkeypatch):
    operator()
    slow = cost.Calibration(step_s=(8.0, 0.0), snapshot_s=0.0, eval_s=0.0, memory=(300e6, 0.0))
    monkeypatch.setattr(costs, "CALIBRATIONS", cost.CalibrationCache(lambda _cfg: slow))  # 8 s a step: 800 steps, 1.8 h
    at = open_page(training, {training.D_MODEL: 32, training.STEPS: 800})
    assert _estimate(at).startswith("About 1.8 h and 286 MB")
    _click(at, "Start training")
    assert [w for w in messages(at, "warning") if w == "This job would take about 1.8 h on this machine. Start it anyway?"]
    at.number_input(key=training.STEPS).set_value(700).run()  # changed settings: the question goes
    assert not at.warning and training.JOB not in at.session_state
    at.number_input(key=training.STEPS).set_value(800).run()
    _click(at, "Start training")
    _click(at, "Start anyway")
    job = at.session_state[training.JOB]
    assert job.trainer.config.steps == 800 and job.trainer.config.d_model == 32
    job.stop()
    deadline = time.time() + 60
    while job.active and time.time() < deadline:
        time.sleep(0.2)


def test_resuming_is_held_to_the_same_caps_as_starting(operator, monkeypatch):
    """A job started small cannot be resumed past the server's minutes: the steps asked for are estimated as a job
    of their own, the reason is said and Resume waits (it once checked only the steps)."""
    operator(max_train_minutes=5)
    quick = cost.Calibration(step_s=(0.5, 0.0), snapshot_s=0.0, eval_s=0.0, memory=(300e6, 0.0))
    monkeypatch.setattr(costs, "CALIBRATIONS", cost.CalibrationCache(lambda _cfg: quick))  # 0.5 s a step
    at = open_page(training, {training.D_MODEL: 32, training.STEPS: 5})
    _click(at, "Start training")
    job = at.session_state[training.JOB]
    deadline = time.time() + 120
    while job.active and time.time() < deadline:
        time.sleep(0.2)
    at.run()
    resumed = [c.value for c in at.caption if c.value.startswith("About ")][-1]  # beside Resume, under the form's
    assert resumed.startswith("About 2 min and 286 MB on this machine's CPU for 200 steps")  # 100 s: within the cap
    assert not messages(at, "error") and not next(b for b in at.button if b.label == "Resume").disabled
    at.number_input(key=training.MORE).set_value(1000).run()  # 500 s: past the 5 minutes allowed
    assert [e for e in messages(at, "error") if e.startswith("This job would take about 8 minutes")
            and "it allows 5 minutes a job" in e], messages(at, "error")
    assert next(b for b in at.button if b.label == "Resume").disabled
