"""glassllm's trained numpy decoder, loaded into a torch LlamaForCausalLM with the same numbers.

glassllm rotates adjacent pairs (2i, 2i+1); Llama rotates (i, i + d_head/2). Permuting the
output rows of W_Q and W_K within each head maps one onto the other and leaves every q·k,
and so every attention weight and logit, unchanged.
"""
from __future__ import annotations

import numpy as np
import torch

from attnviz.models.tokens import GlassCodec


def interleaved_to_half(d_head: int) -> np.ndarray:
    """Row order taking pairs (2i, 2i+1) to (i, i + d_head/2): evens first, then odds."""
    return np.concatenate([np.arange(0, d_head, 2), np.arange(1, d_head, 2)])


def _permute_heads(weight: np.ndarray, n_heads: int, d_head: int) -> np.ndarray:
    """weight [in, heads·d_head] (glassllm's x @ W) -> torch's [heads·d_head, in] with rows permuted per head."""
    order = interleaved_to_half(d_head)
    rows = weight.T.reshape(n_heads, d_head, -1)[:, order, :]  # [head, d_head, in]
    return rows.reshape(n_heads * d_head, -1)


def load_glassllm(lang: str = "en"):
    """(LlamaForCausalLM, GlassCodec, glassllm Config) for a packaged glassllm language."""
    import glassllm
    from transformers import LlamaConfig, LlamaForCausalLM

    glass, tokenizer = glassllm.load_pretrained(lang)
    cfg = glass.cfg
    d_head = cfg.d_model // cfg.n_heads
    hidden = int(8 * cfg.d_model / 3)
    config = LlamaConfig(
        vocab_size=cfg.vocab_size, hidden_size=cfg.d_model, intermediate_size=hidden,
        num_hidden_layers=cfg.n_layers, num_attention_heads=cfg.n_heads, num_key_value_heads=cfg.n_kv_heads,
        head_dim=d_head, max_position_embeddings=cfg.max_len, rms_norm_eps=cfg.eps,
        rope_parameters={"rope_type": "default", "rope_theta": cfg.rope_base},
        tie_word_embeddings=True, attention_bias=False, mlp_bias=False, hidden_act="silu",
        bos_token_id=2, eos_token_id=3, pad_token_id=0, architectures=["LlamaForCausalLM"],
    )
    config._attn_implementation = "eager"
    model = LlamaForCausalLM(config)
    params = glass.named_parameters()

    def arr(name: str) -> np.ndarray:
        return params[name].data.astype(np.float32)

    state = {"model.embed_tokens.weight": arr("E"), "model.norm.weight": arr("norm_f.gamma"),
             "lm_head.weight": arr("E")}
    for i in range(cfg.n_layers):
        p, t = f"blocks.{i}.", f"model.layers.{i}."
        state[t + "input_layernorm.weight"] = arr(p + "norm1.gamma")
        state[t + "post_attention_layernorm.weight"] = arr(p + "norm2.gamma")
        state[t + "self_attn.q_proj.weight"] = _permute_heads(arr(p + "attn.W_Q"), cfg.n_heads, d_head)
        state[t + "self_attn.k_proj.weight"] = _permute_heads(arr(p + "attn.W_K"), cfg.n_kv_heads, d_head)
        state[t + "self_attn.v_proj.weight"] = arr(p + "attn.W_V").T
        state[t + "self_attn.o_proj.weight"] = arr(p + "attn.W_O").T
        state[t + "mlp.gate_proj.weight"] = arr(p + "ffn.W1").T
        state[t + "mlp.up_proj.weight"] = arr(p + "ffn.W3").T
        state[t + "mlp.down_proj.weight"] = arr(p + "ffn.W2").T
    tensors = {name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in state.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    leftover = [m for m in missing if "rotary" not in m]
    if leftover or unexpected:
        raise RuntimeError(f"glassllm weights did not map onto Llama: missing {leftover}, unexpected {unexpected}")
    return model.eval(), GlassCodec(tokenizer), cfg
