"""Ablation, direct logit attribution and patching against re-runs by hand on tiny models (two layers, two heads,
d_model 8, float64), and the reasons given where a family cannot give a measure."""
import numpy as np
import pytest
import torch

from attnviz.analysis.availability import why_not
from attnviz.analysis.causal import (ablate_heads, aligned_pairs, direct_logit_attribution, patch_heads,
                                     patch_together)
from attnviz.analysis.measures import measure
from attnviz.analysis.prompts import make_prompt, token_id
from attnviz.analysis.targets import NextToken, Similarity
from attnviz.core.errors import MeasureUnavailable
from tiny_models import load_tiny, outputs_of, pieces, plain, target_by_hand


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


def _target(model):
    if model.info.model_type == "bert":
        return Similarity(make_prompt(model, "a dog ran in the park"))
    return NextToken(token_id(model, "t"))


def _by_hand(model, prompt, target, pre=None) -> float:
    if isinstance(target, Similarity):
        return target_by_hand(model, prompt, None, target.other, pre=pre)
    return target_by_hand(model, prompt, target.token_id, pre=pre)


ABLATION_CASES = [("bert", "self"), ("llama", "self"), ("t5", "self"), ("t5", "cross"), ("marian", "decoder_self"),
                  ("scratch-decoder", "self"), ("scratch-seq2seq", "self")]


@pytest.mark.parametrize("how", ["zero", "mean"])
@pytest.mark.parametrize("family,kind", ABLATION_CASES)
def test_ablation_is_a_rerun_with_the_heads_output_replaced_by_hand(family, kind, how, tiny):
    model = tiny(family)
    prompt = prompt_of(model)
    target = _target(model)
    result = ablate_heads(model, prompt, target, kind=kind, how=how, batch=3)  # batches that split layers
    clean = _by_hand(model, prompt, target)
    assert result.baseline == pytest.approx(clean, abs=1e-6)
    d = model.info.d_head
    for layer in range(2):
        o = pieces(model, kind, layer)["o"]
        for head in range(2):
            def ablate(x, head=head):
                x = x.clone()
                part = x[..., head * d:(head + 1) * d]  # the rows of W_O's input that hold head h
                x[..., head * d:(head + 1) * d] = 0 if how == "zero" else part.mean(dim=1, keepdim=True)
                return x
            expected = _by_hand(model, prompt, target, pre={o: ablate}) - clean
            assert result.delta[layer, head] == pytest.approx(expected, abs=1e-6)
    assert np.abs(result.delta).max() > 1e-4  # some head matters: the comparison is not of zeros
    out = result.to_json()
    assert np.array(out["delta"]).shape == (2, 2) and out["baseline"] == result.baseline


DLA_CASES = ["llama", "t5", "scratch-decoder", "scratch-seq2seq", "scratch-encoder"]


def _final(model, prompt):
    """(the stream the final norm reads at the last position, the logits there), from a plain run."""
    net = model.module
    norm = pieces(model, "decoder_self" if model.info.architecture == "encoder-decoder" else "self", 0)["final"]
    stream = outputs_of(model, prompt, norm, inputs=True)[-1].double()
    out = plain(model, prompt)
    logits = (out if isinstance(out, torch.Tensor) else out.logits)[0, -1].double()
    return stream, logits, norm, net


@pytest.mark.parametrize("family", DLA_CASES)
def test_direct_logit_attribution_sums_to_the_logit_and_reads_heads_through_the_frozen_norm(family, tiny):
    model = tiny(family)
    prompt = prompt_of(model)
    token, other = token_id(model, "t"), token_id(model, "a")
    result = direct_logit_attribution(model, prompt, NextToken(token))
    stream, logits, norm, _ = _final(model, prompt)
    assert result.logit == pytest.approx(float(logits[token]), abs=1e-6)
    assert result.total() == pytest.approx(float(logits[token]), abs=1e-5)
    diff = direct_logit_attribution(model, prompt, NextToken(token, other))
    assert diff.total() == pytest.approx(float(logits[token] - logits[other]), abs=1e-5)
    # the last layer's heads by hand: z_h·W_O^h through the norm with its scale frozen, onto the unembedding
    kind = "decoder_self" if model.info.architecture == "encoder-decoder" else "self"
    p = pieces(model, kind, 1)
    z = outputs_of(model, prompt, p["o"], inputs=True)[-1].double()  # [head·d_head] at the last position
    w = p["o"].weight.detach().double()
    centred = isinstance(norm, torch.nn.LayerNorm)
    eps = norm.eps if centred else norm.variance_epsilon
    scale = torch.sqrt((stream - stream.mean() if centred else stream).pow(2).mean() + eps)
    unembed = p["unembed"].weight[token].detach().double()
    tied = model.info.model_type == "t5"  # T5 scales by d_model^-1/2 before its tied unembedding
    d = model.info.d_head
    for head in range(2):
        out = z[head * d:(head + 1) * d] @ w[:, head * d:(head + 1) * d].T
        out = out - out.mean() if centred else out
        expected = float(norm.weight.detach().double() * out / scale @ unembed) * (model.info.d_model ** -0.5 if tied else 1)
        assert result.heads[kind][1, head] == pytest.approx(expected, abs=1e-6)
    for k in result.heads:  # per source token, the heads' shares add up to each head's
        assert np.allclose(result.per_source[k].sum(axis=-1), result.heads[k], atol=1e-6)


