"""Which models a visitor may load (models/access.py), what refusals say, and how paths are named."""
import json
import os
from pathlib import Path

import pytest

from attnviz.core.errors import ModelRefused
from attnviz.core.settings import from_environment
from attnviz.models import access


def _model_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "bert"}))
    return folder


@pytest.fixture()
def server(tmp_path):
    """A class server: one model root holding two model folders and a plain folder, a checkpoint folder."""
    root = tmp_path / "class-models"
    _model_folder(root / "bert-tiny")
    _model_folder(root / "week2" / "gpt-tiny")
    (root / "notes").mkdir()
    ckpt = tmp_path / "ckpt"
    (ckpt / "reverse").mkdir(parents=True)
    (ckpt / "reverse" / "attnviz_config.json").write_text("{}")
    outside = _model_folder(tmp_path / "private" / "secret-model")
    os.symlink(outside, root / "link-out")
    env = {"ATTNVIZ_SHARED": "1", "ATTNVIZ_MODEL_ROOTS": str(root), "ATTNVIZ_CHECKPOINT_DIR": str(ckpt)}
    return from_environment(env), root, ckpt, outside


def test_listed_folders_are_the_model_folders_under_the_roots(server):
    s, root, ckpt, _ = server
    folders = access.model_folders(s)
    assert list(folders) == ["ckpt/reverse", "class-models/bert-tiny", "class-models/week2/gpt-tiny"]
    assert folders["class-models/bert-tiny"] == (root / "bert-tiny").resolve()


def test_a_listed_folder_resolves_by_label_or_absolute_path(server):
    s, root, ckpt, _ = server
    assert access.resolve("class-models/bert-tiny", s) == str((root / "bert-tiny").resolve())
    assert access.resolve(str(ckpt / "reverse"), s) == str((ckpt / "reverse").resolve())
    assert access.resolve("minilm", s) == "minilm"


@pytest.mark.parametrize("spec", ["/etc", "/etc/passwd", "/root/.ssh", "/no/such/folder", "~", "org/name",
                                  "class-models/notes", "class-models/../private/secret-model",
                                  "class-models/link-out", "class-models/nothing-here", "../", ""])
def test_refusals_read_the_same_whether_or_not_the_path_exists(server, spec):
    s, *_ = server
    with pytest.raises(ModelRefused) as refused:
        access.resolve(spec, s)
    assert str(refused.value) == access.refusal(s)
    assert "class-models" in str(refused.value) and "/" not in str(refused.value).replace("class-models/", "")


def test_the_secret_folder_behind_a_link_is_refused_by_its_absolute_path_too(server):
    s, _, _, outside = server
    with pytest.raises(ModelRefused):
        access.resolve(str(outside), s)


def test_off_mode_offers_only_bundled_models_and_checkpoints(server):
    s, root, ckpt, _ = server
    off = from_environment({"ATTNVIZ_SHARED": "1", "ATTNVIZ_CHECKPOINT_DIR": str(ckpt)})
    assert list(access.model_folders(off)) == ["ckpt/reverse"]
    with pytest.raises(ModelRefused, match="only its bundled models"):
        access.resolve(str(root / "bert-tiny"), off)


def test_personal_mode_takes_any_spec_as_typed():
    s = from_environment({})
    assert access.resolve("/anywhere/model", s) == "/anywhere/model"
    assert access.model_folders(s) == {}
    assert access.allow_remote_code(True, s) and not access.allow_remote_code(False, s)
    assert not access.allow_remote_code(True, from_environment({"ATTNVIZ_SHARED": "1"}))


def test_private_paths_name_folders_relative_to_their_root(server):
    s, root, ckpt, _ = server
    assert access.display_name(str(root / "week2" / "gpt-tiny"), s) == "class-models/week2/gpt-tiny"
    assert access.display_name("minilm", s) is None
    assert access.display_name(str(root / "bert-tiny"), from_environment({})) is None
    message = (f"`{root / 'bert-tiny'}/config.json` is not valid JSON; see /usr/lib/python3/x.py "
               "or https://pytorch.org/docs/stable/load.html \x1b[1mdo this\x1b[0m")
    assert access.scrub(message, s) == ("`class-models/bert-tiny/config.json` is not valid JSON; see … "
                                        "or https://pytorch.org/docs/stable/load.html do this")
    assert access.scrub("at /home/me/model \x1b[1mx\x1b[0m", from_environment({})) == "at /home/me/model x"
