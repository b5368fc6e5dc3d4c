"""The training lab's induction task, trained briefly: its checkpoint has an induction head in layer 1 that its
untrained start lacks, measured on the task's own sample input, and compare ranks those heads as changed."""
from __future__ import annotations

import pytest

from attnviz.analysis.headtypes.census import INDUCTION_ON_TEXT
from attnviz.training.tasks import TASKS
from attnviz.training.trainer import TrainConfig, Trainer
from attnviz.training.versus_start import checkpoint_sample, versus_start

# 200 steps of the task's default model (2 layers × 4 heads, batch 64): a few seconds on a CPU. At 150 steps
# the layer-1 heads score about 0.5–0.6 on the sample, at 200 about 0.6–0.8: enough margin over the 0.4 bar.
STEPS = 200


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    trainer = Trainer(TrainConfig(task="induction", steps=STEPS, seed=0, device="cpu", snapshot_every=STEPS,
                                  eval_every=STEPS))
    trainer.run()
    return trainer.save(tmp_path_factory.mktemp("ckpt") / "induction")


def test_the_sample_is_the_tasks_own(checkpoint):
    source, answer = TASKS["induction"].probe
    assert checkpoint_sample(checkpoint) == (f"{source}|{answer}", "")


def test_the_induction_head_appears_in_layer_1(checkpoint):
    v = versus_start(checkpoint)
    trained, start = v.census_trained, v.census_start
    assert INDUCTION_ON_TEXT in trained.notes
    found = trained.heads_of("induction")
    assert found and {layer for layer, _ in found} == {1}, trained.scores["induction"]
    assert start.heads_of("induction") == [] and start.scores["induction"].max() < 0.2
    row = next(r for r in v.types if r.name == "induction")
    assert row.only_a == found and row.only_b == [] and all(h.depth == 1.0 for h in row.a)
    # what changed most: the induction heads are among the heads ranked above the rest
    assert v.changes.pairing == "same" and not v.changes.identical
    top = {(c.layer_a, c.head_a) for c in v.changes.top(len(found) + 2)}
    assert set(found) <= top
