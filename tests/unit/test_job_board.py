"""The job board: limits over all sessions and per session, the queue's order, ended and idle sessions."""
from attnviz.training.jobs import JobBoard


class FakeJob:
    """What the board needs of a TrainingJob, without a process."""

    def __init__(self, session: str) -> None:
        self.session, self.status, self.board, self.note = session, "stopped", None, None
        self.last_seen = 0.0
        self.launched = 0

    @property
    def active(self) -> bool:
        return self.status in ("waiting", "running")

    def launch(self) -> bool:
        self.launched += 1
        self.status = "running"
        return True

    def stop(self, wait: float = 0) -> None:
        if self.status == "waiting":
            self.board.cancel(self)
        self.status = "stopped"
        self.board.ended(self)

    def kill(self) -> None:
        self.stop()

    def finish(self) -> None:
        self.status = "finished"
        self.board.ended(self)


def test_jobs_beyond_the_limit_wait_in_order_and_start_when_a_place_frees():
    board = JobBoard(max_jobs=2, max_per_session=1)
    a, b, c, d = (board.add(FakeJob(s)) for s in "abcd")
    for job in (a, b, c, d):
        board.submit(job)
    assert [j.status for j in (a, b, c, d)] == ["running", "running", "waiting", "waiting"]
    assert board.ahead(c) == 0 and board.ahead(d) == 1 and board.counts() == (2, 2)
    a.finish()
    assert c.status == "running" and board.ahead(d) == 0
    d.stop()  # leaving the queue
    b.finish()
    assert d.status == "stopped" and d.launched == 0 and board.counts() == (1, 0)


def test_one_session_cannot_take_every_place():
    board = JobBoard(max_jobs=3, max_per_session=1)
    mine1, mine2, theirs = board.add(FakeJob("me")), board.add(FakeJob("me")), board.add(FakeJob("them"))
    for job in (mine1, mine2, theirs):
        board.submit(job)
    assert (mine1.status, mine2.status, theirs.status) == ("running", "waiting", "running")
    mine1.finish()
    assert mine2.status == "running"


def test_ended_sessions_lose_their_jobs_and_idle_ones_are_stopped():
    board = JobBoard(max_jobs=1, max_per_session=1)
    gone, idle, queued = board.add(FakeJob("gone")), board.add(FakeJob("idle")), board.add(FakeJob("queued"))
    for job in (gone, idle, queued):
        board.submit(job)
    gone.last_seen = idle.last_seen = queued.last_seen = 100.0
    board.reap(lambda session: session != "gone", idle_s=60, now=130.0)  # nobody idle yet
    assert gone.status == "stopped" and idle.status == "running" and queued.status == "waiting"
    queued.last_seen = 150.0
    board.reap(lambda session: True, idle_s=60, now=170.0)
    assert idle.status == "stopped" and "1 minute" in idle.note
    assert queued.status == "running"  # the place the idle job left
