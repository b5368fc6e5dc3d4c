"""Every model family right: a tiny random model of each family that transformers builds offline, saved to a
folder with a tokenizer built on the spot and loaded through attnviz: capture equals transformers' own eager
attention (a short text and one past the limit), the facts equal what the modules hold, rows sum to one over
the keys left open, and "explain this cell" matches the captured weight or says why it cannot."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from attnviz import capture, load_model
from attnviz.analysis.explain import explain_cell, why_not_explained
from attnviz.models.huggingface import model_class
from tests.builders import CORPUS, FAMILIES, build_family

SHORT, TARGET = "the cat sat on the mat", "le chat est sur le tapis"
LONG = " ".join(CORPUS * 3)  # well past the 32 positions every family here takes

# family -> (architecture, key/value heads, positional scheme, rotary fraction, rotary pairing, usable positions)
FACTS = {
    "bert": ("encoder", 4, "learned", None, None, 32),
    "roberta": ("encoder", 4, "learned", None, None, 32),  # 34 rows less padding_idx + 1
    "distilbert": ("encoder", 4, "learned", None, None, 32),
    "albert": ("encoder", 4, "learned", None, None, 32),
    "electra": ("encoder", 4, "learned", None, None, 32),
    "deberta-v2": ("encoder", 4, "disentangled", None, None, 32),
    "gpt2": ("decoder", 4, "learned", None, None, 32),
    "gpt-neo": ("decoder", 4, "learned", None, None, 32),
    "gptj": ("decoder", 4, "rotary", 0.5, "interleaved", 32),
    "gpt-neox": ("decoder", 4, "rotary", 0.25, "half", 32),
    "opt": ("decoder", 4, "learned", None, None, 32),
    "llama": ("decoder", 2, "rotary", 1.0, "half", 32),
    "mistral": ("decoder", 2, "rotary", 1.0, "half", 32),
    "qwen2": ("decoder", 2, "rotary", 1.0, "half", 32),
    "gemma": ("decoder", 2, "rotary", 1.0, "half", 32),
    "phi": ("decoder", 4, "rotary", 0.5, "half", 32),
    "falcon": ("decoder", 1, "rotary", 1.0, "half", 32),  # multi-query: one key/value head
    "falcon-alibi": ("decoder", 4, "alibi", None, None, 32),
    "bart": ("encoder-decoder", 4, "learned", None, None, 32),
    "t5": ("encoder-decoder", 4, "relative", None, None, None),
    "marian": ("encoder-decoder", 4, "sinusoidal", None, None, 32),
    "pegasus": ("encoder-decoder", 4, "sinusoidal", None, None, 32),
    "m2m100": ("encoder-decoder", 4, "sinusoidal", None, None, 32),
}
# families whose attention does not go through transformers' attention interface: no q/k to explain with
NOT_RECORDED = {"deberta-v2", "gpt-neo", "gptj", "falcon", "falcon-alibi"}


@pytest.fixture(scope="session")
def family_folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("families")
    return {name: build_family(name, root / name) for name in FAMILIES}


@pytest.fixture(scope="session")
def loaded(family_folders):
    return {name: load_model(str(folder), device="cpu") for name, folder in family_folders.items()}


@pytest.fixture(scope="session")
def short(loaded):
    """Each family's capture of the short text (and, for encoder-decoders, the target), made once."""
    return {name: capture(model, SHORT, target=TARGET if model.info.architecture == "encoder-decoder" else None)
            for name, model in loaded.items()}


def test_the_matrix_covers_every_family():
    assert set(FACTS) == set(FAMILIES)


def _eager(folder, ids: list[int], target_ids: list[int] | None):
    """transformers' own eager attention for the same ids, from a fresh load of the folder."""
    from transformers import AutoConfig

    net = model_class(AutoConfig.from_pretrained(folder)).from_pretrained(folder, attn_implementation="eager").eval()
    x = torch.tensor([ids])
    kwargs = {"input_ids": x, "attention_mask": torch.ones_like(x), "output_attentions": True}
    if target_ids is not None:
        kwargs["decoder_input_ids"] = torch.tensor([target_ids])
    with torch.no_grad():
        out = net(**kwargs)
    stacks = {"self": out.encoder_attentions if target_ids is not None else out.attentions}
    if target_ids is not None:
        stacks.update(decoder_self=out.decoder_attentions, cross=out.cross_attentions)
    return {kind: torch.stack([a[0] for a in s]) for kind, s in stacks.items()}


