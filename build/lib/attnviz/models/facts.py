"""Model facts read from a loaded Hugging Face model's modules: heads, key/value heads, head size, usable
positions, causal or not, and the positional scheme (what the forward pass really does, not only config names)."""
from __future__ import annotations

import sys
from dataclasses import dataclass

from torch import nn

# Positional schemes, in the words the app shows.
SCHEMES = ("sinusoidal", "learned", "rotary", "alibi", "relative", "disentangled", "none")
SCHEME_LABELS = {
    "sinusoidal": "sinusoidal (a fixed table added to the embeddings)",
    "learned": "learned (a trained table added to the embeddings)",
    "rotary": "rotary (queries and keys turned by their position)",
    "alibi": "ALiBi (a linear penalty on distance, one slope per head)",
    "relative": "T5 relative buckets (a learned bias per head and distance bucket)",
    "disentangled": "DeBERTa disentangled (content-to-position and position-to-content terms)",
    "none": "none",
}
_LEARNED_LEAVES = ("position_embeddings", "wpe", "embed_positions", "position_embedding")


@dataclass(frozen=True)
class Positions:
    """Where a model's positions come from, and the details a person needs to read its attention."""

    scheme: str  # one of SCHEMES
    source: str = ""  # the module that produces them ("" where none)
    rotary_fraction: float | None = None  # rotary: the share of each head's dimensions that is turned
    rotary_pairing: str | None = None  # rotary: "half" (pairs i, i + r/2) or "interleaved" (pairs 2i, 2i + 1)
    offset: int = 0  # learned: rows before position 0 (RoBERTa's padding_idx + 1, OPT's and BART's 2)
    table_rows: int | None = None  # learned/sinusoidal: rows in the table


def config_declares_causal(config) -> bool:
    """A causal language model by its config alone (before any weights are loaded)."""
    if getattr(config, "is_encoder_decoder", False):
        return False
    archs = " ".join(getattr(config, "architectures", None) or [])
    return "CausalLM" in archs or "LMHead" in archs or bool(getattr(config, "is_decoder", False))


def attention_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """Modules that compute attention (they hold a query projection or a fused q/k/v one), in tree order."""
    out = []
    for name, module in model.named_modules():
        children = {n for n, _ in module.named_children()}
        if children & {"q_proj", "query", "q", "query_key_value", "c_attn", "q_lin", "query_proj", "Wqkv"}:
            out.append((name, module))
    return out


def _first_attr(modules, names):
    for _, module in modules:
        for attr in names:
            value = getattr(module, attr, None)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
    return None


def head_facts(model: nn.Module, config, n_heads: int, d_model: int) -> tuple[int, int]:
    """(key/value heads, head size) as the attention modules hold them; the config where they say nothing."""
    attn = attention_modules(model)
    d_head = (_first_attr(attn, ("head_dim", "attention_head_size", "head_size"))
              or getattr(config, "head_dim", None) or getattr(config, "d_kv", None) or d_model // n_heads)
    n_kv = _first_attr(attn, ("num_kv_heads", "num_key_value_heads"))
    if n_kv is None:
        groups = _first_attr(attn, ("num_key_value_groups",))
        if groups:
            n_kv = n_heads // groups
    if n_kv is None:
        for _, module in attn:
            k = getattr(module, "k_proj", None)
            if isinstance(k, nn.Linear):
                n_kv = k.out_features // d_head
                break
    n_kv = n_kv or getattr(config, "num_key_value_heads", None) or n_heads
    return int(n_kv), int(d_head)


def is_causal(model: nn.Module, config) -> bool:
    """Decoder-only models: the config says so, or its attention modules are marked causal."""
    if getattr(config, "is_encoder_decoder", False):
        return False
    return config_declares_causal(config) or any(getattr(m, "is_causal", False) is True
                                                 for _, m in attention_modules(model))


def _rotary_pairing(model: nn.Module) -> str:
    """Pairs (2i, 2i+1) where the attention code rotates every two dimensions (GPT-J), else (i, i + r/2)."""
    for _, module in attention_modules(model):
        code = sys.modules.get(type(module).__module__)
        if code is not None and hasattr(code, "rotate_every_two") and not hasattr(code, "rotate_half"):
            return "interleaved"
    return "half"


def _rotary_fraction(model: nn.Module, config, d_head: int) -> float:
    dims = _first_attr(attention_modules(model), ("rotary_ndims", "rotary_dim"))
    if dims and d_head:
        return dims / d_head
    for name in ("partial_rotary_factor", "rotary_pct"):
        value = getattr(config, name, None)
        if value:
            return float(value)
    return 1.0


def positions(model: nn.Module, config, d_head: int) -> Positions:
    """The positional scheme the forward pass applies, found in the module tree (ALiBi before rotary:
    Falcon builds a rotary module even when it uses ALiBi instead)."""
    modules = list(model.named_modules())
    if any(getattr(m, "use_alibi", False) is True for _, m in modules) or getattr(config, "alibi", False) \
            or getattr(config, "position_embedding_type", None) == "alibi":
        return Positions("alibi")
    for name, module in modules:
        if getattr(module, "relative_attention", False) is True and getattr(module, "pos_att_type", None) is not None:
            return Positions("disentangled", name)
    for name, module in modules:
        leaf = name.rsplit(".", 1)[-1]
        kind_name = type(module).__name__.lower()
        if leaf == "rotary_emb" or "rotary" in kind_name:
            return Positions("rotary", name, _rotary_fraction(model, config, d_head), _rotary_pairing(model))
        if leaf == "relative_attention_bias":
            return Positions("relative", name)
        if leaf in _LEARNED_LEAVES:
            rows = getattr(module, "num_embeddings", None) or getattr(getattr(module, "weight", None), "shape", [None])[0]
            if "sinusoidal" in kind_name:
                return Positions("sinusoidal", name, offset=int(getattr(module, "offset", 0) or 0), table_rows=rows)
            pad = getattr(module, "padding_idx", None)
            offset = int(getattr(module, "offset", 0) or 0) or (pad + 1 if isinstance(pad, int) else 0)
            return Positions("learned", name, offset=offset, table_rows=rows)
    if _first_attr(attention_modules(model), ("rotary_dim",)):  # GPT-J: a sin/cos buffer in each attention module
        return Positions("rotary", "", _rotary_fraction(model, config, d_head), _rotary_pairing(model))
    return Positions("none")


def usable_positions(config, found: Positions) -> int | None:
    """How many tokens the model takes: a learned table's rows less its offset (RoBERTa numbers positions
    from padding_idx + 1, so 514 rows take 512 tokens), else the config's limit (None: unbounded, T5)."""
    limit = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
    if found.scheme == "learned" and found.table_rows:
        rows = int(found.table_rows) - found.offset
        limit = min(limit, rows) if limit else rows
    if found.scheme == "relative":
        return None
    return int(limit) if limit else None
