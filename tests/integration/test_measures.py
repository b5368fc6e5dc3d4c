"""Each measure against a hand computation from the model's own modules, on tiny models (two layers, two heads,
d_model 8, float64): a BERT-like encoder, a Llama-like decoder with grouped-query attention and rotary, T5 and
Marian encoder-decoders, and the from-scratch models."""
import numpy as np
import pytest
import torch

from attnviz.analysis.measures import agreement, measure
from attnviz.analysis.prompts import make_prompt, token_id
from attnviz.analysis.targets import NextToken, Similarity
from tiny_models import load_tiny, outputs_of, pieces, plain, target_by_hand, weights

# (family, attention kind): every kind a measure is drawn for
CASES = [("bert", "self"), ("llama", "self"), ("t5", "self"), ("t5", "decoder_self"), ("t5", "cross"),
         ("marian", "self"), ("marian", "cross"), ("scratch-encoder", "self"), ("scratch-decoder", "self"),
         ("scratch-seq2seq", "decoder_self"), ("scratch-seq2seq", "cross")]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    base = tmp_path_factory.mktemp("tiny")
    cache = {}

    def get(family):
        if family not in cache:
            cache[family] = load_tiny(family, base)
        return cache[family]
    return get


def prompt_of(model, text="the cat sat on the mat"):
    return make_prompt(model, text, "le chat est")


def target_of(model):
    """The similarity to a second sentence for the encoder without a head; else a next token."""
    if model.info.model_type == "bert":
        return Similarity(make_prompt(model, "a dog ran in the park"))
    return NextToken(token_id(model, "t"))


