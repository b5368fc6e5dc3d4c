"""A folder whose config names a 0.67B-parameter model beside a tiny weights file, opened from the sidebar: the page
says which tensors are missing, and the model's tensors are never built (issue 30: the server first allocated the
model, 578 MB → 3,119 MB)."""
import json
import resource
import shutil

import pytest

from apphelpers import assert_clean, messages, open_page

from attnviz.app.state import explorer, sidebar
from attnviz.core import settings
from attnviz.models import weights_header

BIG = dict(hidden_size=2048, num_hidden_layers=12, num_attention_heads=16, intermediate_size=8192, vocab_size=30522,
           max_position_embeddings=512)  # a BERT of 0.67B parameters: 2.7 GB in float32


@pytest.fixture()
def big_config_small_weights(hf_folders, tmp_path):
    folder = shutil.copytree(hf_folders["bert"], tmp_path / "big")
    config = json.loads((folder / "config.json").read_text())
    config.update(BIG)
    (folder / "config.json").write_text(json.dumps(config))
    return folder


@pytest.fixture()
def never_allocated(monkeypatch):
    """Fail if a model is loaded for real (from_pretrained) while the page runs; record the models built on the
    meta device (shapes only) for the check ahead."""
    from transformers import PreTrainedModel

    def refuse(*_a, **_k):
        raise AssertionError("the model was allocated")

    monkeypatch.setattr(PreTrainedModel, "from_pretrained", classmethod(refuse))
    built = []
    real = weights_header.meta_model
    monkeypatch.setattr(weights_header, "meta_model", lambda *a, **k: built.append(real(*a, **k)) or built[-1])
    return built


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_names_the_missing_tensors_without_building_the_model(lang, big_config_small_weights,
                                                                       never_allocated, monkeypatch):
    s = settings.from_environment({})  # a personal server: any folder may be typed
    monkeypatch.setattr(settings, "current", lambda: s)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    at = open_page(explorer, {sidebar.MODEL: "custom", sidebar.PATH: str(big_config_small_weights),
                              sidebar.LANG: lang})
    assert_clean(at)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak_before
    (error,) = messages(at, "error")
    assert "encoder.layer.10.attention.output.LayerNorm.bias" in error  # named, in either language
    if lang == "en":
        assert "160 tensors the config describes are not in its weights file" in error
        assert "vs config (30522, 2048)" in error
    else:  # said in the page's language
        assert "配置中描述的 160 个张量不在权重文件里" in error and "attnviz 拒绝加载" in error
    assert never_allocated  # the check ahead ran (once a run: the app ran twice, to open the sidebar, then the page)
    for model in never_allocated:
        n_params = sum(p.numel() for p in model.parameters())
        assert 0.66e9 < n_params < 0.68e9 and all(p.device.type == "meta" for p in model.parameters())
    assert grown < n_params  # bytes: under a quarter of what its float32 weights take (ru_maxrss is the peak)
    assert not at.get("plotly_chart")  # nothing drawn from a model that is not there
