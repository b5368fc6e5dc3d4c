"""Training: the loss falls, snapshots land at the asked steps, checkpoints round-trip, bad settings say why."""
import numpy as np
import pytest
import torch

from attnviz import capture, load_model
from attnviz.training.trainer import TrainConfig, Trainer, induction_scores


def test_short_run_lowers_the_loss_and_snapshots_on_schedule():
    t = Trainer(TrainConfig(task="reverse", steps=60, snapshot_every=15, eval_every=30, d_model=32))
    t.run()
    h = t.history
    assert np.mean(h.loss[-10:]) < 0.7 * np.mean(h.loss[:10])
    assert [s.step for s in t.snapshots] == [0, 15, 30, 45, 60]
    assert h.eval_steps == [30, 60]
    assert t.snapshots[-1].attention["self"].shape == (2, 4, 8, 8)
    assert np.allclose(t.snapshots[-1].attention["self"].sum(-1), 1, atol=1e-5)


def test_the_seed_sets_the_weights_without_touching_the_process_random_state():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a, b = (Trainer(TrainConfig(task="reverse", steps=1, seed=5, d_model=32)) for _ in range(2))
    assert torch.equal(torch.get_rng_state(), before)  # another visitor's sampling is not reseeded
    for (name, p), q in zip(a.model.named_parameters(), b.model.parameters()):
        assert torch.equal(p, q), name
    other = Trainer(TrainConfig(task="reverse", steps=1, seed=6, d_model=32))
    assert not torch.equal(next(a.model.parameters()), next(other.model.parameters()))


def test_reverse_learns_and_its_checkpoint_gives_identical_attention(tmp_path):
    t = Trainer(TrainConfig(task="reverse", steps=300))
    accuracy = t.run()
    assert accuracy > 0.99 and t.predict("12345678") == "87654321"
    folder = t.save(tmp_path / "reverse")
    loaded = load_model(str(folder), device="cpu")
    cap = capture(loaded, "31415926")
    assert np.allclose(cap.attention["self"].numpy(), t.snapshots[-1].attention["self"], atol=1e-6)
    anti = cap.attention["self"][:, :, torch.arange(8), 7 - torch.arange(8)].mean(-1)  # [layer, head]
    assert float(anti.max()) > 0.5  # some head reads the mirrored position: the anti-diagonal


def test_encoder_decoder_and_decoder_tasks_run():
    for task, arch in (("translate", None), ("induction", None), ("copy", "decoder")):
        t = Trainer(TrainConfig(task=task, architecture=arch, steps=5, d_model=32))
        t.run()
        assert t.step_count == 5 and t.history.loss
        assert set(t.snapshots[-1].attention) == ({"self", "decoder_self", "cross"} if task == "translate" else {"self"})


def test_induction_score_on_a_hand_built_pattern():
    half = 4
    n = 2 * half + 1
    a = np.zeros((1, 2, n, n))
    a[:, :, :, 0] = 1.0  # head 1 looks at the first token only
    for q in range(half + 1, 2 * half):
        a[0, 0, q] = 0
        a[0, 0, q, q - half] = 1.0  # head 0: the token after the first occurrence
    scores = induction_scores(a, half)
    assert scores[0, 0] == pytest.approx(1.0) and scores[0, 1] == pytest.approx(0.0)


@pytest.mark.parametrize("kwargs,message", [
    ({"n_heads": 5}, "do not divide"), ({"steps": 0}, "steps must be at least 1"),
    ({"task": "addition", "architecture": "encoder"}, "encoder alone"), ({"task": "nope"}, "Unknown task"),
    ({"lr": 2.0}, "learning rate"),
])
def test_bad_settings(kwargs, message):
    assert any(message in p for p in TrainConfig(**kwargs).problems())
    with pytest.raises(ValueError, match=message):
        Trainer(TrainConfig(**kwargs))