def _transformed(model, prompt, kind, layer):
    """(α [head, query_pos, key_pos], f_h(x_j) [head, key_pos, d_model]) read from the model's modules."""
    p = pieces(model, kind, layer)
    alpha = weights(model, prompt, kind, layer).double()
    v = outputs_of(model, prompt, p["v"]).double()  # [key_pos, kv_head·d_head]
    n_heads, d = alpha.shape[0], model.info.d_head
    group = n_heads // (v.shape[-1] // d)  # query heads per key/value head
    w = p["o"].weight.detach().double()  # [d_model, head·d_head]: nn.Linear's weight
    f = torch.stack([v[:, (h // group) * d:(h // group + 1) * d] @ w[:, h * d:(h + 1) * d].T for h in range(n_heads)])
    return alpha, f


@pytest.mark.parametrize("family,kind", CASES)
def test_weight_and_norm_follow_the_formula_from_the_models_own_modules(family, kind, tiny):
    model = tiny(family)
    prompt = prompt_of(model)
    weight = measure(model, prompt, "weight", kind).values
    per_head = measure(model, prompt, "norm", kind).values
    layer_level = measure(model, prompt, "norm-layer", kind).values
    assert per_head.shape == weight.shape and layer_level.shape == (weight.shape[0], *weight.shape[2:])
    for layer in range(2):
        alpha, f = _transformed(model, prompt, kind, layer)
        assert torch.allclose(weight[layer].double(), alpha, atol=1e-6)
        expected = alpha * f.norm(dim=-1)[:, None, :]  # ‖α_ij f_h(x_j)‖ = α_ij ‖f_h(x_j)‖
        assert torch.allclose(per_head[layer].double(), expected, rtol=1e-4, atol=1e-6)
        summed = torch.einsum("hik,hke->ike", alpha, f).norm(dim=-1)  # ‖Σ_h α^h_ij f_h(x_j)‖
        assert torch.allclose(layer_level[layer].double(), summed, rtol=1e-4, atol=1e-6)
        assert summed.max() > 0.1  # the tiny model moves something: the comparison is not of zeros


def _normalised(rows: torch.Tensor) -> torch.Tensor:
    return rows / rows.sum(dim=-1, keepdim=True)


@pytest.mark.parametrize("family,kind", CASES)
def test_value_zeroing_is_a_rerun_with_the_value_zeroed_by_hand(family, kind, tiny):
    model = tiny(family)
    prompt = prompt_of(model)
    result = measure(model, prompt, "value-zeroing", kind)
    n_keys = len(prompt.decoder_ids) if kind == "decoder_self" else len(prompt.ids)
    for layer in range(2):
        p = pieces(model, kind, layer)
        clean = outputs_of(model, prompt, p["block"]).double()  # [query_pos, d_model]
        columns = []
        for j in range(n_keys):
            def zero(out, j=j):
                out = out.clone()
                out[:, j] = 0  # token j's value vectors, every head
                return out
            changed = outputs_of(model, prompt, p["block"], post={p["v"]: zero}).double()
            columns.append(1 - torch.nn.functional.cosine_similarity(changed, clean, dim=-1))
        expected = _normalised(torch.stack(columns, dim=-1))
        assert torch.allclose(result.values[layer].double(), expected, atol=1e-5)
    if kind != "cross":  # rolled out: R_l = C_l · R_{l−1}
        rolled = measure(model, prompt, "value-zeroing-rollout", kind).values
        assert torch.allclose(rolled[1], result.values[1] @ result.values[0], atol=1e-6)


def _alti_by_hand(model, prompt, kind, layer) -> torch.Tensor:
    """Ferrando et al. 2022, eq. for T_i(x_j) and c_ij, written out token by token."""
    p = pieces(model, kind, layer)
    alpha, f = _transformed(model, prompt, kind, layer)
    o = outputs_of(model, prompt, p["o"]).double()  # the attention output, W_O's bias included
    bias = p["o"].bias.detach().double() if p["o"].bias is not None else torch.zeros(o.shape[-1], dtype=torch.float64)
    n = alpha.shape[-1]
    if "post" in p:
        x = outputs_of(model, prompt, p["block"], inputs=True).double()  # the block's (and the attention's) input
        ln = p["post"]
        y = outputs_of(model, prompt, ln).double()  # the model's own LayerNorm output
        u = x + o
        sigma = torch.sqrt(u.var(dim=-1, unbiased=False) + ln.eps)
        gamma, beta = ln.weight.detach().double(), ln.bias.detach().double()
    else:
        x = outputs_of(model, prompt, p["pre"], inputs=True).double()  # the residual stream before the pre-norm
        y = x + o
    c = torch.zeros(n, n, dtype=torch.float64)
    for i in range(n):
        parts = []
        for j in range(n):
            s = (alpha[:, i, j, None] * f[:, j]).sum(0) + (x[i] if i == j else 0)
            t = gamma * (s - s.mean()) / sigma[i] if "post" in p else s
            parts.append(t)
            c[i, j] = max(0.0, float((y[i].abs().sum() - (y[i] - t).abs().sum()).detach()))
        # the parts and the biases make up the block's real output
        rest = gamma * (bias - bias.mean()) / sigma[i] + beta if "post" in p else bias
        assert torch.allclose(torch.stack(parts).sum(0) + rest, y[i], atol=1e-6)
    return _normalised(c)


@pytest.mark.parametrize("family,kind", [c for c in CASES if c[1] != "cross"])
def test_alti_is_the_papers_definition(family, kind, tiny):
    model = tiny(family)
    prompt = prompt_of(model)
    result = measure(model, prompt, "alti", kind).values
    for layer in range(2):
        assert torch.allclose(result[layer].double(), _alti_by_hand(model, prompt, kind, layer), atol=1e-5)
    rolled = measure(model, prompt, "alti-rollout", kind).values
    assert torch.allclose(rolled[1], result[1] @ result[0], atol=1e-6)


GRAD_CASES = [("bert", "self"), ("llama", "self"), ("t5", "self"), ("t5", "cross"), ("marian", "decoder_self"),
              ("scratch-decoder", "self"), ("scratch-seq2seq", "cross")]


@pytest.mark.parametrize("family,kind", GRAD_CASES)
def test_grad_input_is_the_derivative_of_the_target_along_each_row(family, kind, tiny):
    """Σ_j α_ij ∂T/∂α_ij is the derivative of T when head h's row i of weights is scaled by s at s = 1, which is
    what scaling that row of z_h does: taken by autograd through a plain run with s at the output projection."""
    model = tiny(family)
    prompt = prompt_of(model)
    target = target_of(model)
    result = measure(model, prompt, "grad-input", kind, target=target)
    token = target.token_id if isinstance(target, NextToken) else None
    other = target.other if isinstance(target, Similarity) else None
    assert result.target_value == pytest.approx(target_by_hand(model, prompt, token, other), abs=1e-6)
    d = model.info.d_head
    n_q = result.values.shape[2]
    for layer, head, row in [(0, 0, n_q - 1), (1, 1, n_q - 1), (0, 1, n_q // 2), (1, 0, 0)]:
        o = pieces(model, kind, layer)["o"]
        s = torch.ones((), dtype=torch.float64, requires_grad=True)

        def edit(x, row=row, head=head, s=s):
            mask = torch.zeros_like(x)
            mask[:, row, head * d:(head + 1) * d] = 1
            return x * (1 + mask * (s - 1))
        value = target_by_hand(model, prompt, token, other, pre={o: edit}, grad=True)
        (derivative,) = torch.autograd.grad(value, s)
        assert float(result.values[layer, head, row].sum()) == pytest.approx(float(derivative), rel=1e-4, abs=1e-7)


def test_json_shapes_and_the_agreement_of_weights_with_themselves(tiny):
    model = tiny("t5")
    prompt = prompt_of(model)
    weight = measure(model, prompt, "weight", "cross")
    out = weight.to_json()
    assert out["method"] == "weight" and out["tokens"] == weight.tokens and out["key_tokens"] == weight.key_tokens
    assert np.array(out["values"]).shape == (2, 2, len(prompt.decoder_ids), len(prompt.ids))
    layer_level = measure(model, prompt, "value-zeroing", "self").to_json()
    assert np.array(layer_level["values"]).shape == (2, len(prompt.ids), len(prompt.ids))
    assert np.allclose(agreement(weight.values, weight.values), 1.0)
    assert weight.source().shape == tuple(weight.values.shape)


def test_layers_that_share_one_module_are_told_apart(tmp_path):
    """ALBERT runs one attention module (and one block) for every layer: each call is its own site."""
    from attnviz import load_model
    from builders import build_family

    model = load_model(str(build_family("albert", tmp_path / "albert")), device="cpu")
    model.move(torch.device("cpu"), torch.float64)
    prompt = prompt_of(model)
    net = model.module
    with torch.no_grad():
        alpha = net(input_ids=torch.tensor([list(prompt.ids)]), output_attentions=True).attentions
    weight = measure(model, prompt, "weight").values
    assert all(torch.allclose(weight[layer].double(), alpha[layer][0], atol=1e-6) for layer in range(2))
    assert not torch.allclose(weight[0], weight[1])
    block = net.encoder.albert_layer_groups[0]
    value = block.albert_layers[0].attention.value
    calls = []

    def output_of_second_call(out):  # keeps [query_pos, d_model] of every call of the shared block
        calls.append((out[0] if isinstance(out, tuple) else out)[0].detach().clone())

    def zero_in_second_call(j):
        seen = [0]

        def edit(out):
            seen[0] += 1
            if seen[0] == 2:  # layer 1 is the shared module's second call
                out = out.clone()
                out[:, j] = 0
            return out
        return edit
    result = measure(model, prompt, "value-zeroing").values
    columns = []
    for j in [None, *range(len(prompt.ids))]:
        calls.clear()
        edits = {} if j is None else {value: zero_in_second_call(j)}
        plain(model, prompt, post={**edits, block: output_of_second_call})
        if j is None:
            clean = calls[1].double()
        else:
            columns.append(1 - torch.nn.functional.cosine_similarity(calls[1].double(), clean, dim=-1))
    expected = _normalised(torch.stack(columns, dim=-1))
    assert expected.shape == result[1].shape and torch.allclose(result[1].double(), expected, atol=1e-5)
