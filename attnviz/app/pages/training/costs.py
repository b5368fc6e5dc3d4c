"""What a training job will cost, said beside "Start training": its time and memory on this machine (a short measured
calibration, once per model shape), a question before a job past an hour, and the operator's caps.

The largest form of the lab came to about 541 CPU-hours with no word before the click (issue 30).
"""
from __future__ import annotations

import logging
import threading
from dataclasses import replace

import streamlit as st

from attnviz.app.shell import messages
from attnviz.core import settings
from attnviz.i18n import Message, say, t, tn
from attnviz.training import cost
from attnviz.training.trainer import TrainConfig

log = logging.getLogger("attnviz.app")

_one_at_a_time = threading.Lock()  # a calibration is a process training a few steps: one at a time per server
_failed: set[tuple] = set()  # shapes whose calibration failed (logged once; not measured again)


def _calibrate(cfg: TrainConfig) -> cost.Calibration | None:
    """One calibration in a worker-like process (one thread, nice 10), or None when it failed (logged once)."""
    with _one_at_a_time:
        try:
            return cost.calibrate_in_worker(cfg)
        except Exception as exc:  # a failed measurement must not stop the form; the operator reads why
            _failed.add(cost.shape_key(cfg))
            messages.logged("measuring the cost of training", exc)
            return None


CALIBRATIONS = cost.CalibrationCache(_calibrate)  # per config shape, for every session of this process


def estimate(cfg: TrainConfig) -> cost.Estimate | None:
    """The job's cost on this machine (measured the first time a model shape is asked for, with a spinner), or None
    when it could not be measured."""
    if cost.shape_key(cfg) in _failed:
        return None
    calibration = CALIBRATIONS.cached(cfg)
    if calibration is None:
        with st.spinner(t("Measuring what training costs on this machine (a few steps, once for this model shape)…")):
            calibration = CALIBRATIONS.get(cfg)
    return cost.estimate(cfg, calibration) if calibration is not None else None


def caps(cfg: TrainConfig, est: cost.Estimate | None) -> list[str]:
    """The operator's caps this job passes (cost.limit_problems), each a sentence saying what to change. Without a
    measured estimate only the caps that need none (parameters, batch) are checked."""
    s = settings.current()
    if est is None:
        s = replace(s, max_train_mb=0, max_train_minutes=0)
    return cost.limit_problems(cfg, s, est)


def duration(seconds: float) -> str:
    """A duration as a person reads it, in the page's language: 40 s, 12 min, 3.5 h, 22 days."""
    if seconds < 90:
        return t("{n} s", n=f"{seconds:.0f}")
    if seconds < 90 * 60:
        return t("{n} min", n=f"{seconds / 60:.0f}")
    if seconds < 48 * 3600:
        return t("{n} h", n=f"{seconds / 3600:.1f}")
    days = round(seconds / 86400)
    return tn("{n} day", "{n} days", days, n=f"{days:,}")


def line(est: cost.Estimate | None) -> str:
    """What the job will cost, for the caption beside the button."""
    if est is None:
        return t("The cost of this job could not be measured on this machine.")
    return t("About {time} and {mb} MB on this machine's CPU for {steps} steps ({params} parameters; measured from a "
             "few steps of this model).", time=duration(est.seconds), mb=f"{est.memory_bytes / 2**20:,.0f}",
             steps=f"{est.steps:,}", params=f"{est.params:,}")


def question(est: cost.Estimate) -> str:
    """The question before a job past an hour (cost.CONFIRM)."""
    return say(Message(cost.CONFIRM, duration=duration(est.seconds)))
