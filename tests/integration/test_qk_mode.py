"""Queries-and-keys mode gives eager's weights (float32) for every family, respects masks, and is chosen by size."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from attnviz import capture, load_model
from attnviz.analysis import reduce
from attnviz.analysis.explain import explain_cell
from attnviz.core import settings
from attnviz.core.errors import CaptureTooLarge
from attnviz.core.sources import QKSource
from attnviz.models.recording import recording, stack_records

TEXT = "the cat sat on the mat because it was tired"
TARGET = "le chat est sur le tapis"


@pytest.fixture(scope="module")
def models(hf_folders, tmp_path_factory):
    from builders import build

    base = tmp_path_factory.mktemp("qk")
    folders = {**hf_folders, "mistral": build("mistral", base / "mistral"), "gemma2": build("gemma2", base / "gemma2")}
    return {kind: load_model(str(folder), device="cpu") for kind, folder in folders.items()}


def _both(model):
    target = TARGET if model.info.architecture == "encoder-decoder" else None
    return capture(model, TEXT, target=target, mode="eager"), capture(model, TEXT, target=target, mode="qk")


@pytest.mark.parametrize("family", ["bert", "gpt2", "llama", "mistral", "gemma2", "t5", "marian"])
def test_qk_equals_eager(models, family):
    eager, qk = _both(models[family])
    assert (eager.mode, qk.mode) == ("eager", "qk")
    assert qk.kinds == eager.kinds
    for kind in eager.kinds:
        stored = eager.attention[kind]
        assert qk.shape(kind) == tuple(stored.shape)
        assert torch.allclose(qk.attention[kind], stored, atol=1e-6), kind
        layers, heads = stored.shape[:2]
        for layer in range(layers):
            for head in range(heads):
                assert np.allclose(qk.head(kind, layer, head), stored[layer, head].numpy(), atol=1e-6)
        assert isinstance(qk.source(kind), QKSource)  # nothing stored: computed from queries and keys


def test_grouped_query_keys_are_kept_per_key_value_head(models):
    _, qk = _both(models["llama"])
    stack = qk.qk["self"]
    assert stack.q.shape[1] == 4 and stack.k.shape[1] == 2  # 4 query heads read 2 key/value heads
    assert stack.rotary == "half"
    assert stack.kv_head(0) == stack.kv_head(1) == 0 and stack.kv_head(3) == 1


def test_sliding_window_is_recomputed_with_its_mask(models):
    eager, qk = _both(models["mistral"])
    last = qk.head("self", 1, 0)[-1]
    assert (last > 0).sum() == 4  # the last token sees only the 4 keys of its window
    assert np.allclose(last, eager.attention["self"][1, 0, -1].numpy(), atol=1e-6)


def test_soft_capping_runs_eager_and_says_so(models):
    _, qk = _both(models["gemma2"])
    assert qk.mode == "qk" and qk.qk["self"].softcap == 5.0
    assert any("soft-cap" in note for note in qk.notes)


def test_t5_relative_bias_is_added_back(models):
    _, qk = _both(models["t5"])
    bias = qk.qk["self"].position_bias
    assert bias[0] is not None and bias[0].shape[0] == 4  # one relative bias per head
    assert bias[1].data_ptr() == bias[0].data_ptr()  # computed once, shared by the layers: not stored twice


def test_every_reduction_is_the_same_in_both_modes(models):
    eager, qk = _both(models["gpt2"])
    e, q = eager.source("self"), qk.source("self")
    assert qk.qk["self"].causal[1] and torch.allclose(q.rows(1, 3, 7), e.rows(1, 3, 7), atol=1e-6)  # causal blocks
    for size in (4, 32):
        assert np.allclose(reduce.pooled(e, size), reduce.pooled(q, size), atol=1e-6)
        assert np.allclose(reduce.pooled(q, size), reduce.pooled(eager.attention["self"], size), atol=1e-6)
    assert np.allclose(reduce.pooled(q, 4, rows=(3, 4)), reduce.pooled(eager.attention["self"][:, :, 3:4], 4), atol=1e-6)
    for how in ("mean", "max"):
        assert np.allclose(reduce.aggregate(e, how), reduce.aggregate(q, how), atol=1e-6)
        assert np.allclose(reduce.aggregate(q, how, layer=1), reduce.aggregate(e, how)[1], atol=1e-6)
    assert np.allclose(reduce.rollout(e), reduce.rollout(q), atol=1e-5)
    assert np.allclose(reduce.flow(e), reduce.flow(q), atol=1e-4)
    se, sq = reduce.head_statistics(eager, "self"), reduce.head_statistics(qk, "self")
    assert set(se) == set(sq)
    for name in se:
        assert np.allclose(se[name], sq[name], atol=1e-5), name
    assert np.allclose(reduce.head_similarity(e), reduce.head_similarity(q), atol=1e-5)
    assert reduce.max_difference(e, q) < 1e-6
    cell_e, cell_q = explain_cell(eager, models["gpt2"].info, "self", 1, 2, 5, 3), \
        explain_cell(qk, models["gpt2"].info, "self", 1, 2, 5, 3)
    assert abs(cell_e.weight - cell_q.weight) < 1e-9 and abs(cell_q.captured - cell_e.captured) < 1e-6


def test_statistics_by_blocks_match_the_whole_stack(models, monkeypatch):
    """Blocks of one query row give the same statistics as one block of the whole layer."""
    _, qk = _both(models["bert"])
    whole = reduce.head_statistics(qk, "self")
    monkeypatch.setattr("attnviz.core.sources.CHUNK_BYTES", 1)
    monkeypatch.setattr(reduce, "CHUNK_BYTES", 1)
    rows = reduce.head_statistics(qk, "self")
    for name in whole:
        assert np.allclose(whole[name], rows[name], atol=1e-6), name
    assert np.allclose(reduce.pooled(qk.source("self"), 4), reduce.pooled(qk.attention["self"], 4), atol=1e-6)


@pytest.mark.parametrize("family", ["bert", "llama"])
def test_padding_masks_are_respected(models, family):
    """A left-padded sequence: the recorded boolean mask gives eager's weights, and padding gets no weight."""
    model = models[family]
    ids = model.codec.encode(TEXT)
    pad = 3
    x = torch.tensor([[ids[0]] * pad + ids])
    mask = torch.tensor([[0] * pad + [1] * len(ids)])
    with recording("eager"):
        eager = model.module(input_ids=x, attention_mask=mask, output_attentions=True).attentions
    with recording("qk") as records:
        model.module(input_ids=x, attention_mask=mask)
    stack = stack_records(records, None)
    assert stack.bias[0] is not None and stack.bias[0].dtype == torch.bool  # SDPA's mask, recorded as it was
    source = QKSource(stack)
    for layer, weights in enumerate(eager):
        recomputed = source.layer(layer)
        # the real queries' rows: padding keys get nothing, the rest match eager
        assert torch.allclose(recomputed[:, pad:], weights[0, :, pad:], atol=1e-6)
        assert float(recomputed[:, pad:, :pad].abs().max()) == 0.0