@pytest.mark.parametrize("family,other", [("llama", "a cat sat on the mat"), ("scratch-decoder", "one cat sat on the mat")])
def test_patching_a_into_itself_restores_nothing_and_every_head_restores_everything(family, other, tiny):
    """A and B differ in their first word only: all they differ in reaches the last position through attention."""
    model = tiny(family)
    a, b = prompt_of(model, "the cat sat on the mat"), prompt_of(model, other)
    assert len(a.ids) == len(b.ids) and a.ids[-1] == b.ids[-1] and a.ids != b.ids
    target = NextToken(token_id(model, "t"))
    same = patch_heads(model, a, a, target, batch=3)
    assert np.abs(same.delta).max() < 1e-9 and np.isnan(same.restored).all()
    result = patch_heads(model, a, b, target, batch=3)
    assert result.value_a == pytest.approx(_by_hand(model, a, target), abs=1e-9)
    assert result.value_b == pytest.approx(_by_hand(model, b, target), abs=1e-9)
    every = [(layer, head) for layer in range(2) for head in range(2)]
    assert patch_together(model, a, b, target, every) == pytest.approx(result.value_a, abs=1e-9)
    # one head by hand: its slice of W_O's input on B replaced by A's
    d = model.info.d_head
    o = pieces(model, "self", 1)["o"]
    z_a = outputs_of(model, a, o, inputs=True)

    def patch(x):
        x = x.clone()
        x[0, :, d:2 * d] = z_a[:, d:2 * d]
        return x
    expected = _by_hand(model, b, target, pre={o: patch})
    assert result.value_b + result.delta[1, 1] == pytest.approx(expected, abs=1e-9)
    assert result.restored[1, 1] == pytest.approx(result.delta[1, 1] / (result.value_a - result.value_b))
    assert sorted(result.ranked())[0][:2] == (0, 0) and len(result.ranked()) == 4
    assert result.ranked()[0][2] == pytest.approx(np.nanmax(result.restored))


def test_encoder_patching_with_a_similarity_target(tiny):
    model = tiny("bert")
    a, b = prompt_of(model, "the cat sat on the mat"), prompt_of(model, "the dog sat on the mat")
    target = Similarity(make_prompt(model, "a dog ran in the park"))
    result = patch_heads(model, a, b, target)
    assert result.pairs == [(i, i) for i in range(len(b.ids))]
    assert result.value_b + result.delta[0, 0] == pytest.approx(
        patch_together(model, a, b, target, [(0, 0)]), abs=1e-9)


def test_texts_of_different_lengths_are_patched_where_their_tokens_cover_the_same_characters(tiny):
    model = tiny("bert")
    a, b = prompt_of(model, "the cat sat on the mat"), prompt_of(model, "the kitten sat on the mat")
    shown_a, shown_b = model.codec.display(list(a.ids)), model.codec.display(list(b.ids))
    assert len(shown_b) > len(shown_a)  # "kitten" is several pieces
    pairs = aligned_pairs(a, b)
    assert [(shown_b[j], shown_a[i]) for j, i in pairs] == [
        ("[CLS]", "[CLS]"), ("the", "the"), ("sat", "sat"), ("on", "on"), ("the", "the"), ("mat", "mat"),
        ("[SEP]", "[SEP]")]
    result = patch_heads(model, a, b, Similarity(make_prompt(model, "a dog ran in the park")), pairs=pairs)
    assert result.delta.shape == (2, 2) and result.pairs == pairs


