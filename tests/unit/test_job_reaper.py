"""A job whose page is gone stops within seconds (not after Streamlit's 120 s grace); an ended session's worker is ended."""
from attnviz.training.jobs import AWAY_NOTE, AWAY_S, JobBoard


class FakeJob:
    def __init__(self, session: str) -> None:
        self.session, self.status, self.board, self.note = session, "stopped", None, None
        self.last_seen, self.killed = 0.0, False

    @property
    def active(self) -> bool:
        return self.status in ("waiting", "running")

    def launch(self) -> bool:
        self.status = "running"
        return True

    def stop(self, wait: float = 0) -> None:
        if self.status == "waiting":
            self.board.cancel(self)
        self.status = "stopped"
        self.board.ended(self)

    def kill(self) -> None:
        self.killed = True
        self.stop()


def _board(*sessions):
    board = JobBoard(max_jobs=4, max_per_session=1)
    jobs = [board.add(FakeJob(s)) for s in sessions]
    for job in jobs:
        board.submit(job)
    return board, jobs


def test_a_disconnected_sessions_job_stops_once_unseen_for_away_s():
    board, (a, b) = _board("a", "b")
    a.last_seen = b.last_seen = 100.0
    gone = {"a"}
    reap = dict(alive=lambda s: True, idle_s=600, connected=lambda s: s not in gone)
    board.reap(now=100.0 + AWAY_S - 1, **reap)  # closed a moment ago: Streamlit may still reconnect it
    assert a.status == b.status == "running"
    board.reap(now=100.0 + AWAY_S + 1, **reap)
    assert a.status == "stopped" and a.note == AWAY_NOTE and not a.killed  # stopped, state kept: it can resume
    assert b.status == "running"  # connected: only idle_s applies
    assert board.counts() == (1, 0)


def test_without_a_connected_callback_only_idle_and_ended_apply():
    board, (a,) = _board("a")
    a.last_seen = 0.0
    board.reap(alive=lambda s: True, idle_s=600, now=AWAY_S * 10)
    assert a.status == "running"
    board.reap(alive=lambda s: True, idle_s=600, now=601)
    assert a.status == "stopped" and a.note != AWAY_NOTE


def test_an_ended_sessions_job_is_killed_and_forgotten():
    board, (a, b) = _board("a", "b")
    board.reap(alive=lambda s: s != "a", idle_s=600, now=1.0, connected=lambda s: True)
    assert a.killed and a.status == "stopped" and not b.killed
    assert a not in board._jobs and b in board._jobs
