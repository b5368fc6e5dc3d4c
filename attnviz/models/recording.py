"""The attention function attnviz installs in Hugging Face models.

It records the query and key each layer really used (after rotary, before grouped-query
repetition) and the additive mask or bias, then runs the model's own eager attention, so the
weights are exactly eager's. This is the q/k route of DESIGN.md: "explain this cell" recomputes
softmax(q·kᵀ·scale + mask) from these vectors.
"""
from __future__ import annotations

import contextlib
import contextvars
import sys
from dataclasses import dataclass
from typing import Iterator

import torch
from torch import nn

NAME = "attnviz"
_current: contextvars.ContextVar[list | None] = contextvars.ContextVar("attnviz_qk", default=None)
_registered = False


@dataclass
class QKRecord:
    module: nn.Module
    query: torch.Tensor  # [head, query_pos, d_head]
    key: torch.Tensor  # [kv_head, key_pos, d_head]
    scaling: float
    bias: torch.Tensor | None  # additive, broadcastable to [head, query_pos, key_pos]


@dataclass
class QKStack:
    """Per-layer queries and keys of one attention kind, with what turns their dot product into scores."""

    q: torch.Tensor  # [layer, head, query_pos, d_head]
    k: torch.Tensor  # [layer, kv_head, key_pos, d_head]
    scaling: float
    bias: list[torch.Tensor | None]  # per layer: additive mask/bias broadcastable to [head, query_pos, key_pos]
    rotary: str | None = None  # "half" (Llama: pairs i, i+d/2) or "interleaved" (pairs 2i, 2i+1)


def _attention(module, query, key, value, attention_mask, scaling=None, dropout=0.0, **kwargs):
    records = _current.get()
    if records is not None:
        bias = attention_mask
        position_bias = kwargs.get("position_bias")
        if position_bias is not None:  # T5 adds its relative bias (and mask) as position_bias
            bias = position_bias if bias is None else bias + position_bias
        if bias is not None:
            bias = bias[0, :, :, : key.shape[-2]].detach()
        records.append(QKRecord(module, query[0].detach(), key[0].detach(),
                                float(scaling if scaling is not None else 1.0), bias))
    eager = sys.modules[type(module).__module__].eager_attention_forward
    return eager(module, query, key, value, attention_mask, scaling=scaling, dropout=dropout, **kwargs)


def install(model: nn.Module) -> bool:
    """Switch a transformers model to the recording attention; False if it cannot take it."""
    global _registered
    try:
        from transformers import AttentionInterface
        from transformers.masking_utils import AttentionMaskInterface, eager_mask
    except ImportError:
        return False
    if not _registered:
        AttentionInterface.register(NAME, _attention)
        AttentionMaskInterface.register(NAME, eager_mask)
        _registered = True
    try:
        model.set_attn_implementation(NAME)
    except (ValueError, AttributeError, KeyError):
        return False
    return getattr(model.config, "_attn_implementation", None) == NAME


@contextlib.contextmanager
def recording() -> Iterator[list[QKRecord]]:
    """Collect a QKRecord for every attention call inside the block (this thread or task only)."""
    records: list[QKRecord] = []
    token = _current.set(records)
    try:
        yield records
    finally:
        _current.reset(token)


def stack_records(records: list[QKRecord], rotary: str | None) -> QKStack:
    return QKStack(q=torch.stack([r.query for r in records]), k=torch.stack([r.key for r in records]),
                   scaling=records[0].scaling, bias=[r.bias for r in records], rotary=rotary)
