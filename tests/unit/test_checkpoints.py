"""Checkpoint names: never a path, unique defaults, no silent overwrite, nothing written outside the folder."""
import os

import pytest

from attnviz.core.errors import AttnvizError
from attnviz.training import checkpoints
from attnviz.training.trainer import TrainConfig, Trainer


@pytest.mark.parametrize("name", ["../up", "..", "a/b", "a\\b", "/etc", "~", "~root", "", " ", "x..y", ".hidden",
                                  "semi;colon", "a" * 81, "new\nline"])
def test_paths_and_odd_names_are_refused(name):
    problem = checkpoints.name_problem(name)
    assert problem and "Use letters, digits" in problem


@pytest.mark.parametrize("name", ["reverse-encoder-031500", "my_model.v2", "逆序", "Run-3"])
def test_plain_names_are_fine(name):
    assert checkpoints.name_problem(name) is None


def test_default_names_are_unique(tmp_path):
    first = checkpoints.default_name("reverse", "encoder", tmp_path, now=0)
    assert first.startswith("reverse-encoder-")
    (tmp_path / first).mkdir()
    assert checkpoints.default_name("reverse", "encoder", tmp_path, now=0) == first + "-2"


def _tiny():
    return Trainer(TrainConfig(task="copy", steps=1, d_model=16, n_heads=2, n_layers=1))


def test_save_claims_a_new_folder_and_never_writes_outside(tmp_path):
    root, outside = tmp_path / "ckpt", tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    t = _tiny()
    folder = checkpoints.save(t, root, "one")
    assert folder == root / "one" and checkpoints.is_checkpoint(folder)
    with pytest.raises(FileExistsError):
        checkpoints.save(t, root, "one")  # a taken name is asked about, not overwritten
    assert checkpoints.save(t, root, "one", rename=True) == root / "one-2"
    os.symlink(outside, root / "link")  # a link in the folder pointing elsewhere is not a checkpoint
    with pytest.raises(AttnvizError, match="not an attnviz checkpoint"):
        checkpoints.save(t, root, "link", replace=True)
    (root / "sneaky").mkdir()
    (root / "sneaky" / "attnviz_config.json").write_text('{"config": {}, "train_config": {}}')
    os.symlink(outside / "keep.txt", root / "sneaky" / "model.safetensors")  # a weights file that is a link
    with pytest.raises(AttnvizError, match="not an attnviz checkpoint"):
        checkpoints.save(t, root, "sneaky", replace=True)
    for bad in ("../outside", str(outside)):
        with pytest.raises(AttnvizError):
            checkpoints.save(t, root, bad, replace=True)
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"] and (outside / "keep.txt").read_text() == "mine"


def test_replacing_a_checkpoint_rewrites_its_two_files(tmp_path):
    t = _tiny()
    folder = checkpoints.save(t, tmp_path, "same")
    before = (folder / "model.safetensors").read_bytes()
    t.step()
    checkpoints.save(t, tmp_path, "same", replace=True)
    assert (folder / "model.safetensors").read_bytes() != before
    assert sorted(p.name for p in folder.iterdir()) == ["attnviz_config.json", "model.safetensors"]
