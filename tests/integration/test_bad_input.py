"""Every bad input raises an AttnvizError whose message says what is wrong and how to fix it."""
import json

import pytest
import torch

from attnviz import capture, load_model
from attnviz.core.errors import AttnvizError, BadText, ModelNotFound, NotAModel, RemoteCodeRefused, UnsupportedModel


def test_empty_text(minilm):
    for text in ("", "   \n"):
        with pytest.raises(BadText, match="empty"):
            capture(minilm, text)


def test_missing_path(tmp_path):
    with pytest.raises(ModelNotFound, match="no folder"):
        load_model(str(tmp_path / "nope"))


def test_folder_that_is_not_a_model(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(NotAModel, match="no config.json"):
        load_model(str(tmp_path))
    with pytest.raises(NotAModel, match="is a file"):
        load_model(str(tmp_path / "notes.txt"))
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(NotAModel, match="not valid JSON"):
        load_model(str(tmp_path))


def test_config_without_weights(tmp_path, hf_folders):
    (tmp_path / "config.json").write_text((hf_folders["bert"] / "config.json").read_text())
    with pytest.raises(UnsupportedModel, match="weights could not be loaded"):
        load_model(str(tmp_path))


def test_remote_code_is_refused_unless_allowed(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({
        "model_type": "my-secret-arch", "auto_map": {"AutoModel": "modeling_secret.SecretModel"}}))
    with pytest.raises(RemoteCodeRefused, match="Allow remote code"):
        load_model(str(tmp_path))


def test_unknown_architecture_says_which(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "quantum-transformer"}))
    with pytest.raises(UnsupportedModel, match="quantum-transformer"):
        load_model(str(tmp_path))


def test_hub_id_offline_says_how_to_use_a_folder(monkeypatch):
    """Offline, a hub id is answered at once: no lookup or connection is even tried (which is what took 26 s)."""
    import socket

    tried: list[str] = []

    def refuse(what):
        def call(*args, **kwargs):
            tried.append(what)
            raise OSError(f"{what} refused by the test")
        return call

    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    with pytest.raises(ModelNotFound, match="folder"):
        load_model("some-org/some-model")
    assert tried == []


def test_out_of_memory_falls_back_to_cpu(monkeypatch):
    model = load_model("scratch-encoder", device="cpu")
    model.device = torch.device("meta")  # pretend it sat on an accelerator
    calls = {"n": 0}
    import importlib
    cap_mod = importlib.import_module("attnviz.capture.api")
    real = cap_mod._run

    def flaky(m, ids, target, *rest):
        calls["n"] += 1
        if calls["n"] == 1:
            raise torch.OutOfMemoryError("CUDA out of memory")
        return real(m, ids, target, *rest)

    monkeypatch.setattr(cap_mod, "_run", flaky)
    cap = capture(model, "abc")
    assert model.device.type == "cpu" and cap.device == "cpu"
    assert any("Out of meta memory" in n for n in cap.notes)


def test_unavailable_device_is_named():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(AttnvizError, match="not available"):
        load_model("scratch-encoder", device="cuda")
