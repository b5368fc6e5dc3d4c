"""The smallest models the measures are checked on: two layers, two heads, d_model 8 — a BERT-like encoder, a
Llama-like decoder (rotary, two query heads sharing one key/value head), T5 and Marian encoder-decoders, and
the from-scratch model — saved as real folders and loaded through load_model."""
from __future__ import annotations

from pathlib import Path

import torch

from builders import _family_tokenizer

KINDS = ("bert", "llama", "t5", "marian", "scratch-encoder", "scratch-decoder", "scratch-seq2seq")


def build_tiny(kind: str, folder: Path) -> Path:
    """Save a tiny random model of `kind` (one of KINDS) into folder."""
    torch.manual_seed(0)
    if kind.startswith("scratch-"):
        from attnviz.models.scratch import ScratchConfig, ScratchTransformer
        from attnviz.models.tokens import CharCodec

        codec = CharCodec()
        arch = kind.split("-", 1)[1].replace("seq2seq", "encoder-decoder")
        cfg = ScratchConfig(architecture=arch, vocab_size=codec.vocab_size, d_model=8, n_heads=2, n_layers=2,
                            d_ff=16, max_len=64, positional="rotary" if arch == "decoder" else "learned")
        model = ScratchTransformer(cfg)
        for p in model.parameters():  # random weights large enough that every head moves something
            torch.nn.init.normal_(p, std=0.5)
        return model.save(folder, {"codec": codec.to_json()})
    import transformers as tf

    tok_kind = {"bert": "wordpiece", "llama": "llama"}.get(kind, "seq2seq")
    tok = _family_tokenizer(tok_kind)
    ids = {f"{k}_token_id": tok.convert_tokens_to_ids(getattr(tok, f"{k}_token"))
           for k in ("pad", "bos", "eos") if getattr(tok, f"{k}_token", None)}
    if kind == "bert":
        model = tf.BertModel(tf.BertConfig(vocab_size=len(tok), hidden_size=8, num_hidden_layers=2,
                                           num_attention_heads=2, intermediate_size=16, max_position_embeddings=64,
                                           **ids))
    elif kind == "llama":
        model = tf.LlamaForCausalLM(tf.LlamaConfig(vocab_size=len(tok), hidden_size=8, num_hidden_layers=2,
                                                   num_attention_heads=2, num_key_value_heads=1, head_dim=4,
                                                   intermediate_size=16, max_position_embeddings=64, **ids))
    elif kind == "t5":
        model = tf.T5ForConditionalGeneration(tf.T5Config(
            vocab_size=len(tok), d_model=8, d_kv=4, d_ff=16, num_layers=2, num_decoder_layers=2, num_heads=2,
            relative_attention_num_buckets=8, relative_attention_max_distance=16,
            decoder_start_token_id=ids["pad_token_id"], **ids))
    elif kind == "marian":
        model = tf.MarianMTModel(tf.MarianConfig(
            vocab_size=len(tok), d_model=8, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2,
            decoder_attention_heads=2, encoder_ffn_dim=16, decoder_ffn_dim=16, max_position_embeddings=64,
            decoder_start_token_id=ids["pad_token_id"], **ids))
    else:
        raise ValueError(kind)
    with torch.no_grad():  # random weights large enough that every head moves something
        for p in model.parameters():
            if p.dim() > 1:
                p.normal_(std=0.5)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def load_tiny(kind: str, base: Path, dtype: torch.dtype = torch.float64):
    """The tiny model of `kind`, loaded through load_model, in float64 so that hand computations agree closely."""
    from attnviz import load_model

    model = load_model(str(build_tiny(kind, base / kind)), device="cpu")
    model.move(torch.device("cpu"), dtype)
    return model


# ---- hand computations: the modules read by name, family by family (not through attnviz.models.sites) ----------

