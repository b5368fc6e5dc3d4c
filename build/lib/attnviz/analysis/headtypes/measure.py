"""Every text-based type score of every head of one capture: `[layer, head]` arrays, computed on the device."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from attnviz.analysis.headtypes import scores as sc
from attnviz.analysis.headtypes.definitions import TEXT_TYPES
from attnviz.core.sources import CHUNK_BYTES
from attnviz.core.types import AttentionCapture

OFFSET_AT = "offset_at"  # the offset type's best offset (key − query), beside its share


def _score_block(pattern: torch.Tensor, ids: Sequence, delims: list[bool], causal: bool) -> dict[str, torch.Tensor]:
    """Every text score of a block `[..., query_pos, key_pos]` -> name -> `[...]`."""
    share, at = sc.offset(pattern)
    return {"previous_token": sc.previous_token(pattern), "duplicate_token": sc.duplicate_token(pattern, ids),
            "first_token": sc.first_token(pattern), "delimiter": sc.delimiter(pattern, delims),
            "local": sc.local(pattern, causal), "broad": sc.broad(pattern, causal), "offset": share,
            OFFSET_AT: at.float()}


def text_scores(cap: AttentionCapture, kind: str = "self", ids: Sequence | None = None,
                causal: bool | None = None) -> dict[str, np.ndarray]:
    """Per type in TEXT_TYPES (and OFFSET_AT), `[layer, head]` float arrays for the capture's attention.

    ids: the tokens compared for duplicates (default: the capture's token ids, else its tokens as shown).
    causal: whether queries see only earlier keys (default: read from the weights: none above the diagonal).
    A layer is read whole when it fits CHUNK_BYTES, else a head at a time.
    """
    src = cap.source(kind)
    n_layers, n_heads, n_q, n_k = src.shape
    query_tokens, key_tokens = cap.axes(kind)
    if ids is None:
        ids = cap.token_ids if kind == "self" and len(cap.token_ids) == n_q else query_tokens
    special = cap.special if kind in ("self", "cross") else []
    delims = sc.delimiters(key_tokens, special)
    if kind == "cross":
        ids = None
    out = {name: np.full((n_layers, n_heads), np.nan, dtype=np.float32) for name in (*TEXT_TYPES, OFFSET_AT)}
    whole_layer = n_heads * n_q * n_k * 4 <= CHUNK_BYTES
    for layer in range(n_layers):
        blocks = [(slice(None), src.layer(layer))] if whole_layer else \
            [(h, src.head(layer, h)) for h in range(n_heads)]
        for where, pattern in blocks:
            if causal is None:
                causal = sc.is_causal(pattern)
            values = _score_block(pattern, ids, delims, causal) if ids is not None else \
                _cross_block(pattern, delims)
            for name, value in values.items():
                out[name][layer, where] = value.cpu().numpy()
    return out


def _cross_block(pattern: torch.Tensor, delims: list[bool]) -> dict[str, torch.Tensor]:
    """Cross-attention: queries and keys are different texts, so only the key-side scores apply."""
    return {"first_token": sc.first_token(pattern), "delimiter": sc.delimiter(pattern, delims),
            "broad": sc.broad(pattern, False)}
