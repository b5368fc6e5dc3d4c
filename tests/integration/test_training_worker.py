"""The training worker process: the same model as the command line, lower priority, stop and resume."""
import json
import os
import subprocess
import time
import sys
from pathlib import Path

import numpy as np

from attnviz.training.trainer import TrainConfig, Trainer
from attnviz.training.worker import TrainingJob

ROOT = Path(__file__).resolve().parents[2]


def _cli(tmp_path, **args) -> dict:
    cmd = [sys.executable, "-m", "attnviz", "train", "--out", str(tmp_path / "cli")]
    for k, v in args.items():
        cmd += [f"--{k.replace('_', '-')}", str(v)]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_worker_reaches_the_command_lines_accuracy_with_the_same_seed(tmp_path):
    cli = _cli(tmp_path, task="reverse", steps=80, seed=3, d_model=32)
    job = TrainingJob(Trainer(TrainConfig(task="reverse", steps=80, seed=3, d_model=32)))
    job.start()
    job.wait(timeout=300)
    assert not job.error and job.status == "finished"
    t = job.trainer
    assert t.step_count == 80 and len(t.history.loss) == 80
    assert 0.2 < cli["heldout_accuracy"] < 1.0  # part-trained: the comparison means something
    assert round(t.history.eval_accuracy[-1], 4) == cli["heldout_accuracy"]
    # the weights came back to this process: predicting here gives what the command line's model gave
    assert t.predict(t.task.probe[0]) == cli["example"]["output"]


def test_worker_runs_at_lower_priority_on_one_thread_and_streams_progress():
    job = TrainingJob(Trainer(TrainConfig(task="copy", steps=100_000, d_model=32, snapshot_every=10)))
    job.start()

    deadline = time.time() + 120
    while (not job.worker or job.trainer.step_count < 30) and time.time() < deadline:
        time.sleep(0.1)
    assert job.running and job.trainer.step_count >= 30  # progress streamed back while it runs
    assert job.worker["pid"] != os.getpid()
    assert job.worker["threads"] == 1
    assert job.worker["nice"] == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    h = job.trainer.history
    assert len(h.steps) == len(h.loss) == len(h.accuracy) >= 30
    assert [s.step for s in job.trainer.snapshots][:4] == [0, 10, 20, 30]
    job.stop()
    assert job.status == "stopped" and not job.error
    stopped_at = job.trainer.step_count
    assert stopped_at == len(job.trainer.history.steps)  # the final state replaced the streamed mirror
    job.start(extra_steps=7)
    job.wait(timeout=120)
    assert job.status == "finished" and job.trainer.step_count == stopped_at + 7


def test_stop_and_resume_equals_one_run():
    """Stopping hands the whole state back (weights, optimiser, data stream): resuming goes on exactly."""
    whole = Trainer(TrainConfig(task="sort", steps=40, d_model=32, seed=1))
    whole.run()
    job = TrainingJob(Trainer(TrainConfig(task="sort", steps=25, d_model=32, seed=1)))
    job.start()
    job.wait(timeout=120)
    job.start(extra_steps=15)
    job.wait(timeout=120)
    assert job.trainer.step_count == 40
    np.testing.assert_allclose(job.trainer.history.loss, whole.history.loss, rtol=1e-4, atol=1e-5)


def test_a_worker_that_dies_leaves_the_model_where_the_run_began():
    job = TrainingJob(Trainer(TrainConfig(task="copy", steps=100_000, d_model=32)))
    job.start()

    deadline = time.time() + 120
    while not job.worker and time.time() < deadline:
        time.sleep(0.1)
    os.kill(job.worker["pid"], 9)
    job.wait(timeout=30)
    assert job.status == "stopped"
    assert "ended unexpectedly" in job.error and "as it was at step 0" in job.error
    assert job.trainer.step_count == 0 and job.trainer.history.steps == []
