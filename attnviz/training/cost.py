"""What a training job will cost on this machine, said before it starts: parameters, memory and time.

Time and memory come from a short measured calibration: a few steps of the configured model at two small
batch sizes, in a fresh worker-like process (one thread, lower priority, as attnviz.training.worker trains),
extrapolated linearly to the job's batch size and step count. A calibration is cached per config shape
(everything but the batch size, the steps, the learning rate and the seed), so the form's estimate follows each
change of batch or steps at no cost. The largest form of the lab came to about 541 CPU-hours with no word before.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch

from attnviz.core.settings import Settings
from attnviz.models.scratch import ScratchConfig, ScratchTransformer
from attnviz.models.tokens import CharCodec
from attnviz.training.trainer import TrainConfig
from attnviz.i18n import Message, N_

CALIBRATION_BATCHES = (8, 64)  # two batch sizes: time and memory are a line through them
CALIBRATION_STEPS = 2  # timed steps at each (after one untimed step that warms the allocator)
CONFIRM_ABOVE_S = 3600  # a job estimated past an hour is asked about before it starts
CALIBRATION_TIMEOUT_S = 120
HELDOUT = 512  # examples in a trainer's held-out evaluation (Trainer.evaluate)

TOO_MANY_PARAMS = N_("This model has {params:,} parameters; this server trains at most {limit:,}. "
                   "Use fewer layers or a smaller d_model.")
TOO_LARGE_BATCH = N_("A batch of {batch:,} is more than this server allows ({limit:,}): use a smaller batch.")
TOO_MUCH_MEMORY = N_("This job would take about {mb:,} MB; this server allows {limit:,} MB a job. "
                   "Use a smaller batch, fewer layers or a smaller d_model.")
TOO_LONG = N_("This job would take about {minutes:,} minutes on this server; it allows {limit:,} minutes a job. "
            "Train fewer steps, or a smaller model or batch.")
CONFIRM = N_("This job would take about {duration} on this machine. Start it anyway?")


@dataclass(frozen=True)
class Calibration:
    """Measured on this machine for one config shape: seconds and bytes as lines in the batch size."""

    step_s: tuple[float, float]  # (intercept, per batch element) of one training step
    snapshot_s: float  # one attention snapshot of the probe
    eval_s: float  # one held-out evaluation
    memory: tuple[float, float]  # (intercept, per batch element) of the worker's peak resident bytes
    batches: tuple[int, ...] = CALIBRATION_BATCHES


@dataclass(frozen=True)
class Estimate:
    """What a job will cost: its model's parameters, its worker's peak memory, and its time on this machine."""

    params: int
    step_s: float
    seconds: float
    memory_bytes: int
    steps: int
    batch_size: int

    @property
    def needs_confirmation(self) -> bool:
        return self.seconds > CONFIRM_ABOVE_S


def shape_key(cfg: TrainConfig) -> tuple:
    """What a calibration depends on: the config less batch size, steps, learning rate, seed and snapshot rates."""
    c = cfg.resolved()
    return (c.task, c.architecture, c.positional, c.n_layers, c.n_heads, c.d_model, c.length, c.device)


def model_params(cfg: TrainConfig) -> int:
    """Parameters of the model the config trains, counted on the meta device (nothing allocated)."""
    c = cfg.resolved()
    with torch.device("meta"):
        model = ScratchTransformer(ScratchConfig(
            architecture=c.architecture, vocab_size=CharCodec().vocab_size, d_model=c.d_model, n_heads=c.n_heads,
            n_layers=c.n_layers, d_ff=4 * c.d_model, positional=c.positional, max_len=max(64, 4 * c.length + 8)))
    return sum(p.numel() for p in model.parameters())


def _line(xs, ys) -> tuple[float, float]:
    """(intercept, slope) through two points, the slope never below zero (noise at small sizes)."""
    (x0, x1), (y0, y1) = xs, ys
    slope = max(0.0, (y1 - y0) / (x1 - x0))
    return max(0.0, y1 - slope * x1), slope


def _timed(fn, repeat: int) -> float:
    """Seconds per call of fn(), over `repeat` calls."""
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def peak_rss() -> int:
    """This process's peak resident bytes. On Linux, VmHWM of /proc/self/status: getrusage's ru_maxrss keeps the
    high-water mark of the process that started this one (the kernel carries it across exec), so a calibration
    started by a server holding 1.5 GB of models reported 1.5 GB for a tiny job."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def measure(cfg: TrainConfig, batches: tuple[int, ...] = CALIBRATION_BATCHES,
            steps: int = CALIBRATION_STEPS) -> Calibration:
    """Train a few steps at each batch size in this process and time them (the worker-like process runs this).

    One trainer serves every batch size; the held-out evaluation (HELDOUT examples) is timed on two small slices
    of its examples and extrapolated, as the steps are."""
    from attnviz.training.trainer import Trainer

    trainer = Trainer(replace(cfg, batch_size=batches[0], steps=10**9, snapshot_every=10**9, eval_every=10**9,
                              device="cpu"))
    heldout = trainer.heldout
    step_times, eval_times, peaks = [], [], []
    for b in batches:
        trainer.config = replace(trainer.config, batch_size=b)
        trainer.step()  # warm up: the allocator's first requests at this size
        step_times.append(_timed(trainer.step, steps))
        peaks.append(peak_rss())
        trainer.heldout = tuple(None if t is None else t[:b] for t in heldout)
        eval_times.append(_timed(trainer.evaluate, 1))
        trainer.heldout = heldout
    eval_line = _line(batches, eval_times)
    snapshot_s = _timed(trainer.snapshot, 2)
    return Calibration(_line(batches, step_times), snapshot_s, eval_line[0] + eval_line[1] * HELDOUT,
                       _line(batches, peaks), tuple(batches))


