"""On a shared server a checkpoint belongs to the session that saved it, and names that pass for another are refused."""
import json

import pytest

from attnviz.core import settings
from attnviz.core.errors import AttnvizError
from attnviz.training import checkpoints
from attnviz.training.checkpoints import NotOwner
from attnviz.training.lookalike import mixed_scripts, normalise, skeleton, skeletons
from attnviz.training.trainer import TrainConfig, Trainer

ALICE, BOB = "token-of-alice-session", "token-of-bob-session"


def _tiny(seed: int = 0):
    return Trainer(TrainConfig(task="copy", steps=1, d_model=16, n_heads=2, n_layers=1, seed=seed))


@pytest.fixture()
def saved(tmp_path):
    root = tmp_path / "ckpt"
    folder = checkpoints.save(_tiny(), root, "alice-model", owner=ALICE, enforce_owner=True)
    return root, folder, (folder / checkpoints.WEIGHTS_FILE).read_bytes()


def test_the_owner_is_recorded_as_a_tag_not_the_token(saved):
    _root, folder, _ = saved
    text = (folder / checkpoints.CONFIG_FILE).read_text()
    assert ALICE not in text
    assert json.loads(text)["owner"] == checkpoints.owner_tag(ALICE) != checkpoints.owner_tag(BOB)
    assert checkpoints.is_checkpoint(folder) and checkpoints.checkpoint_names(folder.parent) == ["alice-model"]


@pytest.mark.parametrize("typed", ["alice-model", "ａｌｉｃｅ-model", "𝐚𝐥𝐢𝐜𝐞-model", "alice-model.", " alice-model. . "])
@pytest.mark.parametrize("replace", [False, True])
def test_another_session_cannot_replace_it_under_any_spelling(saved, typed, replace):
    root, folder, weights = saved
    with pytest.raises(NotOwner) as err:
        checkpoints.save(_tiny(seed=1), root, typed, replace=replace, owner=BOB, enforce_owner=True)
    assert str(err.value).startswith("`alice-model` was saved by another session: you may open it, but only")
    assert (folder / checkpoints.WEIGHTS_FILE).read_bytes() == weights
    assert checkpoints.checkpoint_names(root) == ["alice-model"]


def test_its_owner_may_replace_it(saved):
    root, folder, weights = saved
    with pytest.raises(FileExistsError):  # asked first
        checkpoints.save(_tiny(seed=1), root, "ａｌｉｃｅ-model", owner=ALICE, enforce_owner=True)
    assert checkpoints.save(_tiny(seed=1), root, "alice-model.", replace=True, owner=ALICE, enforce_owner=True) == folder
    assert (folder / checkpoints.WEIGHTS_FILE).read_bytes() != weights
    assert checkpoints.owner_of(folder) == checkpoints.owner_tag(ALICE)


def test_on_a_personal_server_any_session_may_replace_after_asking(saved):
    root, folder, weights = saved
    with pytest.raises(FileExistsError):
        checkpoints.save(_tiny(seed=1), root, "alice-model", owner=BOB, enforce_owner=False)
    checkpoints.save(_tiny(seed=1), root, "alice-model", replace=True, owner=BOB, enforce_owner=False)
    assert (folder / checkpoints.WEIGHTS_FILE).read_bytes() != weights


def test_the_shared_preset_turns_ownership_on(saved, monkeypatch):
    root, _folder, _ = saved
    monkeypatch.setenv("ATTNVIZ_SHARED", "1")
    settings.current.cache_clear()
    try:
        with pytest.raises(NotOwner):
            checkpoints.save(_tiny(), root, "alice-model", replace=True, owner=BOB)
        checkpoints.save(_tiny(), root, "alice-model", replace=True)  # the operator (no session) may
    finally:
        settings.current.cache_clear()


@pytest.mark.parametrize("typed, says", [
    ("аlice-model", "`аlice-model` mixes letters of different scripts (Cyrillic, Latin), so it can pass for another"),
    ("Αlice-model", "mixes letters of different scripts (Greek, Latin)"),
    ("Alice-Model", "`Alice-Model` looks like the checkpoint `alice-model`, which is already saved here"),
    ("ALICE-MODEL", "`ALICE-MODEL` looks like the checkpoint `alice-model`"),
    ("aIice-model", "`aIice-model` looks like the checkpoint `alice-model`"),  # a capital I for the l
    ("al1ce-model", None),  # 1 reads as l, not as i
    ("a1ice-model", "looks like the checkpoint `alice-model`"),
])
def test_lookalikes_are_refused_with_a_reason(saved, typed, says):
    root, _folder, _ = saved
    if says is None:
        assert checkpoints.name_problem(typed, checkpoints.checkpoint_names(root)) is None
        return
    with pytest.raises(AttnvizError) as err:
        checkpoints.save(_tiny(), root, typed, owner=BOB, enforce_owner=True)
    assert says in str(err.value)
    assert checkpoints.name_problem(typed, checkpoints.checkpoint_names(root)) == str(err.value)
    assert checkpoints.checkpoint_names(root) == ["alice-model"]


@pytest.mark.parametrize("name", ["逆序", "注意力-model", "東京-モデル", "한국어-model", "модель-2", "Run-3"])
def test_names_a_language_writes_are_fine(name, tmp_path):
    assert mixed_scripts(name) == set()
    assert checkpoints.save(_tiny(), tmp_path, name, owner=ALICE, enforce_owner=True) == tmp_path / name


def test_normal_form_and_skeleton():
    assert normalise("ａｌｉｃｅ-model") == normalise("𝐚𝐥𝐢𝐜𝐞-model") == normalise("alice-model. ") == "alice-model"
    assert skeleton("аlice-model") == skeleton("aIice-model") == skeleton("alice-mode1") == "alice-model"
    assert skeleton("ALICE-MODEL") == "allce-model"  # a capital I reads as l…
    assert skeletons("ALICE-MODEL") == {"allce-model", "alice-model"}  # …and as i, folded first
    assert skeletons("逆序") == {"逆序"}