def _settings(monkeypatch, **values):
    monkeypatch.setattr(settings, "current", lambda: settings.Settings(**values))


def test_auto_picks_qk_above_the_budget(models, monkeypatch):
    model = models["gpt2"]
    _settings(monkeypatch, eager_stack_mb=1)  # the 23-token stack is a few KB: eager
    assert capture(model, TEXT).mode == "eager"
    _settings(monkeypatch, eager_stack_mb=0)  # any stack passes 0 MB: queries and keys
    cap = capture(model, TEXT)
    assert cap.mode == "qk" and "SDPA" in cap.method


def test_from_scratch_models_stay_eager_and_say_so():
    model = load_model("scratch-decoder", device="cpu")
    cap = capture(model, "hello there", mode="qk")
    assert cap.mode == "eager"
    assert any("not available" in note and "eager" in note for note in cap.notes)
    assert capture(model, "hello there").mode == "eager"


def test_a_capture_past_the_budget_names_the_way_out(models, monkeypatch):
    _settings(monkeypatch, capture_max_mb=0)
    with pytest.raises(CaptureTooLarge) as err:
        capture(models["gpt2"], TEXT, mode="eager")
    message = str(err.value)
    assert "per-capture budget" in message and "shorten the text" in message and "queries-and-keys" in message
    with pytest.raises(CaptureTooLarge):
        capture(load_model("scratch-encoder", device="cpu"), "hello")


def test_a_stack_past_the_budget_is_not_built(models, monkeypatch):
    cap = capture(models["gpt2"], TEXT, mode="qk")
    _settings(monkeypatch, capture_max_mb=0)
    with pytest.raises(CaptureTooLarge, match="cap.head"):
        cap.attention["self"]
    assert cap.head("self", 0, 0).shape == (23, 23)  # one head is still computed on demand
