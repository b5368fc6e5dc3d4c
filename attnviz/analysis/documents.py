"""Views for documents: attention pooled to sentences or paragraphs, a query's strongest keys with their
context, and the per-token shading of the text view, computed a block of rows at a time.

Units (sentences, paragraphs) come from `core.sentences`; `units[i]` is the unit of token i (−1: none, such
as a special token). The unit map of a head is

    M[a, b] = Σ_{i ∈ a} Σ_{j ∈ b} A[i, j]        (the token weights of query unit a's rows on key unit b)
    S[a, b] = M[a, b] / Σ_b' M[a, b']            (each query unit's row renormalised to sum to one)

so S[a, ·] is "how unit a's tokens, together, divide their attention among the units"; keys outside every
unit (special tokens, a sink set aside) drop out before the renormalisation, and a row with no weight left
stays zero. Because every token row sums to one, S[a, b] is also the mean over a's tokens of the weight each
puts on b, when every key belongs to a unit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from attnviz.analysis.sinks import set_aside
from attnviz.core.sentences import paragraphs, sentences, token_units
from attnviz.core.sources import AttentionSource, QKSource
from attnviz.core.types import AttentionCapture
from attnviz.i18n import Message, N_

BLOCK_BYTES = 32 * 2**20  # weights of one block of rows held at once
CONTEXT = 3  # tokens shown on each side of a key in the top-k list
NO_SPANS = N_("This capture has no character spans (it was made from token ids): sentences need the text it came from.")


@dataclass(frozen=True)
class KeyInContext:
    """One of a query's strongest keys: its position, weight and the tokens around it."""

    position: int
    weight: float
    before: list[str]
    token: str
    after: list[str]


def units_of(cap: AttentionCapture, level: str = "sentence") -> tuple[np.ndarray, list[tuple[int, int]]]:
    """(the unit of each of the capture's tokens, −1 for none; the units' character spans in `cap.text`) for
    level "sentence" or "paragraph", through the tokens' character spans."""
    if not cap.spans or not cap.text:
        raise ValueError(Message(NO_SPANS))
    if level not in ("sentence", "paragraph"):
        raise ValueError(f"level must be 'sentence' or 'paragraph', got {level!r}")
    spans = sentences(cap.text) if level == "sentence" else paragraphs(cap.text)
    return token_units(cap.text, cap.spans, spans), spans


def units_read(cap: AttentionCapture, level: str = "sentence") -> tuple[np.ndarray, list[tuple[int, int]]]:
    """`units_of` up to the last unit that holds one of the capture's tokens: a text cut to the model's positions
    keeps its later sentences in `cap.text`, but the capture has no rows for them."""
    units, spans = units_of(cap, level)
    return units, spans[:int(units.max(initial=-1)) + 1]


