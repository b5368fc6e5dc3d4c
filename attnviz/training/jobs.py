"""The board of every visitor's training jobs: how many train at once, who waits, who is stopped.

At most `max_jobs` jobs train at once over all sessions, and at most `max_per_session` of one
session; the others wait in the order they asked. A job whose session has ended is closed (its worker
ended at once), one whose page is gone (the session is disconnected: its tab closed, its network lost) is
stopped after `away_s` seconds unseen (it keeps its state, and resumes if the tab comes back within
Streamlit's grace period of 120 s), and one nobody has looked at for `idle_s` seconds is stopped too.
Before this, a closed tab's job trained on for 120-150 s: the session counted as alive for the whole grace period.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from attnviz.training.worker import TrainingJob
from attnviz.i18n import Message, N_

AWAY_NOTE = N_("Stopped when its page was closed. Resume it to train on from where it stopped.")
AWAY_S = 10.0  # a job whose session is disconnected and that nobody has seen for this long is stopped
WATCH_EVERY_S = 2.0  # how often the board looks (a look is a few set operations)


class JobBoard:
    """Limits and a queue for training jobs, shared by every session of one server process."""

    def __init__(self, max_jobs: int, max_per_session: int) -> None:
        self.max_jobs = max(1, int(max_jobs))
        self.max_per_session = max(1, int(max_per_session))
        self._lock = threading.RLock()
        self._jobs: list[TrainingJob] = []  # every job on the board, in any state
        self._waiting: list[TrainingJob] = []
        self._running: list[TrainingJob] = []
        self._watcher: threading.Thread | None = None

    # ---- jobs join and leave ---------------------------------------------------------------------
    def add(self, job: TrainingJob) -> TrainingJob:
        with self._lock:
            job.board = self
            if job not in self._jobs:
                self._jobs.append(job)
        return job

    def remove(self, job: TrainingJob, kill: bool = False) -> None:
        """Forget a job (its session replaced or lost it), stopping it without waiting; `kill` ends its worker at
        once instead of at the end of its current step (nobody will read its state)."""
        with self._lock:
            if job in self._jobs:
                self._jobs.remove(job)
            if job in self._waiting:
                self._waiting.remove(job)
                job.status = "stopped"
        if kill:
            job.kill()
        else:
            job.stop(wait=0)

    # ---- the queue (called by TrainingJob) -------------------------------------------------------
    def submit(self, job: TrainingJob) -> None:
        with self._lock:
            self.add(job)
            if job not in self._waiting and job not in self._running:
                job.status = "waiting"
                self._waiting.append(job)
            self._schedule()

    def cancel(self, job: TrainingJob) -> None:
        with self._lock:
            if job in self._waiting:
                self._waiting.remove(job)

    def ended(self, job: TrainingJob) -> None:
        with self._lock:
            if job in self._running:
                self._running.remove(job)
            self._schedule()

    def _schedule(self) -> None:
        for job in list(self._waiting):
            if len(self._running) >= self.max_jobs:
                break
            if sum(j.session == job.session for j in self._running) >= self.max_per_session:
                continue
            self._waiting.remove(job)
            self._running.append(job)
            if not job.launch():
                self._running.remove(job)

    # ---- what the page shows ---------------------------------------------------------------------
    def ahead(self, job: TrainingJob) -> int:
        """How many jobs wait before this one (0: it is next)."""
        with self._lock:
            return self._waiting.index(job) if job in self._waiting else 0

    def counts(self) -> tuple[int, int]:
        """(jobs training now, jobs waiting)."""
        with self._lock:
            return len(self._running), len(self._waiting)

    # ---- sessions that end or sit idle -----------------------------------------------------------
    def reap(self, alive: Callable[[str], bool], idle_s: float, now: float | None = None,
             connected: Callable[[str], bool] | None = None, away_s: float = AWAY_S) -> None:
        """Close the jobs of ended sessions (their workers killed); stop active jobs whose session is disconnected
        (`connected` says False) and unseen for away_s seconds, and those nobody has looked at for idle_s."""
        now = time.monotonic() if now is None else now
        with self._lock:
            jobs = list(self._jobs)
        for job in jobs:  # outside the lock: stopping a job calls back into the board
            if not alive(job.session):
                self.remove(job, kill=True)
            elif job.active and connected is not None and not connected(job.session) and now - job.last_seen > away_s:
                job.stop(wait=0)
                job.note = Message(AWAY_NOTE)
            elif job.active and now - job.last_seen > idle_s:
                minutes = max(1, round(idle_s / 60))
                job.stop(wait=0)
                job.note = Message.plural("Stopped: nobody looked at this training for 1 minute. Resume it to go on.",
                                          "Stopped: nobody looked at this training for {minutes} minutes. Resume it "
                                          "to go on.", minutes, minutes=minutes)

    def watch(self, alive: Callable[[str], bool], idle_s: float, every: float = WATCH_EVERY_S,
              connected: Callable[[str], bool] | None = None, away_s: float = AWAY_S) -> None:
        """Reap every `every` seconds on a daemon thread (once per board)."""
        with self._lock:
            if self._watcher is not None:
                return

            def loop() -> None:
                while True:
                    time.sleep(every)
                    try:
                        self.reap(alive, idle_s, connected=connected, away_s=away_s)
                    except Exception:  # a failed round must not end the watching
                        pass

            self._watcher = threading.Thread(target=loop, name="attnviz-train-reaper", daemon=True)
            self._watcher.start()
