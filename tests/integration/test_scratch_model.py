"""The from-scratch model: pinned hook names, BERT equivalence, masks in the forward pass, checkpoints."""
import pytest
import torch

from attnviz import capture, load_model
from attnviz.core.hooks import hook_names, hooks, record_into
from attnviz.models.scratch import MultiHeadAttention, ScratchConfig, ScratchTransformer

ATTN = ["hook_q", "hook_k", "hook_v", "hook_scores", "hook_pattern", "hook_out"]


def test_hook_names_pinned_encoder_decoder():
    model = ScratchTransformer(ScratchConfig(architecture="encoder-decoder", n_layers=1))
    assert hook_names(model) == [
        "encoder.embed.hook_pos",
        "encoder.layers.0.self_attn.hook_q", "encoder.layers.0.self_attn.hook_k",
        "encoder.layers.0.self_attn.hook_v", "encoder.layers.0.self_attn.hook_scores",
        "encoder.layers.0.self_attn.hook_pattern", "encoder.layers.0.self_attn.hook_out",
        "decoder.embed.hook_pos",
        "decoder.layers.0.self_attn.hook_q", "decoder.layers.0.self_attn.hook_k",
        "decoder.layers.0.self_attn.hook_v", "decoder.layers.0.self_attn.hook_scores",
        "decoder.layers.0.self_attn.hook_pattern", "decoder.layers.0.self_attn.hook_out",
        "decoder.layers.0.cross_attn.hook_q", "decoder.layers.0.cross_attn.hook_k",
        "decoder.layers.0.cross_attn.hook_v", "decoder.layers.0.cross_attn.hook_scores",
        "decoder.layers.0.cross_attn.hook_pattern", "decoder.layers.0.cross_attn.hook_out",
    ]


@pytest.mark.parametrize("arch,prefix", [("encoder", "encoder"), ("decoder", "decoder")])
def test_hook_names_pinned_single_stack(arch, prefix):
    model = ScratchTransformer(ScratchConfig(architecture=arch, n_layers=2))
    expected = [f"{prefix}.embed.hook_pos"] + [f"{prefix}.layers.{i}.self_attn.{h}" for i in range(2) for h in ATTN]
    assert hook_names(model) == expected


def test_attention_layer_equals_bert_eager_layer():
    from transformers import BertConfig, BertModel

    torch.manual_seed(1)
    bert = BertModel(BertConfig(vocab_size=40, hidden_size=32, num_hidden_layers=1, num_attention_heads=4,
                                intermediate_size=64, attn_implementation="eager")).eval()
    ours = MultiHeadAttention(ScratchConfig(d_model=32, n_heads=4)).eval()
    src = bert.encoder.layer[0].attention.self
    with torch.no_grad():
        for mine, theirs in ((ours.q_proj, src.query), (ours.k_proj, src.key), (ours.v_proj, src.value)):
            mine.weight.copy_(theirs.weight)
            mine.bias.copy_(theirs.bias)
    ids = torch.tensor([[2, 7, 9, 11, 3, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 0, 0]])
    with torch.no_grad():
        out = bert(ids, attention_mask=mask, output_attentions=True, output_hidden_states=True)
        hidden = out.hidden_states[0]  # what layer 0's attention reads
        store = {}
        from attnviz.core.hooks import name_hook_points
        name_hook_points(ours)
        with hooks(ours, {"hook_pattern": record_into(store)}):
            ours(hidden, key_mask=mask)
    theirs = out.attentions[0]
    assert theirs.shape == store["hook_pattern"].shape == (1, 4, 7, 7)
    assert torch.allclose(store["hook_pattern"], theirs, atol=1e-6)
    assert torch.all(store["hook_pattern"][..., 5:] == 0)


def test_decoder_is_causal_and_encoder_is_not():
    dec = capture(load_model("scratch-decoder", device="cpu"), "hello world")
    enc = capture(load_model("scratch-encoder", device="cpu"), "hello world")
    a = dec.attention["self"]
    upper = torch.triu(torch.ones(a.shape[-2:], dtype=torch.bool), 1)
    assert torch.all(a[..., upper] == 0)
    assert torch.all(enc.attention["self"][..., upper] > 0)
    for cap in (dec, enc):
        assert torch.allclose(cap.attention["self"].sum(-1), torch.ones(a.shape[:-1]), atol=1e-5)


def test_captured_positions_are_what_the_forward_used():
    cap = capture(load_model("scratch-encoder", device="cpu"), "abcd")
    from attnviz.core.positional import sinusoidal
    assert cap.positional.kind == "sinusoidal"
    assert (cap.positional.values["encoding"] == sinusoidal(4, 64)).all()
    rot = capture(load_model("scratch-decoder", device="cpu"), "abcd")
    assert rot.positional.kind == "rotary" and rot.positional.values["cos"].shape == (4, 8)


def test_seq2seq_has_three_kinds_with_their_axes():
    cap = capture(load_model("scratch-seq2seq", device="cpu"), "12345", target="abc")
    assert cap.target_tokens == ["<bos>", "a", "b", "c"]
    assert cap.shape("self") == (2, 4, 5, 5)
    assert cap.shape("decoder_self") == (2, 4, 4, 4)
    assert cap.shape("cross") == (2, 4, 4, 5)
    assert cap.axes("cross") == (cap.target_tokens, cap.tokens)


def test_checkpoint_round_trip_gives_identical_attention(tmp_path):
    model = load_model("scratch-decoder", device="cpu")
    model.module.save(tmp_path / "ckpt", extra={"codec": model.codec.to_json()})
    again = load_model(str(tmp_path / "ckpt"), device="cpu")
    a, b = capture(model, "round trip"), capture(again, "round trip")
    assert torch.equal(a.attention["self"], b.attention["self"])
    assert again.info.family == "from-scratch" and again.info.positional == "rotary"


@pytest.mark.parametrize("kwargs,message", [
    ({"d_model": 64, "n_heads": 5}, "do not divide"),
    ({"n_layers": 0}, "positive"),
    ({"positional": "rotary", "d_model": 12, "n_heads": 4}, "even d_head"),
])
def test_bad_configs_say_why(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ScratchConfig(**kwargs)
