"""A training job's cost said before it starts: parameters counted on the meta device, time and memory from a
measured calibration extrapolated by hand-checkable lines, and the operator's caps."""
from dataclasses import replace

import pytest

from attnviz.core.settings import Settings, from_environment
from attnviz.models.scratch import ScratchConfig, ScratchTransformer
from attnviz.models.tokens import CharCodec
from attnviz.training import cost
from attnviz.training.cost import (CONFIRM_ABOVE_S, HELDOUT, Calibration, CalibrationCache, duration, estimate,
                                   limit_problems, model_params)
from attnviz.training.trainer import TrainConfig, Trainer

LARGEST = TrainConfig(task="reverse", n_layers=6, n_heads=16, d_model=256, length=40, steps=100_000, batch_size=1024)
CAL = Calibration(step_s=(0.01, 0.002), snapshot_s=0.05, eval_s=0.5, memory=(300e6, 4e6))


@pytest.mark.parametrize("cfg", [TrainConfig(task="copy", d_model=16, n_heads=2, n_layers=1),
                                 TrainConfig(task="reverse", architecture="encoder-decoder", positional="learned")])
def test_parameters_are_those_of_the_model_the_trainer_builds(cfg):
    model = Trainer(replace(cfg, steps=1)).model
    assert model_params(cfg) == sum(p.numel() for p in model.parameters())


def test_the_largest_form_counts_as_the_model_built_for_real():
    c = LARGEST.resolved()
    model = ScratchTransformer(ScratchConfig(
        architecture=c.architecture, vocab_size=CharCodec().vocab_size, d_model=256, n_heads=16, n_layers=6,
        d_ff=1024, positional=c.positional, max_len=4 * 40 + 8))
    assert model_params(LARGEST) == sum(p.numel() for p in model.parameters())
    assert 4.7e6 < model_params(LARGEST) < 4.9e6


def test_the_estimate_follows_the_calibration_lines():
    cfg = TrainConfig(task="reverse", steps=1000, batch_size=100, snapshot_every=50, eval_every=100)
    est = estimate(cfg, CAL)
    assert est.step_s == pytest.approx(0.01 + 0.002 * 100)
    assert est.seconds == pytest.approx(1000 * 0.21 + 20 * 0.05 + 10 * 0.5)
    assert est.memory_bytes == int(300e6 + 4e6 * 100)
    assert est.steps == 1000 and not est.needs_confirmation
    resumed = estimate(cfg, CAL, from_step=600)
    assert resumed.steps == 400 and resumed.seconds == pytest.approx(400 * 0.21 + 8 * 0.05 + 4 * 0.5)


def test_a_job_past_an_hour_asks_first():
    est = estimate(replace(LARGEST, batch_size=20), CAL)  # 100,000 steps of 0.05 s, 2,000 snapshots, 1,000 evals
    assert est.seconds == pytest.approx(100_000 * 0.05 + 2000 * 0.05 + 1000 * 0.5) == 5600
    assert est.seconds > CONFIRM_ABOVE_S and est.needs_confirmation
    assert not estimate(replace(LARGEST, batch_size=10), CAL).needs_confirmation  # exactly 3,600 s: not past
    assert duration(est.seconds) == "1.6 h" and duration(40) == "40 s" and duration(600) == "10 min"
    assert duration(22 * 86400) == "22 days"


def test_calibrations_are_measured_once_per_shape():
    calls = []
    cache = CalibrationCache(lambda cfg: calls.append(cfg) or CAL)
    base = TrainConfig(task="reverse")
    for b, steps, lr in ((8, 100, 0.01), (512, 5000, 0.001), (64, 100, 0.003)):
        assert cache.get(replace(base, batch_size=b, steps=steps, lr=lr)) is CAL
    assert len(calls) == 1
    cache.get(replace(base, d_model=32))
    assert len(calls) == 2 and cache.cached(replace(base, batch_size=1)) is CAL


def test_the_operators_caps_say_what_to_change():
    caps = Settings(max_train_params=1_000_000, max_train_batch=256, max_train_mb=1024, max_train_minutes=30)
    problems = limit_problems(LARGEST, caps, estimate(LARGEST, CAL))
    assert problems == [
        "This model has 4,789,760 parameters; this server trains at most 1,000,000. Use fewer layers or a smaller "
        "d_model.",
        "A batch of 1,024 is more than this server allows (256): use a smaller batch.",
        f"This job would take about {round((300e6 + 4e6 * 1024) / 2**20):,} MB; this server allows 1,024 MB a job. "
        "Use a smaller batch, fewer layers or a smaller d_model.",
        # 100,000 steps of 0.01 + 0.002 x 1,024 s, 2,000 snapshots of 0.05 s, 1,000 evaluations of 0.5 s: 206,400 s
        "This job would take about 3,440 minutes on this server; it allows 30 minutes a job. Train fewer steps, "
        "or a smaller model or batch.",
    ]
    assert limit_problems(TrainConfig(task="copy", steps=100, batch_size=8), caps, estimate(
        TrainConfig(task="copy", steps=100, batch_size=8), CAL)) == []
    assert limit_problems(LARGEST, Settings()) == []  # a personal server: no caps, and no calibration needed


def test_the_shared_preset_caps_model_size_memory_and_time():
    s = from_environment({"ATTNVIZ_SHARED": "1"})
    assert (s.max_train_params, s.max_train_batch, s.max_train_mb, s.max_train_minutes) == (1_000_000, 256, 1024, 30)
    s = from_environment({"ATTNVIZ_SHARED": "1", "ATTNVIZ_MAX_TRAIN_MINUTES": "5", "ATTNVIZ_MAX_TRAIN_PARAMS": "0"})
    assert s.max_train_minutes == 5 and s.max_train_params == 0
    assert from_environment({}).max_train_minutes == 0


def test_a_real_calibration_in_a_worker_process():
    cfg = TrainConfig(task="copy", d_model=16, n_heads=2, n_layers=1)
    cal = cost.calibrate_in_worker(cfg)
    assert cal.batches == cost.CALIBRATION_BATCHES
    assert cal.step_s[0] >= 0 and cal.step_s[1] >= 0 and sum(cal.step_s) > 0
    assert cal.eval_s > 0 and cal.snapshot_s > 0 and cal.memory[0] > 50e6  # a torch process: tens of MB at least
    est = estimate(replace(cfg, steps=200, batch_size=32), cal)
    assert est.seconds >= 200 * cal.step_s[0] and est.memory_bytes >= cal.memory[0]
    assert HELDOUT == len(Trainer(replace(cfg, steps=1)).heldout[0])


def test_peak_memory_is_the_processes_own_not_its_parents():
    """A process started by a big one (a server holding models) reports its own peak: getrusage's ru_maxrss kept the
    parent's high-water mark across exec, and a tiny job was estimated at the server's 1.5 GB."""
    import subprocess
    import sys

    import numpy as np

    ballast = np.ones(600_000_000 // 8)  # 600 MB resident in this process
    ballast[::512] = 2.0
    child = subprocess.run([sys.executable, "-c", "from attnviz.training.cost import peak_rss; print(peak_rss())"],
                           capture_output=True, text=True, check=True)
    assert int(child.stdout) < 400 * 2**20, int(child.stdout) / 2**20  # a python with torch: about 300 MB
    assert cost.peak_rss() > 600 * 2**20  # and this process's own peak holds the ballast
    del ballast
