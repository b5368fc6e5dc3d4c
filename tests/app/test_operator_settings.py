"""AppTest on app.py under each operator setting: the page shows or hides what it should, a refused
action gets its message, and the bundled model folders stay as they were."""
import hashlib
import shutil
from pathlib import Path

import pytest
import streamlit as st
import torch

from apphelpers import assert_clean, figures, heatmap_z, messages, open_app

from attnviz.core import settings
from attnviz.models import access
from attnviz.models.loading import minilm_path
from attnviz.app.shell.sidebar import refused_note
from attnviz.app.state import session, sidebar

CUSTOM_ANY = "Your own: a local folder or a hub id…"
CUSTOM_LISTED = "A model folder on this server…"
TRUST = "Allow remote code for this model"


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", autouse=True)
def bundled_folders_unchanged():
    """Whatever these pages do under any setting, the bundled model's folder is byte-for-byte the same."""
    before = _digest(minilm_path())
    yield
    assert _digest(minilm_path()) == before


@pytest.fixture()
def operator(monkeypatch, tmp_path):
    """use(**env): run the app under these ATTNVIZ_* variables (checkpoints in a fresh folder)."""
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    shown = st.get_option("client.showErrorDetails")

    def use(**env) -> settings.Settings:
        env = {"ATTNVIZ_CHECKPOINT_DIR": str(ckpt), **{f"ATTNVIZ_{k.upper()}": str(v) for k, v in env.items()}}
        s = settings.from_environment(env)
        monkeypatch.setattr(settings, "current", lambda: s)
        return s

    use.checkpoints = ckpt
    yield use
    st.set_option("client.showErrorDetails", shown)  # a process-wide option: leave it as found


@pytest.fixture()
def class_root(tmp_path, hf_folders):
    root = tmp_path / "class-models"
    shutil.copytree(hf_folders["bert"], root / "bert-tiny")
    return root


def _model_options(app) -> list[str]:
    return app.sidebar.selectbox(key=sidebar.MODEL).options


def _labels(app, kind: str) -> list[str]:
    return [el.label for el in getattr(app, kind)]


def test_personal_machine_offers_any_folder_and_the_remote_code_opt_in(operator):
    operator()
    app = open_app()
    assert_clean(app)
    assert CUSTOM_ANY in _model_options(app)
    assert TRUST in _labels(app, "checkbox")
    assert st.get_option("client.showErrorDetails") == "full"


def test_shared_server_has_no_remote_code_box_and_no_folder_box(operator):
    operator(shared=1)
    app = open_app()
    assert_clean(app)
    assert TRUST not in _labels(app, "checkbox")
    assert _model_options(app) == [o for o in _model_options(app) if o.split(" — ")[0] in
                                   ("minilm", "glassllm-en", "zh-char", "scratch-encoder", "scratch-decoder", "scratch-seq2seq")]
    assert not app.text_input  # nowhere to type a path
    assert st.get_option("client.showErrorDetails") == "none"  # tracebacks hidden from visitors


def test_a_link_or_stale_state_cannot_turn_remote_code_on_for_a_shared_server(operator):
    operator(shared=1)
    app = open_app({sidebar.TRUST: True})
    app.query_params["trust"] = "1"
    app.run()
    assert_clean(app)
    assert app.session_state[session.SELECTION].trust_remote_code is False


def test_remote_code_opt_in_is_per_model(operator):
    operator()
    app = open_app({sidebar.TRUST: True, sidebar.TRUST_FOR: "minilm"})
    assert app.session_state[session.SELECTION].trust_remote_code is True
    app = open_app({sidebar.TRUST: True, sidebar.TRUST_FOR: "glassllm-en"})  # ticked for another model: off again
    assert app.session_state[session.SELECTION].trust_remote_code is False


@pytest.mark.parametrize("path", ["/etc", "/root/.ssh", "/etc/passwd", "/no/such/folder", "org/name"])
def test_shared_server_refuses_any_folder_without_saying_whether_it_exists(operator, path):
    s = operator(shared=1)
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: path, sidebar.TEXT: "My own words."})
    assert_clean(app)
    assert messages(app.sidebar, "warning") == [refused_note(s)]
    assert path not in str(app.sidebar.warning[0].value) and "exist" not in access.refusal(s)
    assert figures(app)[0]["layout"]["xaxis"]["ticktext"][:2] == ["[CLS]", "my"]  # the bundled default, own text
    assert app.session_state[sidebar.TEXT] == "My own words."