def pieces(model, kind: str, layer: int) -> dict:
    """The modules of one attention site by their names in each family: value projection, output projection
    (W_O), the block, the norm before attention (pre-LN) or after the residual sum (post-LN), the final norm."""
    net, name = model.module, model.info.model_type
    if model.backend == "scratch":
        side = net.encoder if kind == "self" and model.info.architecture != "decoder" else net.decoder
        block = side["layers"][layer]
        attn = block.cross_attn if kind == "cross" else block.self_attn
        return {"v": attn.v_proj, "o": attn.o_proj, "block": block,
                "pre": block.norm2 if kind == "cross" else block.norm1, "final": net.decoder["norm"]
                if model.info.architecture != "encoder" else net.encoder["norm"], "unembed": net.lm_head}
    if name == "bert":
        block = net.encoder.layer[layer]
        return {"v": block.attention.self.value, "o": block.attention.output.dense, "block": block,
                "post": block.attention.output.LayerNorm}
    if name == "llama":
        block = net.model.layers[layer]
        return {"v": block.self_attn.v_proj, "o": block.self_attn.o_proj, "block": block,
                "pre": block.input_layernorm, "final": net.model.norm, "unembed": net.lm_head}
    if name == "t5":
        stack = net.encoder if kind == "self" else net.decoder
        block = stack.block[layer]
        sub = block.layer[1] if kind == "cross" else block.layer[0]
        attn = sub.EncDecAttention if kind == "cross" else sub.SelfAttention
        return {"v": attn.v, "o": attn.o, "block": block, "pre": sub.layer_norm,
                "final": net.decoder.final_layer_norm, "unembed": net.lm_head}
    if name == "marian":
        stack = net.model.encoder if kind == "self" else net.model.decoder
        block = stack.layers[layer]
        attn = block.encoder_attn if kind == "cross" else block.self_attn
        norm = block.encoder_attn_layer_norm if kind == "cross" else block.self_attn_layer_norm
        return {"v": attn.v_proj, "o": attn.out_proj, "block": block, "post": norm}
    raise ValueError(name)


def plain(model, prompt, pre: dict | None = None, post: dict | None = None, attentions: bool = False,
          grad: bool = False):
    """The model's own forward pass on the prompt (no attnviz taps), with torch hooks: pre {module: fn(input) ->
    input or None}, post {module: fn(output) -> output or None}. Returns the model's output."""
    net = model.module
    x = torch.tensor([list(prompt.ids)])
    def pre_hook(fn):
        def hook(_module, args):
            new = fn(args[0])
            return None if new is None else (new, *args[1:])
        return hook
    handles = [m.register_forward_pre_hook(pre_hook(fn)) for m, fn in (pre or {}).items()]
    handles += [m.register_forward_hook(lambda mod, args, out, fn=fn: fn(out)) for m, fn in (post or {}).items()]
    try:
        with torch.set_grad_enabled(grad):
            if model.backend == "scratch":
                y = None if prompt.decoder_ids is None else torch.tensor([list(prompt.decoder_ids)])
                return net(x, target_ids=y)
            kwargs = {"input_ids": x, "attention_mask": torch.ones_like(x), "output_attentions": attentions}
            if prompt.decoder_ids is not None:
                kwargs["decoder_input_ids"] = torch.tensor([list(prompt.decoder_ids)])
            if model.info.architecture != "encoder":
                kwargs["use_cache"] = False
            return net(**kwargs)
    finally:
        for h in handles:
            h.remove()


def weights(model, prompt, kind: str, layer: int) -> torch.Tensor:
    """α [head, query_pos, key_pos] from the model's own eager attention (HF output_attentions; the
    from-scratch model's hook_pattern)."""
    if model.backend == "scratch":
        from attnviz.core.hooks import hook_name, hooks, record_into
        store = {}
        name = hook_name(kind, layer, "hook_pattern")
        with hooks(model.module, {name: record_into(store)}):
            plain(model, prompt, attentions=True)
        return store[name][0]
    out = plain(model, prompt, attentions=True)
    field = {"self": "encoder_attentions" if model.info.architecture == "encoder-decoder" else "attentions",
             "decoder_self": "decoder_attentions", "cross": "cross_attentions"}[kind]
    return getattr(out, field)[layer][0]


def outputs_of(model, prompt, module, pre: dict | None = None, post: dict | None = None,
               inputs: bool = False) -> torch.Tensor:
    """What `module` returned (or, inputs=True, its first input) in a plain run with edits `pre` and `post`."""
    seen = {}
    def keep_out(out):
        seen["x"] = (out[0] if isinstance(out, tuple) else out).detach().clone()
    def keep_in(x):
        seen["x"] = x.detach().clone()
    pre, post = dict(pre or {}), dict(post or {})
    if inputs:
        pre.setdefault(module, keep_in)
    else:
        post.setdefault(module, keep_out)
    plain(model, prompt, pre=pre, post=post)
    return seen["x"][0]


def target_by_hand(model, prompt, token_id: int | None = None, other=None, pre: dict | None = None,
                   grad: bool = False):
    """A next token's log-probability at the last position, or (token_id None) the cosine similarity of the
    mean-pooled last hidden state to `other`'s, from a plain run with hooks `pre` (grad: as a tensor in the
    autograd graph)."""
    out = plain(model, prompt, pre=pre, grad=grad)
    if token_id is None:
        mine = out.last_hidden_state[0].mean(0)
        theirs = plain(model, other).last_hidden_state[0].mean(0)
        value = torch.nn.functional.cosine_similarity(mine, theirs, dim=0)
    else:
        logits = out if isinstance(out, torch.Tensor) else out.logits
        value = torch.log_softmax(logits[0, -1], dim=-1)[token_id]
    return value if grad else float(value)
