"""The survey's induction score finds the induction heads of a from-scratch model trained on the induction task."""
from __future__ import annotations

import random

import numpy as np

from attnviz.survey.corpus import Corpus
from attnviz.survey.query import Survey
from attnviz.survey.run import run_survey
from attnviz.training.tasks import TASKS
from attnviz.training.trainer import TrainConfig, Trainer, induction_scores
from attnviz.models.loading import load_model


def test_induction_score_finds_the_trained_induction_heads(tmp_path):
    trainer = Trainer(TrainConfig(task="induction", steps=400, seed=0, device="cpu"))
    trainer.run()
    trainer.save(tmp_path / "model")
    # the trainer's own measure on its probe: the shifted diagonal of "x0..x7|x0..x6"
    probe = induction_scores(np.asarray(trainer.snapshots[-1].attention["self"]), len(trainer.task.probe[0]))
    inducers = {(int(l), int(h)) for l, h in zip(*np.nonzero(probe > 0.7))}
    assert inducers, probe  # training made at least one induction head
    rng = random.Random(1)
    texts = []
    for _ in range(40):
        source, target = TASKS["induction"].make(rng, 8)
        texts.append(source + "|" + target[:-1])
    model = load_model(str(tmp_path / "model"), device="cpu")
    run_survey(model, Corpus("induction", lambda: ({"text": t} for t in texts), 40), tmp_path / "s", progress=False)
    found = Survey(tmp_path / "s").find_heads("induction")
    top = [(int(l), int(h)) for l, h in zip(found["layer"], found["head"])][: len(inducers)]
    assert set(top) == inducers, (found, probe)
    assert found["score"].iloc[len(inducers) - 1] > 0.7 > found["score"].iloc[len(inducers)]
