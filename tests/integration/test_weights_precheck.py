"""Weights that cannot be the model a config describes are refused before that model takes memory: the
safetensors header and the model built on the meta device are compared as transformers would compare them."""
import json
import resource
import shutil

import pytest
import torch
from safetensors.torch import load_file, save_file

from attnviz import load_model
from attnviz.core.errors import AttnvizError, NotAModel
from attnviz.models import loading, weights_header
from attnviz.models.huggingface import model_class
from attnviz.models.weights_header import folder_shapes, loading_info, meta_model, safetensors_shapes

BIG = dict(hidden_size=2048, num_hidden_layers=12, num_attention_heads=16, intermediate_size=8192, vocab_size=30522,
           max_position_embeddings=512)  # a BERT of 0.67B parameters: 2.7 GB in float32


def _copy(src, dst):
    shutil.copytree(src, dst)
    return dst


def _config(folder):
    from transformers import AutoConfig
    return AutoConfig.from_pretrained(str(folder))


def _real_info(folder) -> dict:
    """What transformers reports after loading (allocating) the model: the reference the check must equal."""
    config = _config(folder)
    _, info = model_class(config).from_pretrained(str(folder), attn_implementation="eager", output_loading_info=True,
                                                  ignore_mismatched_sizes=True)
    return {k: sorted(info[k]) for k in ("missing_keys", "unexpected_keys", "mismatched_keys")}


def _ahead_info(folder) -> dict:
    config = _config(folder)
    info = loading_info(meta_model(model_class(config), config), folder_shapes(folder))
    return {k: sorted(v) for k, v in info.items()}


@pytest.fixture()
def never_allocated(monkeypatch):
    """Fail if any model is loaded for real (from_pretrained) while the test runs."""
    from transformers import PreTrainedModel

    def refuse(*_a, **_k):
        raise AssertionError("the model was allocated")

    monkeypatch.setattr(PreTrainedModel, "from_pretrained", classmethod(refuse))


def _damaged(kind, hf_folders, tmp_path):
    if kind == "missing":
        folder = _copy(hf_folders["bert"], tmp_path / "partial")
        weights = load_file(str(folder / "model.safetensors"))
        save_file({k: v for k, v in weights.items() if "layer.1." not in k}, str(folder / "model.safetensors"))
    elif kind == "shapes":
        folder = _copy(hf_folders["bert"], tmp_path / "mismatch")
        config = json.loads((folder / "config.json").read_text())
        config["intermediate_size"] = 128  # the weights were saved with 64
        (folder / "config.json").write_text(json.dumps(config))
    elif kind == "renamed":
        folder = _copy(loading.minilm_path(), tmp_path / "minilm")
        weights = load_file(str(folder / "model.safetensors"))
        save_file({"model." + k: v for k, v in weights.items()}, str(folder / "model.safetensors"))
    else:  # the small random BERT's weights under MiniLM's config: every shape differs
        folder = _copy(loading.minilm_path(), tmp_path / "other")
        shutil.copy(hf_folders["bert"] / "model.safetensors", folder / "model.safetensors")
    return folder


@pytest.mark.parametrize("kind", ["missing", "shapes", "renamed", "other model"])
def test_the_check_ahead_reports_what_loading_would_report(kind, hf_folders, tmp_path):
    folder = _damaged(kind, hf_folders, tmp_path)
    ahead = _ahead_info(folder)
    assert ahead == _real_info(folder)
    assert ahead["missing_keys"] or ahead["mismatched_keys"]


def test_every_built_family_matches_what_loading_reports(hf_folders):
    for kind, folder in hf_folders.items():
        ahead = _ahead_info(folder)
        assert ahead == _real_info(folder), kind
        assert ahead == {"missing_keys": [], "unexpected_keys": [], "mismatched_keys": []}, kind  # tied lm_head too


@pytest.mark.parametrize("kind, says", [
    ("missing", "16 tensors the config describes are not in its weights file"),
    ("shapes", "encoder.layer.0.intermediate.dense.weight: file (64, 32) vs config (128, 32)"),
])
def test_damaged_folders_are_refused_without_loading_the_model(kind, says, hf_folders, tmp_path, never_allocated):
    folder = _damaged(kind, hf_folders, tmp_path)
    with pytest.raises(NotAModel) as err:
        load_model(str(folder), device="cpu")
    assert says in str(err.value) and "refuses" in str(err.value)


def test_a_big_config_beside_small_weights_is_refused_before_its_memory_is_spent(hf_folders, tmp_path,
                                                                                never_allocated, monkeypatch):
    folder = _copy(hf_folders["bert"], tmp_path / "big")
    config = json.loads((folder / "config.json").read_text())
    config.update(BIG)
    (folder / "config.json").write_text(json.dumps(config))
    built = []
    monkeypatch.setattr(weights_header, "meta_model",
                        lambda *a, **k: built.append(meta_model(*a, **k)) or built[-1])
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    with pytest.raises(NotAModel) as err:
        load_model(str(folder), device="cpu")
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak_before
    message = str(err.value)
    assert "160 tensors the config describes are not in its weights file" in message  # layers 2-11: 10 x 16
    assert "encoder.layer.10.attention.output.LayerNorm.bias" in message
    assert "embeddings.word_embeddings.weight: file (" in message and "vs config (30522, 2048)" in message
    (model,) = built
    n_params = sum(p.numel() for p in model.parameters())
    assert 0.66e9 < n_params < 0.68e9
    assert all(p.device.type == "meta" for p in model.parameters())  # shapes only: no tensor was built
    assert grown < n_params  # bytes: under a quarter of the 2.7 GB its float32 weights take (ru_maxrss: the peak)


def test_an_unreadable_header_is_refused_before_loading(hf_folders, tmp_path, never_allocated):
    folder = _copy(hf_folders["gpt2"], tmp_path / "tiny")
    (folder / "model.safetensors").write_bytes(b"\0\0\0\0")  # 4 bytes where the weights should be
    with pytest.raises(AttnvizError, match="weights file could not be read") as err:
        load_model(str(folder), device="cpu")
    assert "model.safetensors is 4 bytes: too short for a safetensors header" in str(err.value)


def test_header_shapes_are_read_without_the_tensors(tmp_path):
    path = tmp_path / "w.safetensors"
    save_file({"a.weight": torch.zeros(3, 5), "b": torch.zeros(7)}, str(path), metadata={"format": "pt"})
    assert safetensors_shapes(path) == {"a.weight": (3, 5), "b": (7,)}
    path.write_bytes((10**9).to_bytes(8, "little") + b"{}")
    with pytest.raises(weights_header.Unreadable, match="its header claims 1,000,000,000 bytes"):
        safetensors_shapes(path)


def test_a_pickle_file_is_compared_on_the_meta_device(hf_folders, tmp_path, never_allocated):
    folder = _copy(hf_folders["bert"], tmp_path / "pickled")
    weights = load_file(str(folder / "model.safetensors"))
    (folder / "model.safetensors").unlink()
    torch.save({k: v for k, v in weights.items() if not k.startswith("encoder.layer.0.")},
               folder / "pytorch_model.bin")
    shapes = folder_shapes(folder)
    assert shapes["embeddings.word_embeddings.weight"] == tuple(weights["embeddings.word_embeddings.weight"].shape)
    with pytest.raises(NotAModel, match="are not in its weights file"):
        load_model(str(folder), device="cpu")