def _target_ids(model, cap):
    if cap.target_tokens is None:
        return None
    return [model.module.config.decoder_start_token_id] + model.codec.encode_target(TARGET)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_capture_equals_eager_short_and_past_the_limit(family, loaded, family_folders):
    model = loaded[family]
    target = TARGET if model.info.architecture == "encoder-decoder" else None
    for text in (SHORT, LONG):
        cap = capture(model, text, target=target)
        eager = _eager(family_folders[family], cap.token_ids, _target_ids(model, cap))
        assert set(cap.attention) == set(eager)
        for kind, stack in eager.items():
            assert cap.attention[kind].shape == stack.shape
            assert torch.allclose(cap.attention[kind], stack, atol=1e-6), (family, kind)
    limit = model.info.max_positions
    n_long = len(model.codec.encode(LONG))
    if limit is None:  # T5: relative positions, no limit
        assert cap.truncated_from is None and len(cap.tokens) == n_long
    else:
        assert n_long > limit and cap.truncated_from == n_long and len(cap.tokens) == limit
        assert any(f"this model takes {limit}" in note for note in cap.notes)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_facts_equal_what_the_modules_hold(family, loaded, short):
    model = loaded[family]
    info = model.info
    arch, n_kv, scheme, fraction, pairing, usable = FACTS[family]
    assert (info.architecture, info.n_kv_heads, info.positional, info.rotary_fraction, info.rotary_pairing,
            info.max_positions) == (arch, n_kv, scheme, fraction, pairing, usable)
    assert (info.n_heads, info.d_head, info.n_layers) == (4, 8, 2)
    assert info.causal == (arch == "decoder")
    cap = short[family]
    assert cap.shape("self")[:2] == (info.n_layers, info.n_heads)
    if "self" in cap.qk:  # what the attention really used: query heads, key/value heads, head size
        assert tuple(cap.qk["self"].q.shape[1:4:2]) == (info.n_heads, info.d_head)
        assert cap.qk["self"].k.shape[1] == info.n_kv_heads
    assert cap.positional is not None and cap.positional.kind == scheme
    if scheme == "rotary" and "cos" in cap.positional.values:
        assert cap.positional.values["cos"].shape[1] * 2 == round(fraction * info.d_head)
    if scheme == "alibi":
        bias = cap.positional.values["bias"]
        assert bias.shape == (4, len(cap.tokens), len(cap.tokens)) and bias[0, 3, 1] < 0 == bias[0, 2, 2]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_rows_sum_to_one_over_open_keys(family, loaded, short):
    model = loaded[family]
    cap = short[family]
    for kind, stack in cap.attention.items():
        sums = stack.sum(-1)
        assert torch.allclose(sums, torch.ones_like(sums), atol=1e-5), (family, kind)
        n_q, n_k = stack.shape[-2:]
        if kind == "decoder_self" or model.info.causal:
            future = torch.triu(torch.ones(n_q, n_k, dtype=torch.bool), 1)
            assert torch.all(stack[..., future] == 0), (family, kind)
    if family in ("mistral", "gpt-neo"):  # a window of 4: keys more than 3 back are closed (GPT-Neo: its local layer)
        stack = cap.attention["self"][-1]
        old = torch.tril(torch.ones(stack.shape[-2:], dtype=torch.bool), -4)
        assert torch.all(stack[..., old] == 0) and stack[0, 5, 2] > 0