def unit_attention(src: AttentionSource, layer: int, units: np.ndarray, n_units: int | None = None,
                   heads: list[int] | None = None, key_units: np.ndarray | None = None,
                   aside: tuple[int, ...] | list[int] = ()) -> np.ndarray:
    """S `[head, query unit, key unit]` (see the module's docstring) for the heads asked (default: all of the
    layer), from blocks of query rows; `key_units` when keys are other tokens (cross-attention)."""
    _, n_heads, n_q, n_k = src.shape
    key_units = units if key_units is None else key_units
    n_units = int(max(units.max(initial=-1), key_units.max(initial=-1)) + 1) if n_units is None else n_units
    heads = list(range(n_heads)) if heads is None else list(heads)
    dev = src.device
    qu = torch.as_tensor(np.asarray(units[:n_q]), device=dev)
    ku = torch.as_tensor(np.asarray(key_units[:n_k]), device=dev)
    ku = torch.where(ku >= 0, ku, n_units)  # keys in no unit add into an extra column, then dropped
    causal = isinstance(src, QKSource) and src.qk.only_causal(layer)
    total = torch.zeros(len(heads), n_units + 1, n_units, device=dev)
    step = max(1, BLOCK_BYTES // max(1, len(heads) * n_k * 4))
    for start in range(0, n_q, step):
        stop = min(n_q, start + step)
        w = _rows(src, layer, heads, start, stop)  # [head, rows, key_pos]
        if aside:
            w = set_aside(w, aside)
        keys = min(stop, n_k) if causal else n_k  # a causal block's later keys hold no weight
        per_unit = torch.zeros(len(heads), stop - start, n_units + 1, device=dev)
        per_unit.index_add_(-1, ku[:keys], w[..., :keys])  # [head, rows, key unit + 1]
        per_unit = per_unit[..., :n_units]
        rows_unit = qu[start:stop]
        total.index_add_(1, torch.where(rows_unit >= 0, rows_unit, n_units), per_unit)
    m = total[:, :n_units]  # [head, query unit, key unit]
    norm = m.sum(-1, keepdim=True)
    s = torch.where(norm > 0, m / norm.clamp_min(torch.finfo(m.dtype).tiny), torch.zeros_like(m))
    return s.cpu().numpy()


def shading(src: AttentionSource, layer: int, head: int, queries: tuple[int, int],
            aside: tuple[int, ...] | list[int] = ()) -> np.ndarray:
    """`[key_pos]`: the mean over query rows queries[0]:queries[1] (a token: (i, i + 1); a sentence: its
    tokens) of the head's weights — what the text view of a whole document shades each token by."""
    q0, q1 = queries
    if not 0 <= q0 < q1 <= src.shape[2]:
        raise ValueError(f"query rows {q0}:{q1} are outside the pattern's {src.shape[2]} rows")
    total = torch.zeros(src.shape[3], device=src.device)
    step = max(1, BLOCK_BYTES // max(1, src.shape[3] * 4))
    for start in range(q0, q1, step):
        stop = min(q1, start + step)
        w = src.head_rows(layer, head, start, stop)
        total += (set_aside(w, aside) if aside else w).sum(0)
    return (total / (q1 - q0)).cpu().numpy()


def top_keys(src: AttentionSource, layer: int, head: int, query: int, k: int = 10,
             aside: tuple[int, ...] | list[int] = ()) -> tuple[np.ndarray, np.ndarray]:
    """(positions, weights) of the k keys query `query` weighs most, strongest first (ties: earlier first)."""
    w = src.head_rows(layer, head, query, query + 1)
    w = (set_aside(w, aside) if aside else w)[0].cpu().numpy()
    order = np.argsort(-w, kind="stable")[: min(k, len(w))]
    return order, w[order]


def in_context(tokens: list[str], positions: np.ndarray, weights: np.ndarray,
               width: int = CONTEXT) -> list[KeyInContext]:
    """Each key with `width` tokens on either side (fewer at the ends of the text)."""
    return [KeyInContext(int(p), float(w), tokens[max(0, p - width):p], tokens[p], tokens[p + 1:p + 1 + width])
            for p, w in zip(positions, weights)]


def unit_ranges(units: np.ndarray, n_units: int) -> np.ndarray:
    """`[unit, 2]`: each unit's first token and one past its last (−1, −1 for a unit with no token)."""
    out = np.full((n_units, 2), -1, dtype=np.int64)
    for u in range(n_units):
        where = np.nonzero(units == u)[0]
        if len(where):
            out[u] = where[0], where[-1] + 1
    return out


def _rows(src: AttentionSource, layer: int, heads: list[int], start: int, stop: int) -> torch.Tensor:
    """Weights `[head, rows, key_pos]` of some heads of a layer; all heads in one product where asked."""
    if len(heads) == src.shape[1]:
        return src.rows(layer, start, stop)
    if isinstance(src, QKSource):
        return src.qk.pattern(layer, start, stop, heads=heads)
    return torch.stack([src.head_rows(layer, h, start, stop) for h in heads])