def calibrate_in_worker(cfg: TrainConfig, threads: int = 1, niceness: int = 10) -> Calibration:
    """measure() in a fresh process, as a training worker runs (its threads and priority; its own memory)."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p),
           "OMP_NUM_THREADS": str(threads)}
    done = subprocess.run([sys.executable, "-m", "attnviz.training.cost", json.dumps(asdict(cfg)), str(threads),
                           str(niceness)], capture_output=True, text=True, env=env, timeout=CALIBRATION_TIMEOUT_S,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"calibration failed: {done.stderr.strip()[-500:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return Calibration(tuple(out["step_s"]), out["snapshot_s"], out["eval_s"], tuple(out["memory"]),
                       tuple(out["batches"]))


class CalibrationCache:
    """Calibrations by config shape, measured once per server process (one at a time per shape)."""

    def __init__(self, measure_fn=calibrate_in_worker) -> None:
        self._measure = measure_fn
        self._done: dict[tuple, Calibration] = {}
        self._locks: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, cfg: TrainConfig) -> Calibration:
        key = shape_key(cfg)
        with self._lock:
            if key in self._done:
                return self._done[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._done:
                self._done[key] = self._measure(cfg)
            return self._done[key]

    def cached(self, cfg: TrainConfig) -> Calibration | None:
        return self._done.get(shape_key(cfg))


CACHE = CalibrationCache()


def estimate(cfg: TrainConfig, calibration: Calibration | None = None, from_step: int = 0) -> Estimate:
    """The cost of training `cfg` from step `from_step` to cfg.steps on this machine (calibrated when not given)."""
    c = cfg.resolved()
    cal = calibration or CACHE.get(c)
    step_s = cal.step_s[0] + cal.step_s[1] * c.batch_size
    steps = max(0, c.steps - from_step)
    seconds = steps * step_s + (steps / c.snapshot_every) * cal.snapshot_s + (steps / c.eval_every) * cal.eval_s
    memory = cal.memory[0] + cal.memory[1] * c.batch_size
    return Estimate(model_params(c), step_s, seconds, int(memory), steps, c.batch_size)


def limit_problems(cfg: TrainConfig, settings: Settings, est: Estimate | None = None) -> list[str]:
    """The operator's caps this job passes, each as a sentence saying what to change (empty: it may start).
    Parameters and batch need no calibration; memory and minutes use `est` (computed when a cap needs it)."""
    c = cfg.resolved()
    out = []
    params = model_params(c)
    if settings.max_train_params and params > settings.max_train_params:
        out.append(Message(TOO_MANY_PARAMS, params=params, limit=settings.max_train_params))
    if settings.max_train_batch and c.batch_size > settings.max_train_batch:
        out.append(Message(TOO_LARGE_BATCH, batch=c.batch_size, limit=settings.max_train_batch))
    if settings.max_train_mb or settings.max_train_minutes:
        est = est or estimate(c)
        mb = est.memory_bytes / 2**20
        if settings.max_train_mb and mb > settings.max_train_mb:
            out.append(Message(TOO_MUCH_MEMORY, mb=round(mb), limit=settings.max_train_mb))
        minutes = est.seconds / 60
        if settings.max_train_minutes and minutes > settings.max_train_minutes:
            out.append(Message(TOO_LONG, minutes=round(minutes), limit=settings.max_train_minutes))
    return out


def duration(seconds: float) -> str:
    """A duration as a person reads it: 40 s, 12 min, 3.5 h, 22 days."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


if __name__ == "__main__":  # python -m attnviz.training.cost CONFIG_JSON THREADS NICENESS: one calibration as JSON
    try:
        os.nice(int(sys.argv[3]))
    except OSError:
        pass
    torch.set_num_threads(max(1, int(sys.argv[2])))
    result = measure(TrainConfig(**json.loads(sys.argv[1])))
    print(json.dumps(asdict(result)))
