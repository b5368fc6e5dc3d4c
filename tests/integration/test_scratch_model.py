"""The from-scratch model: pinned hook names, BERT equivalence, masks in the forward pass, checkpoints."""
import pytest
import torch

from attnviz import capture, load_model
from attnviz.core.hooks import attention_kind, hook_name, hook_names, hooks, record_into
from attnviz.models.scratch import MultiHeadAttention, ScratchConfig, ScratchTransformer

ATTN = ["hook_q", "hook_k", "hook_v", "hook_attn_scores", "hook_pattern", "hook_z"]
ROTARY = ["hook_q", "hook_k", "hook_v", "hook_rot_q", "hook_rot_k", "hook_attn_scores", "hook_pattern", "hook_z"]


def test_hook_names_pinned_encoder_decoder():
    model = ScratchTransformer(ScratchConfig(architecture="encoder-decoder", n_layers=1))
    assert hook_names(model) == [
        "hook_pos_embed",
        "blocks.0.attn.hook_q", "blocks.0.attn.hook_k", "blocks.0.attn.hook_v",
        "blocks.0.attn.hook_attn_scores", "blocks.0.attn.hook_pattern", "blocks.0.attn.hook_z",
        "decoder.hook_pos_embed",
        "decoder.blocks.0.attn.hook_q", "decoder.blocks.0.attn.hook_k", "decoder.blocks.0.attn.hook_v",
        "decoder.blocks.0.attn.hook_attn_scores", "decoder.blocks.0.attn.hook_pattern", "decoder.blocks.0.attn.hook_z",
        "decoder.blocks.0.cross_attn.hook_q", "decoder.blocks.0.cross_attn.hook_k", "decoder.blocks.0.cross_attn.hook_v",
        "decoder.blocks.0.cross_attn.hook_attn_scores", "decoder.blocks.0.cross_attn.hook_pattern",
        "decoder.blocks.0.cross_attn.hook_z",
    ]


@pytest.mark.parametrize("arch,positional,points", [("encoder", "sinusoidal", ATTN), ("decoder", "learned", ATTN),
                                                    ("decoder", "rotary", ROTARY)])
def test_hook_names_pinned_single_stack(arch, positional, points):
    model = ScratchTransformer(ScratchConfig(architecture=arch, positional=positional, n_layers=2))
    assert hook_names(model) == ["hook_pos_embed"] + [f"blocks.{i}.attn.{h}" for i in range(2) for h in points]


def test_module_names_stay_so_old_checkpoints_load():
    """Hook names changed; module names (the checkpoint's keys) did not."""
    model = ScratchTransformer(ScratchConfig(architecture="encoder-decoder", positional="learned", n_layers=1))
    keys = set(model.state_dict())
    assert {"encoder.embed.positions.weight", "encoder.layers.0.self_attn.q_proj.weight",
            "decoder.layers.0.cross_attn.o_proj.bias", "decoder.layers.0.norm3.weight", "lm_head.weight"} <= keys
    assert not any("hook" in k for k in keys)


def test_hook_names_build_and_read_back():
    for kind in ("self", "decoder_self", "cross"):
        for arch in ("encoder-decoder",) if kind != "self" else ("encoder", "decoder", "encoder-decoder"):
            assert attention_kind(hook_name(kind, 3, "hook_pattern"), arch) == kind
    # the same rule reads transformers' module paths
    assert attention_kind("model.decoder.layers.0.encoder_attn", "encoder-decoder") == "cross"
    assert attention_kind("decoder.block.1.layer.1.EncDecAttention", "encoder-decoder") == "cross"
    assert attention_kind("model.decoder.layers.0.self_attn", "encoder-decoder") == "decoder_self"
    assert attention_kind("model.decoder.layers.0.self_attn", "decoder") == "self"


def test_rotary_hooks_see_q_before_and_after_the_turn():
    torch.manual_seed(0)
    model = ScratchTransformer(ScratchConfig(architecture="decoder", positional="rotary", n_layers=1)).eval()
    store = {}
    names = ["blocks.0.attn.hook_q", "blocks.0.attn.hook_rot_q", "hook_pos_embed"]
    with torch.no_grad(), hooks(model, {n: record_into(store) for n in names}):
        model(torch.tensor([[3, 5, 7, 9]]))
    from attnviz.core.positional import apply_rotary
    before, after = store["blocks.0.attn.hook_q"], store["blocks.0.attn.hook_rot_q"]
    assert torch.allclose(apply_rotary(before, store["hook_pos_embed"]), after, atol=1e-6)
    assert torch.equal(before[..., 0, :], after[..., 0, :])  # position 0: angle 0
    assert not torch.allclose(before[..., 1:, :], after[..., 1:, :])


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
