"""A training job in its own process: the page's Trainer is mirrored from a worker process that trains.

Training in the server's own interpreter shares its lock with every page of every visitor: measured,
25 steps/s in the page against 55 on the command line. The worker trains with its own interpreter,
at a lower priority and on a capped number of threads, and streams back what the page draws
(history, snapshots) a few times a second; when it stops or finishes it hands back the whole state
(weights, optimiser, data stream) and exits, so a resumed run continues exactly where it left off,
and the page can try and save the model without a process per idle job.

The worker is a fresh `python -m attnviz.training.worker`, not a multiprocessing child: under
`streamlit run`, `__main__` is the app script itself, and a spawned child would run the whole app
again to import it.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

import torch

from attnviz.i18n import Message
from attnviz.training.trainer import History, TrainConfig, Trainer

SEND_EVERY = 0.25  # seconds between progress messages: the page refreshes once a second
# One thread: these models are small enough that a second thread slows a step down (measured: 72 steps/s
# on one thread, 63 on two, reverse task on the 2-core CPU), and the pages keep the other cores.
WORKER_THREADS = 1
WORKER_NICE = 10  # the pages' requests come before training steps


def _send(conn, message: dict) -> None:
    conn.send_bytes(pickle.dumps(message))


def worker_main(commands: Connection, events: Connection, threads: int, niceness: int) -> None:
    """The worker process: take a Trainer state, train to its config.steps (or a stop), hand the state back."""
    parent = os.getppid()
    try:
        os.nice(niceness)
    except OSError:  # not allowed here: train at the normal priority rather than not at all
        pass
    torch.set_num_threads(max(1, threads))
    try:
        state = pickle.loads(commands.recv_bytes())
        trainer = Trainer(TrainConfig(**state["config"]))
        trainer.load_state(state)
        _send(events, {"kind": "hello", "pid": os.getpid(), "threads": torch.get_num_threads(),
                       "nice": os.getpriority(os.PRIO_PROCESS, 0)})
        sent = [len(trainer.history.steps), len(trainer.history.eval_steps), len(trainer.snapshots)]
        seconds0 = trainer.history.seconds
        start = last = time.perf_counter()
        while trainer.step_count < trainer.config.steps:
            if commands.poll() and _stop_asked(commands):
                break
            trainer.step()
            now = time.perf_counter()
            if now - last >= SEND_EVERY:
                if os.getppid() != parent:  # the server is gone: nobody will read this
                    return
                trainer.history.seconds = seconds0 + now - start
                _send(events, _progress(trainer, sent))
                last = now
        trainer.history.seconds = seconds0 + time.perf_counter() - start
        trainer.evaluate()  # as Trainer.run does at its end, so the accuracy matches the command line's
        _send(events, {"kind": "done", "state": trainer.state()})
    except Exception as exc:  # shown on the page; the state is rolled back to where this run began
        try:
            _send(events, {"kind": "error", "message": f"{type(exc).__name__}: {exc}"})
        except OSError:
            pass
    finally:
        events.close()


def _stop_asked(commands: Connection) -> bool:
    """A stop message, or the server closed its end (it has gone): either way, stop."""
    try:
        return commands.recv_bytes() == b"stop"
    except (EOFError, OSError):
        return True


def _progress(trainer: Trainer, sent: list[int]) -> dict:
    """What happened since the last message (sent: counts already sent, updated in place)."""
    h = trainer.history
    n, e, s = sent
    sent[:] = [len(h.steps), len(h.eval_steps), len(trainer.snapshots)]
    return {"kind": "progress", "step": trainer.step_count, "seconds": h.seconds,
            "steps": h.steps[n:], "loss": h.loss[n:], "accuracy": h.accuracy[n:],
            "eval_steps": h.eval_steps[e:], "eval_accuracy": h.eval_accuracy[e:], "snapshots": trainer.snapshots[s:]}


class TrainingJob:
    """A Trainer that trains in a worker process: start, stop, resume, and read its progress at any time.

    `trainer` lives in this process: its history, snapshots and step count follow the worker's while it
    runs, and its weights become the worker's when the run ends (then predict() and save() use them).
    status: "waiting" (queued on a board), "running", "stopped" or "finished".
    """

    def __init__(self, trainer: Trainer, session: str = "", threads: int = WORKER_THREADS,
                 niceness: int = WORKER_NICE) -> None:
        self.trainer = trainer
        self.session = session
        self.threads, self.niceness = threads, niceness
        self.lock = threading.Lock()  # held while the trainer's weights are read or replaced
        self.status = "finished" if self.finished else "stopped"
        self.error: str | None = None  # a Keyed, so that a page says it in its language
        self.note: str | None = None  # why the server stopped it (idle, its session ended), a Keyed
        self.board = None  # a JobBoard that decides when it may run
        self.worker: dict = {}  # the worker's pid, threads and priority, as it reported them
        self.last_seen = time.monotonic()
        self._commands = None
        self._reader: threading.Thread | None = None
        self._proc: subprocess.Popen | None = None

    # ---- state the page reads --------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def waiting(self) -> bool:
        return self.status == "waiting"

    @property
    def active(self) -> bool:
        """Waiting or running: the page refreshes and offers Stop."""
        return self.status in ("waiting", "running")

    @property
    def finished(self) -> bool:
        return self.trainer.step_count >= self.trainer.config.steps

    def touch(self) -> None:
        """Someone looked at this job (the board stops jobs nobody looks at)."""
        self.last_seen = time.monotonic()

    # ---- control ---------------------------------------------------------------------------------
    def start(self, extra_steps: int | None = None) -> None:
        """Start (or resume) training up to config.steps, or for extra_steps more; queued when a board is full."""
        if self.active:
            return
        if extra_steps:
            self.trainer.config = replace(self.trainer.config, steps=self.trainer.step_count + extra_steps)
        self.error = self.note = None
        self.touch()
        if self.board is not None:
            self.board.submit(self)
        else:
            self.launch()

    def launch(self) -> bool:
        """Start the worker process now (the board calls this when a slot is free)."""
        payload = pickle.dumps(self.trainer.state())
        cmd_read, cmd_write = os.pipe()
        ev_read, ev_write = os.pipe()
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)}
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "attnviz.training.worker", str(cmd_read), str(ev_write), str(self.threads),
                 str(self.niceness)], pass_fds=(cmd_read, ev_write), stdin=subprocess.DEVNULL, env=env,
                close_fds=True)
        except OSError as exc:
            for fd in (cmd_read, cmd_write, ev_read, ev_write):
                os.close(fd)
            self.error = Message("Could not start the training process: {why}", why=str(exc))
            self.status = "stopped"
            return False
        os.close(cmd_read)
        os.close(ev_write)
        self._proc = proc
        self._commands = Connection(cmd_write, readable=False)
        events = Connection(ev_read, writable=False)
        self.status = "running"
        self._reader = threading.Thread(target=self._read, args=(proc, events, payload),
                                        name="attnviz-train-reader", daemon=True)
        self._reader.start()
        try:
            self._commands.send_bytes(payload)
        except OSError:  # the worker died at once; the reader says so
            pass
        return True

    def stop(self, wait: float = 10.0) -> None:
        """Stop training (or leave the queue); waits up to `wait` seconds for the worker's state."""
        if self.status == "waiting":
            if self.board is not None:
                self.board.cancel(self)
            self.status = "finished" if self.finished else "stopped"
            return
        reader, commands = self._reader, self._commands
        if commands is not None:
            try:
                commands.send_bytes(b"stop")
            except OSError:  # the worker has already gone
                pass
        if reader is not None and wait > 0:
            reader.join(timeout=wait)

    def kill(self) -> None:
        """End the worker now, without waiting for its step to finish: its weights since the run began are lost
        (the trainer goes back to where this run started). For jobs nobody will come back to."""
        if self.status == "waiting":
            self.stop()
            return
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the current run has ended (for the command line and tests)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.active and (deadline is None or time.monotonic() < deadline):
            reader = self._reader
            if reader is not None:
                reader.join(timeout=0.1)
            else:
                time.sleep(0.05)

    # ---- the worker's messages -------------------------------------------------------------------
    def _read(self, proc, events, payload: bytes) -> None:
        final = None
        try:
            while True:
                try:
                    message = pickle.loads(events.recv_bytes())
                except (EOFError, OSError):
                    break
                kind = message["kind"]
                if kind == "hello":
                    self.worker = {k: message[k] for k in ("pid", "threads", "nice")}
                elif kind == "progress":
                    self._apply(message)
                elif kind == "error":
                    self.error = Message("Training stopped: {why}", why=message["message"])
                elif kind == "done":
                    final = message["state"]
                    break
        finally:
            events.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.terminate()
                proc.wait(timeout=5)
            with self.lock:
                if final is not None:
                    self.trainer.load_state(final)
                else:  # the worker died or failed: its weights are lost, so go back to where this run began
                    self.trainer.load_state(pickle.loads(payload))
                    reason = self.error or Message("The training process ended unexpectedly (exit code {code}).", code=proc.returncode)
                    self.error = Message("{reason} The model is as it was at step {step}.", reason=reason, step=self.trainer.step_count)
                if self._commands is not None:
                    self._commands.close()
                    self._commands = None
                self.status = "finished" if self.finished else "stopped"
            if self.board is not None:
                self.board.ended(self)

    def _apply(self, message: dict) -> None:
        """Extend the mirrored history: a new History object, so a page never reads a half-updated one."""
        t, h = self.trainer, self.trainer.history
        t.history = History(steps=h.steps + message["steps"], loss=h.loss + message["loss"],
                            accuracy=h.accuracy + message["accuracy"],
                            eval_steps=h.eval_steps + message["eval_steps"],
                            eval_accuracy=h.eval_accuracy + message["eval_accuracy"], seconds=message["seconds"])
        t.snapshots = t.snapshots + message["snapshots"]
        t.step_count = message["step"]


if __name__ == "__main__":  # python -m attnviz.training.worker COMMANDS_FD EVENTS_FD THREADS NICENESS
    worker_main(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False),
                int(sys.argv[3]), int(sys.argv[4]))