@pytest.mark.parametrize("family", list(FAMILIES))
def test_explain_matches_or_says_why(family, loaded, short):
    model = loaded[family]
    cap = short[family]
    for kind in cap.kinds:
        reason = why_not_explained(cap, model.info, kind)
        if family in NOT_RECORDED:
            assert reason is not None and "not available" in reason and "because" in reason
            continue
        assert reason is None
        n_q, n_k = cap.shape(kind)[-2:]
        for layer, head, qpos in ((0, 0, n_q - 1), (1, 3, n_q // 2)):
            for kpos in range(n_k):
                ex = explain_cell(cap, model.info, kind, layer, head, qpos, kpos)
                assert ex.difference < 1e-5, (family, kind, layer, head, qpos, kpos)
            if ex.rotary is not None:
                assert 2 * len(ex.rotary.pairs) == round(model.info.rotary_fraction * model.info.d_head)


def _projections(net, family: str, ids: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Layer 0's query and key [head, pos, d_head] as its projections produce them, before any rotation."""
    store = {}
    attn = {"phi": lambda: net.model.layers[0].self_attn, "llama": lambda: net.model.layers[0].self_attn,
            "gpt-neox": lambda: net.gpt_neox.layers[0].attention}[family]()
    if family == "gpt-neox":  # one fused projection: [pos, head, 3·d_head], q | k | v per head
        handle = attn.query_key_value.register_forward_hook(lambda m, i, o: store.update(qkv=o[0]))
    else:
        handles = [attn.q_proj.register_forward_hook(lambda m, i, o: store.update(q=o[0])),
                   attn.k_proj.register_forward_hook(lambda m, i, o: store.update(k=o[0]))]
    try:
        with torch.no_grad():
            net(torch.tensor([ids]))
    finally:
        for h in ([handle] if family == "gpt-neox" else handles):
            h.remove()
    if family == "gpt-neox":
        qkv = store["qkv"].view(len(ids), 4, 24)
        return qkv[..., :8].transpose(0, 1), qkv[..., 8:16].transpose(0, 1)
    q, k = store["q"], store["k"]
    return q.view(len(ids), -1, 8).transpose(0, 1), k.view(len(ids), -1, 8).transpose(0, 1)


@pytest.mark.parametrize("family", ["phi", "gpt-neox", "llama"])
def test_explain_shows_the_real_vectors_before_rotation(family, loaded, short):
    """Partial rotary (Phi: half of each head, GPT-NeoX: a quarter) and full: the "before rotation" q and k
    are the model's own projections, and the dimensions past the rotated ones are untouched."""
    model, cap = loaded[family], short[family]
    q_proj, k_proj = _projections(model.module, family, cap.token_ids)
    qpos, kpos = len(cap.tokens) - 1, 2
    for head in range(4):
        ex = explain_cell(cap, model.info, "self", 0, head, qpos, kpos)
        assert np.allclose(ex.rotary.q_before, q_proj[head, qpos].numpy(), atol=1e-5)
        assert np.allclose(ex.rotary.k_before, k_proj[ex.kv_head, kpos].numpy(), atol=1e-5)
        rotated = 2 * len(ex.rotary.pairs)
        assert np.allclose(ex.q[rotated:], ex.rotary.q_before[rotated:])
        assert not np.allclose(ex.q[:rotated], ex.rotary.q_before[:rotated])


def test_facts_in_words(loaded):
    from attnviz.app.widgets.pickers import kv_sharing

    assert loaded["phi"].info.positional_text == "rotary (50% of each head)"
    assert loaded["gptj"].info.positional_text == "rotary (50% of each head, pairs 2i, 2i+1)"
    assert loaded["llama"].info.positional_text == "rotary"
    assert loaded["falcon-alibi"].info.positional_text == "ALiBi"
    assert kv_sharing(loaded["falcon"].info, 2).startswith("Multi-query attention: all 4 query heads read one")
    assert "query head 3 reads key/value head 1".lower() in kv_sharing(loaded["llama"].info, 3).lower()


def test_t5_bias_by_distance_is_the_models_table(loaded):
    from attnviz.figures.positions import position_bias_figure

    model = loaded["t5"]
    fig, text = position_bias_figure(model.info, model.module, distance=20)
    table = model.module.encoder.block[0].layer[0].SelfAttention.relative_attention_bias.weight.detach().numpy()
    head0 = np.asarray(fig.data[0].y)
    assert len(fig.data) == 4 and head0[20] == pytest.approx(table[0, 0])  # distance 0: bucket 0
    # the encoder looks both ways: 4 buckets a side; 20 back and 20 ahead, past max_distance 16, share each side's last
    assert "8 buckets" in text and head0[0] == pytest.approx(table[3, 0]) and head0[40] == pytest.approx(table[7, 0])


@pytest.mark.parametrize("family", ["bart", "marian"])
def test_a_target_past_the_limit_is_truncated_and_said(family, loaded):
    cap = capture(loaded[family], SHORT, target=LONG)
    assert len(cap.target_tokens) == 32 and cap.shape("cross")[2] == 32
    assert any("The target is" in note and "this model takes 32" in note for note in cap.notes)


def test_positions_inside_attention_code_cannot_be_altered_and_say_so(loaded):
    from attnviz.core.errors import UnsupportedModel

    with pytest.raises(UnsupportedModel, match="adds its ALiBi bias inside its attention code"):
        capture(loaded["falcon-alibi"], SHORT, positions="removed")


def test_partial_rotary_in_textbook_order(loaded, short):
    ex = explain_cell(short["phi"], loaded["phi"].info, "self", 0, 1, 4, 2)
    q, k = ex.rotary.rotated_interleaved()  # pairs (0, 2), (1, 3) of the 4 turned dimensions
    assert np.array_equal(q, ex.rotary.q_before[[0, 2, 1, 3]]) and np.array_equal(k, ex.rotary.k_before[[0, 2, 1, 3]])
    scratch = load_model("scratch-decoder", device="cpu").info
    assert (scratch.rotary_fraction, scratch.rotary_pairing) == (1.0, "interleaved")


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_qk_mode_equals_eager_or_stays_eager(loaded, short, family):
    """Queries-and-keys mode recomputes every family's weights as eager attention gives them (float32); families
    whose attention bypasses transformers' attention interface (ALiBi in Falcon, DeBERTa's disentangled terms,
    GPT-Neo, GPT-J, Falcon) have nothing recorded to recompute from, so they stay eager and say so."""
    model = loaded[family]
    qk = capture(model, SHORT, target=TARGET if model.info.architecture == "encoder-decoder" else None, mode="qk")
    eager = short[family]
    if family in NOT_RECORDED:
        assert qk.mode == "eager" and any("eager" in note for note in qk.notes)
        return
    assert qk.mode == "qk" and qk.kinds == eager.kinds
    for kind in eager.kinds:
        assert torch.allclose(qk.attention[kind], eager.attention[kind], atol=1e-5), kind
