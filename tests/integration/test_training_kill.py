"""An ended session's training worker is ended at once, mid-step, and the trainer goes back to where the run began."""
from attnviz.training.jobs import JobBoard
from attnviz.training.trainer import TrainConfig, Trainer
from attnviz.training.worker import TrainingJob


def test_killing_a_job_ends_its_worker_and_rolls_back():
    trainer = Trainer(TrainConfig(task="copy", steps=100_000, d_model=16, n_heads=2, n_layers=1, batch_size=8))
    board = JobBoard(max_jobs=1, max_per_session=1)
    job = board.add(TrainingJob(trainer, session="gone"))
    job.start()
    for _ in range(600):  # until the worker has reported (at most about a minute on a loaded machine)
        if job.worker and trainer.step_count > 0:
            break
        job.wait(timeout=0.1)
    assert job.running and job.worker
    proc = job._proc
    board.reap(alive=lambda s: False, idle_s=600)
    job.wait(timeout=30)
    assert not job.active and job.status == "stopped"
    assert proc.poll() is not None and proc.returncode < 0  # killed by a signal, not a clean stop
    assert trainer.step_count == 0 and job.error  # rolled back: the worker's steps were not handed back
    assert job not in board._jobs and board.counts() == (0, 0)
