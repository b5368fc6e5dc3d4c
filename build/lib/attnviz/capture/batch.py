"""Capture many texts in one padded forward pass: self-attention weights, queries and keys per text."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from attnviz.core.errors import UnsupportedModel
from attnviz.core.hooks import hook_name, hook_names, hooks, record_into
from attnviz.i18n import Message
from attnviz.models.loading import LoadedModel
from attnviz.models.recording import recording


@dataclass
class BatchCapture:
    """One padded batch. Row b is valid up to lengths[b]; padded keys carry zero weight for valid queries."""

    attention: torch.Tensor  # [batch, layer, head, query_pos, key_pos]
    q: torch.Tensor | None  # [batch, layer, head, pos, d_head], as they enter the dot product
    k: torch.Tensor | None  # [batch, layer, kv_head, pos, d_head]
    lengths: list[int]


def encode_all(model: LoadedModel, texts: list[str]) -> tuple[list[list[int]], list[int | None]]:
    """Token ids of each text, truncated to the model's positions; and each one's length before (or None)."""
    from attnviz.capture.api import _truncate

    limit = model.info.max_positions
    special = model.codec.special_ids()
    ids, truncated = [], []
    for text in texts:
        row = model.codec.encode(text)
        cut = None
        if limit and len(row) > limit:
            cut, row = len(row), _truncate(row, limit, special)
        ids.append(row)
        truncated.append(cut)
    return ids, truncated


def _pad_id(model: LoadedModel) -> int:
    tokenizer = getattr(model.codec, "tokenizer", None)
    pad = getattr(tokenizer, "pad_token_id", None)
    return int(pad) if pad is not None else 0


@torch.no_grad()
def capture_batch(model: LoadedModel, ids: list[list[int]], with_qk: bool = True) -> BatchCapture:
    """Self-attention of every text in `ids`, right-padded into one forward pass with a padding mask."""
    if model.info.architecture == "encoder-decoder":
        raise UnsupportedModel(Message("`{name}` is an encoder-decoder; a survey reads the self-attention of encoders and decoder-only models.", name=model.info.name))
    if any(not row for row in ids):
        raise ValueError("every text needs at least one token")
    lengths = [len(row) for row in ids]
    width = max(lengths)
    pad = _pad_id(model)
    x = torch.tensor([row + [pad] * (width - len(row)) for row in ids], device=model.device)
    mask = torch.tensor([[1] * n + [0] * (width - n) for n in lengths], device=model.device)
    with model.lock:
        if model.backend == "scratch":
            return _scratch(model, x, mask, lengths, with_qk)
        return _hf(model, x, mask, lengths, with_qk)


def _hf(model: LoadedModel, x, mask, lengths, with_qk) -> BatchCapture:
    with recording(whole_batch=True) as records:
        out = model.module(input_ids=x, attention_mask=mask, output_attentions=True)
    stacks = getattr(out, "attentions", None)
    if not stacks or any(a is None for a in stacks):
        raise UnsupportedModel(Message("`{name}` returned no attention weights in eager mode.", name=model.info.name))
    attention = torch.stack(list(stacks), dim=1)  # [batch, layer, head, query_pos, key_pos]
    q = k = None
    if with_qk and records:
        q = torch.stack([r.query for r in records], dim=1)  # [batch, layer, head, pos, d_head]
        k = torch.stack([r.key for r in records], dim=1)  # [batch, layer, kv_head, pos, d_head]
    return BatchCapture(attention, q, k, lengths)


def _scratch(model: LoadedModel, x, mask, lengths, with_qk) -> BatchCapture:
    net = model.module
    store: dict[str, torch.Tensor] = {}
    wanted = ("hook_pattern", "hook_q", "hook_k", "hook_rot_q", "hook_rot_k")
    names = [n for n in hook_names(net) if n.startswith("blocks.") and n.endswith(wanted)]
    with hooks(net, {n: record_into(store) for n in names}):
        # a causal decoder never looks right, so right padding needs no mask there
        net(x, key_mask=mask.bool() if net.cfg.architecture == "encoder" else None)
    layers = range(net.cfg.n_layers)

    def stacked(point: str) -> torch.Tensor:
        return torch.stack([store[hook_name("self", i, point)] for i in layers], dim=1)

    attention = stacked("hook_pattern")
    q = k = None
    if with_qk:
        rotated = hook_name("self", 0, "hook_rot_q") in store
        q, k = stacked("hook_rot_q" if rotated else "hook_q"), stacked("hook_rot_k" if rotated else "hook_k")
    return BatchCapture(attention, q, k, lengths)
