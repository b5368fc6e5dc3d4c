"""A class server (ATTNVIZ_SHARED=1) whose visitors cannot spoil each other's work: a checkpoint belongs to the
session that saved it (others open it, only it replaces it), lookalike names are refused with the reason, a name is
saved in its plain form and the page says so, the sidebar's folder option lists the checkpoints, and compare's panes
offer no box to type a path into (issue 30)."""
import hashlib
import time

import pytest

from apphelpers import assert_clean, figures, messages, open_app, open_page, panes

from attnviz.app.state import compare, explorer, sidebar, training
from attnviz.core import settings

FOLDER_OPTION = "A model folder on this server…"


@pytest.fixture()
def shared(monkeypatch, tmp_path):
    root = tmp_path / "ckpt"
    s = settings.from_environment({"ATTNVIZ_SHARED": "1", "ATTNVIZ_CHECKPOINT_DIR": str(root)})
    monkeypatch.setattr(settings, "current", lambda: s)
    return root


def _click(at, label):
    next(b for b in at.button if b.label == label).click().run()
    return at


def _trained(seed: int):
    """A session of its own (its own owner token) with a short job trained."""
    at = open_page(training, {training.STEPS: 5, training.D_MODEL: 32, training.SEED: seed})
    _click(at, "Start training")
    job = at.session_state[training.JOB]
    deadline = time.time() + 300
    while job.active and time.time() < deadline:
        time.sleep(0.2)
    return at.run()


def _save(at, name: str):
    at.text_input(key=training.NAME).set_value(name).run()
    return _click(at, "Save checkpoint")


def _digest(folder) -> str:
    return hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()


def test_a_second_session_cannot_replace_the_first_ones_checkpoint(shared):
    alice, bob = _trained(0), _trained(1)
    _save(alice, "alice-model")
    assert any("Saved as `alice-model`" in s for s in messages(alice, "success"))
    saved = _digest(shared / "alice-model")
    _save(bob, "alice-model")
    (error,) = messages(bob, "error")
    assert error == ("`alice-model` was saved by another session: you may open it, but only that session may replace "
                     "it. Save under another name.")
    assert not [b for b in bob.button if b.label.startswith("Replace")]  # no offer that could not be kept
    assert _digest(shared / "alice-model") == saved
    _save(alice, "alice-model")  # its owner is asked, and may replace it
    assert any("already exists" in w for w in messages(alice, "warning"))
    _click(alice, "Replace alice-model")
    assert not messages(alice, "error") and any("Saved as `alice-model`" in s for s in messages(alice, "success"))


@pytest.mark.parametrize("typed, says", [
    ("аlice-model", "`аlice-model` mixes letters of different scripts (Cyrillic, Latin), so it can pass for another "
                    "name: write it in one script."),
    ("ALICE-model", "`ALICE-model` looks like the checkpoint `alice-model`, which is already saved here: choose a "
                    "name that reads differently."),
    ("𝐚𝐥𝐢𝐜𝐞-model", "`alice-model` was saved by another session"),  # its plain form is alice's name
    ("alice-model.", "`alice-model` was saved by another session"),
])
def test_lookalike_names_are_refused_with_the_reason(shared, typed, says):
    alice, bob = _trained(0), _trained(1)
    _save(alice, "alice-model")
    before = sorted(p.name for p in shared.iterdir())
    _save(bob, typed)
    (error,) = messages(bob, "error")
    assert error.startswith(says), error
    assert sorted(p.name for p in shared.iterdir()) == before
    assert bob.text_input(key=training.NAME).value == typed  # what was typed stays


def test_a_name_is_saved_in_its_plain_form_and_the_page_says_so(shared):
    at = _trained(0)
    _save(at, "ａｌｉｃｅ-notes")
    assert (shared / "alice-notes").is_dir()
    assert "Saved as `alice-notes`: the plain form of the name typed (`ａｌｉｃｅ-notes`)." in messages(at, "info")


def test_the_sidebars_folder_option_lists_the_checkpoints(shared):
    at = _trained(0)
    _save(at, "alice-model")
    # picked in the sidebar with no folder chosen yet: the list opens on the first checkpoint, no refusal
    app = open_app({sidebar.MODEL: "custom", sidebar.TEXT: "31415"})
    assert_clean(app)
    assert FOLDER_OPTION in app.sidebar.selectbox(key=sidebar.MODEL).options  # AppTest holds the labels shown
    folders = app.sidebar.selectbox(key=sidebar.PATH)
    assert folders.options == ["ckpt/alice-model"] and folders.value == "ckpt/alice-model"
    assert not app.sidebar.warning  # it did not snap back to minilm with a refusal
    page = open_page(explorer, {sidebar.MODEL: "custom", sidebar.TEXT: "31415"})
    assert_clean(page)
    assert figures(page)  # the checkpoint opens
    # a folder that is not listed is still refused, whatever it is
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: "/etc"})
    assert app.session_state[sidebar.MODEL] == "minilm" and app.sidebar.warning


def test_compare_panes_offer_the_list_and_no_box_to_type_a_path(shared):
    at = _trained(0)
    _save(at, "alice-model")
    page = open_page(compare, panes({"model": "minilm", "text": "31415"}, {"model": "custom", "text": "31415"}))
    assert_clean(page)
    assert not [box for box in page.text_input if box.key == compare.pane("b", "path")]  # no box to type into
    folders = page.selectbox(key=compare.pane("b", "path"))
    assert folders.options == ["ckpt/alice-model"] and folders.value == "ckpt/alice-model"
    model_b = page.selectbox(key=compare.pane("b", "model"))
    assert FOLDER_OPTION in model_b.options
    assert not messages(page, "error")
