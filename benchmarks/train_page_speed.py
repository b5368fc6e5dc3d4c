"""Training steps per second: the page's worker process against `python -m attnviz train`.

Each round runs, one after the other, on the reverse task's defaults (800 steps):
- cli: `python -m attnviz train` in a fresh process (its own clock, and the wall time with start-up);
- worker: a TrainingJob on a JobBoard, exactly as the page starts one (its own process, nice 10, one thread);
- worker, busy server: the same while this process runs a thread of pure-Python work, the way page
  reruns of other sessions hold the server's interpreter lock;
- thread, busy server: the old way, Trainer.run on a thread inside the busy server, for comparison.
Prints a Markdown table of medians over the rounds. Usage: python benchmarks/train_page_speed.py [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from attnviz.training.jobs import JobBoard
from attnviz.training.trainer import TrainConfig, Trainer
from attnviz.training.worker import TrainingJob

STEPS = 800


def cli() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "attnviz", "train", "--task", "reverse", "--steps", str(STEPS),
                               "--out", out], cwd=ROOT, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
    seconds = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
    return STEPS / seconds, STEPS / wall


def worker() -> tuple[float, float]:
    board = JobBoard(max_jobs=1, max_per_session=1)
    start = time.perf_counter()
    job = board.add(TrainingJob(Trainer(TrainConfig(task="reverse", steps=STEPS)), session="bench"))
    job.start()
    job.wait()
    wall = time.perf_counter() - start
    assert job.status == "finished", job.error
    return STEPS / job.trainer.history.seconds, STEPS / wall


def thread() -> tuple[float, float]:
    trainer = Trainer(TrainConfig(task="reverse", steps=STEPS))
    start = time.perf_counter()
    t = threading.Thread(target=trainer.run)
    t.start()
    t.join()
    return STEPS / trainer.history.seconds, STEPS / (time.perf_counter() - start)


class Busy:
    """A thread of pure-Python work holding the interpreter lock, as other sessions' page runs do."""

    def __enter__(self):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._spin, daemon=True)
        self.thread.start()
        return self

    def _spin(self) -> None:
        while not self.stop.is_set():
            sum(i * i for i in range(20_000))

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    results: dict[str, list[tuple[float, float]]] = {}
    for _ in range(rounds):
        results.setdefault("cli", []).append(cli())
        results.setdefault("worker (page)", []).append(worker())
        with Busy():
            results.setdefault("worker (page), busy server", []).append(worker())
        with Busy():
            results.setdefault("thread in the server (old), busy server", []).append(thread())
    base = statistics.median(r[0] for r in results["cli"])
    print("| how | steps/s (training loop) | steps/s (wall, with start-up) | vs cli |")
    print("|---|---|---|---|")
    for how, rows in results.items():
        loop = statistics.median(r[0] for r in rows)
        wall = statistics.median(r[1] for r in rows)
        print(f"| {how} | {loop:.1f} | {wall:.1f} | {loop / base:.0%} |")
    print(f"\nrounds: {rounds}; per round: " + "; ".join(
        f"{how}: " + ", ".join(f"{r[0]:.0f}" for r in rows) for how, rows in results.items()))


if __name__ == "__main__":
    main()