def test_roots_server_lists_its_folders_and_names_them_relative_to_the_root(operator, class_root, tmp_path):
    operator(shared=1, model_roots=class_root)
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: "class-models/bert-tiny", sidebar.TEXT: "the cat sat"})
    assert_clean(app)
    assert CUSTOM_LISTED in _model_options(app) and CUSTOM_ANY not in _model_options(app)
    assert app.sidebar.selectbox(key=sidebar.PATH).options == ["class-models/bert-tiny"]
    assert heatmap_z(app).shape[0] == 5
    page = " ".join(el.value for el in [*app.caption, *app.markdown])
    assert "`class-models/bert-tiny`" in page and str(tmp_path) not in page


@pytest.mark.parametrize("inside", [False, True])
def test_roots_server_answers_alike_for_paths_that_exist_and_that_do_not(operator, class_root, inside):
    s = operator(model_roots=class_root)
    path = str(class_root / "bert-tiny" / "nothing") if inside else "/etc"
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: path})
    assert_clean(app)
    assert messages(app.sidebar, "warning") == [refused_note(s)]


def test_a_listed_folder_that_ships_code_is_refused_without_pointing_at_a_missing_box(operator, class_root):
    (class_root / "custom-arch").mkdir()
    (class_root / "custom-arch" / "config.json").write_text('{"model_type": "secret", "auto_map": {"AutoModel": "m.M"}}')
    operator(shared=1, model_roots=class_root)
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: "class-models/custom-arch"})
    assert_clean(app)
    assert messages(app, "error") == ["`class-models/custom-arch` needs Python code shipped with the model, and this "
                                      "server never runs code that comes with a model. Pick another model."]


def test_off_server_offers_the_training_labs_checkpoints(operator):
    from attnviz.training.trainer import TrainConfig, Trainer

    operator(shared=1)
    Trainer(TrainConfig(task="reverse")).save(operator.checkpoints / "reverse")
    # The training lab's "Open it in the explorer" puts the checkpoint's absolute path in the sidebar.
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: str(operator.checkpoints / "reverse")})
    assert_clean(app)
    assert CUSTOM_LISTED in _model_options(app)
    assert app.session_state[sidebar.PATH] == "ckpt/reverse"
    assert "`ckpt/reverse`" in " ".join(el.value for el in app.caption)


def test_token_limit_cuts_the_text_and_says_so(operator):
    operator(shared=1, max_tokens=8)
    app = open_app({sidebar.MODEL: "scratch-encoder", sidebar.TEXT: "abcdefghijklmnop"})
    assert_clean(app)
    assert heatmap_z(app).shape == (8, 8)
    # the window of the text read (its start, until the sidebar's picker moves it), and why it is so short
    assert messages(app, "warning")[:2] == ["Tokens 0–7 of 16: 0 cut before, 8 after.",
                                            "This server reads at most 8 tokens per capture."]


def test_private_paths_keep_server_paths_out_of_messages(operator, tmp_path):
    operator(private_paths=1)
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: str(tmp_path / "no-model-here")})
    assert_clean(app)
    (error,) = messages(app, "error")
    assert "There is no folder at `…`" in error and str(tmp_path) not in error


def test_a_pickle_weights_file_gets_a_plain_message_on_the_page(operator, tmp_path, hf_folders):
    from safetensors.torch import load_file

    operator()
    folder = tmp_path / "pickled"
    shutil.copytree(hf_folders["bert"], folder)
    weights = load_file(str(folder / "model.safetensors"))
    (folder / "model.safetensors").unlink()
    torch.save({"x": _Runs(), **weights}, folder / "pytorch_model.bin")
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: str(folder)})
    assert_clean(app)
    (error,) = messages(app, "error")
    assert "\x1b" not in error and "holds more than tensors (it names `print`)" in error
    assert "safe_serialization=True" in error


class _Runs:
    def __reduce__(self):
        return (print, ("this ran on the server",))


def test_shared_server_shows_no_traceback_or_server_path_for_an_unexpected_error(operator, monkeypatch):
    from attnviz.app.widgets import pickers as widgets

    def broken(_model):
        raise RuntimeError("failed reading /srv/secret/weights.bin")

    monkeypatch.setattr(widgets, "model_facts", broken)  # a bug the pages do not catch
    operator(shared=1)
    app = open_app()
    (shown,) = app.exception
    assert "/srv/secret" not in shown.message and not shown.stack_trace
    assert "redacted" in shown.message
    operator()  # on a personal machine the same bug shows its details, for the person to fix
    (shown,) = open_app().exception
    assert "/srv/secret/weights.bin" in shown.message and shown.stack_trace
