"""Attention as a pure function that returns its weights, and the masks it takes."""
from __future__ import annotations

import math

import torch


def attention_scores(q: torch.Tensor, k: torch.Tensor, scale: bool = True) -> torch.Tensor:
    """q·kᵀ, divided by √d_head when scale is set.

    q: [..., query_pos, d_head], k: [..., key_pos, d_head] -> [..., query_pos, key_pos]
    """
    scores = q @ k.transpose(-2, -1)
    return scores / math.sqrt(q.shape[-1]) if scale else scores


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Softmax over keys; mask is True where a query may look. Rows with no open key are all zero."""
    if mask is None:
        return torch.softmax(scores, dim=-1)
    scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    # A fully masked row is -inf everywhere and softmax gives NaN; such a row attends to nothing.
    return torch.nan_to_num(weights, nan=0.0)


def scaled_dot_product_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """softmax(q·kᵀ/√d_head + mask)·v, returning (output, weights).

    q: [..., query_pos, d_head], k and v: [..., key_pos, d_head]; mask broadcasts to
    [..., query_pos, key_pos]. Output [..., query_pos, d_head], weights [..., query_pos, key_pos].
    """
    weights = masked_softmax(attention_scores(q, k), mask)
    return weights @ v, weights


def causal_mask(n_query: int, n_key: int | None = None, device: torch.device | str | None = None) -> torch.Tensor:
    """[query_pos, key_pos], True where key_pos <= query_pos (aligned at the end when n_key > n_query)."""
    n_key = n_query if n_key is None else n_key
    offset = n_key - n_query
    query = torch.arange(n_query, device=device)[:, None]
    key = torch.arange(n_key, device=device)[None, :]
    return key <= query + offset


def padding_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """[batch, key_pos] of 1/0 (the tokenizer's mask) -> [batch, 1, 1, key_pos] of bool."""
    return attention_mask.bool()[:, None, None, :]
