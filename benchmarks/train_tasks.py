"""Each toy task with the training lab's defaults: steps and seconds to 99% held-out token accuracy.

    python benchmarks/train_tasks.py [--tasks reverse induction ...]

Prints a markdown table; copy it into benchmarks/RESULTS.md with the machine it ran on.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from attnviz.training.tasks import TASKS
from attnviz.training.trainer import TrainConfig, Trainer, induction_scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", nargs="*", default=list(TASKS))
    ap.add_argument("--positional", default="sinusoidal")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}")
    print("| task | architecture | steps run | steps to ≥99% held-out | seconds to ≥99% | seconds total | "
          "final held-out accuracy | pattern |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.tasks:
        trainer = Trainer(TrainConfig(task=name, positional=args.positional, eval_every=25))
        cfg = trainer.config
        reached, reached_s, start = None, None, time.perf_counter()
        while trainer.step_count < cfg.steps:
            trainer.step()
            if trainer.step_count % 25 == 0 and reached is None and trainer.history.eval_accuracy[-1] >= 0.99:
                reached, reached_s = trainer.step_count, time.perf_counter() - start
        total = time.perf_counter() - start
        acc = trainer.evaluate()
        pattern = ""
        snap = trainer.snapshots[-1].attention
        if name == "induction":
            s = induction_scores(snap["self"], len(trainer.task.probe[0]))
            best = np.unravel_index(np.argmax(s), s.shape)
            pattern = f"induction score {s[best]:.2f} (layer {best[0]}, head {best[1]})"
        elif name == "reverse":
            a = snap["self"]
            n = a.shape[-1]
            anti = a[:, :, np.arange(n), n - 1 - np.arange(n)].mean(-1)
            best = np.unravel_index(np.argmax(anti), anti.shape)
            pattern = f"anti-diagonal mass {anti[best]:.2f} (layer {best[0]}, head {best[1]})"
        print(f"| {name} | {cfg.architecture} | {trainer.step_count} | {reached or 'not reached'} | "
              f"{f'{reached_s:.1f}' if reached_s else '—'} | {total:.1f} | {acc:.4f} | {pattern} |", flush=True)


if __name__ == "__main__":
    main()