def test_families_that_cannot_give_a_measure_say_why(tiny, tmp_path):
    bert, llama, marian, t5 = tiny("bert"), tiny("llama"), tiny("marian"), tiny("t5")
    with pytest.raises(MeasureUnavailable, match="no language-model head"):
        ablate_heads(bert, prompt_of(bert), NextToken(5))
    with pytest.raises(MeasureUnavailable, match="no unembedding"):
        direct_logit_attribution(bert, prompt_of(bert), NextToken(5))
    with pytest.raises(MeasureUnavailable, match="not a sentence encoder"):
        measure(llama, prompt_of(llama), "grad-input", target=Similarity(prompt_of(llama)))
    with pytest.raises(MeasureUnavailable, match="pre-LN"):
        direct_logit_attribution(marian, prompt_of(marian), NextToken(5))
    with pytest.raises(MeasureUnavailable, match="ALTI"):
        measure(t5, prompt_of(t5), "alti", "cross")
    with pytest.raises(MeasureUnavailable, match="rollout"):
        measure(t5, prompt_of(t5), "value-zeroing-rollout", "cross")
    # asked before running, the same reasons
    assert "no unembedding" in why_not(bert, "dla") and "language-model head" in why_not(bert, "ablation",
                                                                                       target="next-token")
    assert "pre-LN" in why_not(marian, "dla") and "ALTI" in why_not(t5, "alti", "cross")
    assert "not a sentence encoder" in why_not(llama, "grad-input", target="similarity")
    assert "rollout" in why_not(t5, "value-zeroing-rollout", "cross") and "no cross" in why_not(llama, "norm", "cross")
    assert why_not(t5, "dla") is None and why_not(bert, "alti") is None and why_not(llama, "patching") is None
    assert why_not(bert, "grad-input", target="similarity") is None and why_not(t5, "value-zeroing", "cross") is None


def test_attention_that_bypasses_the_recording_function_or_has_no_separable_w_o(tmp_path):
    bypass = load_tiny("llama", tmp_path / "bypass")
    bypass.module.set_attn_implementation("eager")  # no longer attnviz's recording function
    with pytest.raises(MeasureUnavailable, match="recording attention function"):
        measure(bypass, prompt_of(bypass), "norm")
    assert "recording attention function" in why_not(bypass, "weight")

    class Doubled(torch.nn.Module):  # the heads' output is changed before the projection reads it
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return self.inner(2 * x)

    fused = load_tiny("llama", tmp_path / "fused")
    for layer in fused.module.model.layers:
        layer.self_attn.o_proj = Doubled(layer.self_attn.o_proj)
    with pytest.raises(MeasureUnavailable, match="output projection"):
        measure(fused, prompt_of(fused), "norm")
    assert "output projection" in why_not(fused, "alti") and why_not(fused, "value-zeroing") is None
    assert measure(fused, prompt_of(fused), "value-zeroing").values.shape[0] == 2  # needs no W_O


def test_a_subset_of_heads_or_layers_is_computed_alone(tiny):
    model = tiny("llama")
    prompt = prompt_of(model)
    target = _target(model)
    every = ablate_heads(model, prompt, target)
    one = ablate_heads(model, prompt, target, heads=[(1, 0)])
    assert one.delta[1, 0] == pytest.approx(every.delta[1, 0], abs=1e-9)
    assert np.isnan(one.delta).sum() == 3 and one.to_json()["delta"][0] == [None, None]
    patched = patch_heads(model, prompt, prompt_of(model, "a cat sat on the mat"), target, heads=[(0, 1)])
    assert [r[:2] for r in patched.ranked()] == [(0, 1)]
    full = measure(model, prompt, "value-zeroing")
    layer = measure(model, prompt, "value-zeroing", layers=[1])
    assert torch.allclose(layer.values[1], full.values[1]) and torch.isnan(layer.values[0]).all()
    assert layer.layers == [1] and full.layers is None


@pytest.mark.parametrize("family", ["llama", "scratch-decoder"])
def test_a_tap_keeping_one_row_keeps_that_row_of_every_heads_weights_and_output(family, tiny):
    """Direct logit attribution reads one row: its tap keeps that row alone (at 8,192 tokens every layer's α is
    GBs), equal to the same row of a tap that keeps them all."""
    from attnviz.analysis.runs import run
    from attnviz.models.taps import Tap

    model = tiny(family)
    prompt = prompt_of(model)
    whole, one = Tap(), Tap(row=3)
    with model.lock:
        run(model, prompt, whole)
        run(model, prompt, one)
    assert whole.records.keys() == one.records.keys()
    for key, full in whole.records.items():
        kept = one.records[key]
        assert kept.alpha.shape[2] == 1 and kept.z.shape[1] == 1
        assert torch.equal(kept.alpha[:, :, 0], full.alpha[:, :, 3]) and torch.equal(kept.z[:, 0], full.z[:, 3])


def test_the_predicted_token_runs_the_fast_kernel_and_forms_no_weights(glass, monkeypatch):
    """The explorer asks for the predicted next token on every visit: on the fast kernel (SDPA), never eager
    attention, which formed 12 × 8,192² weights a layer on a long text; the same token as eager's logits give."""
    import attnviz.models.recording as recording
    from attnviz.analysis.targets import predicted_token
    from attnviz.models.forward import forward

    prompt = make_prompt(glass, "The cat sat on the mat and the dog ran to the")
    with torch.no_grad():
        eager = int(forward(glass, prompt).logits[0, -1].argmax())

    def refuse(*args, **kwargs):
        raise AssertionError("eager attention ran")

    monkeypatch.setattr(recording, "eager_attention", refuse)
    assert predicted_token(glass, prompt) == eager
