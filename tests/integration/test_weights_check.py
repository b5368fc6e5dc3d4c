"""A model folder whose weights are missing, renamed or of other shapes is refused with the tensors
named; it never runs with random weights as if it were trained (#19.1)."""
import json
import shutil

import pytest
from safetensors.torch import load_file, save_file

from attnviz import load_model
from attnviz.core.errors import AttnvizError
from attnviz.models import loading


def _copy(src, dst):
    shutil.copytree(src, dst)
    return dst


def test_missing_tensors_are_refused_and_named(hf_folders, tmp_path):
    folder = _copy(hf_folders["bert"], tmp_path / "partial")
    weights = load_file(str(folder / "model.safetensors"))
    save_file({k: v for k, v in weights.items() if "layer.1." not in k}, str(folder / "model.safetensors"))
    with pytest.raises(AttnvizError) as err:
        load_model(str(folder), device="cpu")
    message = str(err.value)
    assert "16 tensors the config describes are not in its weights file" in message
    assert "encoder.layer.1.attention.self.key.bias" in message and "refuses" in message


def test_mismatched_shapes_are_refused_and_named(hf_folders, tmp_path):
    folder = _copy(hf_folders["bert"], tmp_path / "mismatch")
    config = json.loads((folder / "config.json").read_text())
    config["intermediate_size"] = 128  # the weights were saved with 64
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(AttnvizError) as err:
        load_model(str(folder), device="cpu")
    assert "encoder.layer.0.intermediate.dense.weight: file (64, 32) vs config (128, 32)" in str(err.value)


def test_an_unreadable_weights_file_is_refused(hf_folders, tmp_path):
    folder = _copy(hf_folders["gpt2"], tmp_path / "tiny")
    (folder / "model.safetensors").write_bytes(b"\0\0\0\0")  # 4 bytes where the weights should be
    with pytest.raises(AttnvizError, match="weights file could not be read"):
        load_model(str(folder), device="cpu")


def test_every_built_family_still_loads_without_notes(hf_folders):
    for kind, folder in hf_folders.items():
        assert load_model(str(folder), device="cpu").notes == [], kind


def test_a_missing_output_head_loads_with_a_named_warning(hf_folders, tmp_path):
    folder = _copy(hf_folders["bert"], tmp_path / "nopooler")
    weights = load_file(str(folder / "model.safetensors"))
    save_file({k: v for k, v in weights.items() if not k.startswith("pooler.")}, str(folder / "model.safetensors"))
    model = load_model(str(folder), device="cpu")
    assert any("pooler.dense.weight" in note and "Attention is as trained" in note for note in model.notes)


@pytest.mark.parametrize("how", ["renamed", "other model"])
def test_bundled_minilm_with_replaced_weights_is_refused(hf_folders, tmp_path, monkeypatch, how):
    folder = _copy(loading.minilm_path(), tmp_path / "minilm")
    if how == "renamed":
        weights = load_file(str(folder / "model.safetensors"))
        save_file({"model." + k: v for k, v in weights.items()}, str(folder / "model.safetensors"))
    else:  # the small random BERT's weights under MiniLM's config: every shape differs
        shutil.copy(hf_folders["bert"] / "model.safetensors", folder / "model.safetensors")
    monkeypatch.setattr(loading, "minilm_path", lambda: folder)
    with pytest.raises(AttnvizError) as err:
        load_model("minilm", device="cpu")
    assert "embeddings.word_embeddings.weight" in str(err.value)
