"""Capture with positions shuffled or removed, through the same hooks, on every kind of encoding."""
import numpy as np
import pytest
import torch

from attnviz import capture, load_model
from attnviz.core.errors import UnsupportedModel
from attnviz.core.positional import learned_positions


def test_minilm_removed_positions_are_zero_and_change_attention(minilm):
    normal = capture(minilm, "the cat sat on the mat")
    removed = capture(minilm, "the cat sat on the mat", positions="removed")
    assert np.all(removed.positional.values["encoding"] == 0)
    assert not torch.allclose(normal.attention["self"], removed.attention["self"])
    assert any("taken out" in n for n in removed.notes)
    again = capture(minilm, "the cat sat on the mat")
    assert torch.equal(again.attention["self"], normal.attention["self"])  # the hook left nothing behind


def test_minilm_shuffled_positions_are_a_permutation_of_the_rows(minilm):
    shuffled = capture(minilm, "the cat sat on the mat", positions="shuffled", seed=3)
    used = shuffled.positional.values["encoding"]
    table = learned_positions(minilm.module)[1][: used.shape[0]]
    order = [int(np.argmin(np.abs(table - row).sum(1))) for row in used]
    assert sorted(order) == list(range(used.shape[0])) and order != list(range(used.shape[0]))


def test_rotary_removed_means_no_rotation(glass):
    removed = capture(glass, "the dog ran", positions="removed")
    assert np.allclose(removed.positional.values["cos"], 1) and np.allclose(removed.positional.values["sin"], 0)


def test_scratch_models_alter_their_hook_point():
    for spec in ("scratch-encoder", "scratch-decoder"):
        model = load_model(spec, device="cpu")
        normal = capture(model, "abcdef")
        removed = capture(model, "abcdef", positions="removed")
        assert not torch.allclose(normal.attention["self"], removed.attention["self"])


def test_relative_bias_cannot_be_shuffled(hf_folders):
    t5 = load_model(str(hf_folders["t5"]), device="cpu")
    with pytest.raises(UnsupportedModel, match="relative position biases"):
        capture(t5, "the cat", target="le", positions="shuffled")
    removed = capture(t5, "the cat", target="le", positions="removed")
    assert np.all(removed.positional.values["bias"] == 0)


def test_unknown_mode_is_refused(minilm):
    with pytest.raises(ValueError, match="positions must be"):
        capture(minilm, "hi", positions="reversed")
