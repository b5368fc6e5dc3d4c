"""Zoom that recomputes: a head's overview pooled to screen resolution, and any region (query range × key range)
at full resolution or pooled, computed a block of rows at a time from the source (queries and keys, or a stored
stack) — never the whole pattern — and equal to the same cells of the full pattern.

Cells have one width per axis (`bins.equal_edges`): a 8,192-token axis at ≤ 512 cells is 512 cells of 16
tokens. "max" keeps the largest weight of each cell (a sharp diagonal stays visible however far one zooms
out), "mean" the average (what the cell holds on average; masked keys count as zeros, as in the pattern).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import torch

from attnviz.analysis.bins import adaptive_bin, equal_edges
from attnviz.analysis.layer_pass import THUMB, current
from attnviz.analysis.sinks import set_aside
from attnviz.core.sources import AttentionSource, QKSource

HOW = ("max", "mean")
SCREEN = 512  # cells a side of an overview or a pooled region: about a heatmap's width in pixels
BLOCK_ROWS = 256  # query rows computed at once for one head (256 × 8,192 keys: 8 MB of float32)
KEPT_OVERVIEWS = 8  # overviews kept per source (each ≤ 512 × 512 float32: 1 MB)


@dataclass(frozen=True)
class Zoomed:
    """A head's weights over a region, pooled into cells: cell (i, j) covers query positions
    row_edges[i]:row_edges[i + 1] and key positions col_edges[j]:col_edges[j + 1]."""

    values: np.ndarray  # [row cells, col cells] float32
    row_edges: np.ndarray  # [row cells + 1] query positions
    col_edges: np.ndarray  # [col cells + 1] key positions
    how: str  # "max" or "mean"
    layer: int
    head: int
    aside: tuple[int, ...] = ()  # key positions set aside (their columns zero, rows renormalised)

    @property
    def rows(self) -> tuple[int, int]:
        return int(self.row_edges[0]), int(self.row_edges[-1])

    @property
    def cols(self) -> tuple[int, int]:
        return int(self.col_edges[0]), int(self.col_edges[-1])

    @property
    def cell(self) -> tuple[int, int]:
        """Positions a cell spans (query, key); (1, 1) is full resolution."""
        return int(self.row_edges[1] - self.row_edges[0]), int(self.col_edges[1] - self.col_edges[0])


def _cells(size: int | tuple[int, int] | None) -> tuple[int | None, int | None]:
    if size is None or isinstance(size, int):
        return size, size
    return size[0], size[1]


def region(src: AttentionSource, layer: int, head: int, rows: tuple[int, int], cols: tuple[int, int],
           size: int | tuple[int, int] | None = SCREEN, how: str = "max",
           aside: tuple[int, ...] | list[int] = ()) -> Zoomed:
    """Query rows rows[0]:rows[1] × keys cols[0]:cols[1] of one head, pooled to at most `size` cells a side
    (an int, or (row cells, col cells); None: full resolution, one cell per token).

    Each block of query rows is computed whole (a row's weights need all its keys), `aside` keys are set aside
    (`sinks.set_aside`), then the region's columns are pooled; in a causal layer a block whose rows all come
    before the region's first key holds only zeros there and is never computed.
    """
    if how not in HOW:
        raise ValueError(f"how must be one of {HOW}, got {how!r}")
    _, _, n_q, n_k = src.shape
    (q0, q1), (k0, k1) = (int(rows[0]), int(rows[1])), (int(cols[0]), int(cols[1]))
    if not (0 <= q0 < q1 <= n_q and 0 <= k0 < k1 <= n_k):
        raise ValueError(f"region {q0}:{q1} × {k0}:{k1} is outside the pattern's {n_q} × {n_k} positions")
    size_q, size_k = _cells(size)
    redges = equal_edges(q0, q1, size_q or (q1 - q0))
    cedges = equal_edges(k0, k1, size_k or (k1 - k0))
    wq, wk = int(redges[1] - redges[0]), int(cedges[1] - cedges[0])
    n_rc, n_cc = len(redges) - 1, len(cedges) - 1
    dev = src.device
    out = torch.zeros(n_rc, n_cc, device=dev)
    causal = isinstance(src, QKSource) and src.qk.only_causal(layer)
    aside = tuple(sorted({int(a) for a in aside}))
    for start in range(q0, q1, BLOCK_ROWS):
        stop = min(q1, start + BLOCK_ROWS)
        if causal and k0 >= stop:  # keys after every row of the block: weight 0, set aside or not
            continue
        w = src.head_rows(layer, head, start, stop)  # [rows, key_pos]
        if aside:
            w = set_aside(w, aside)
        w = torch.nn.functional.pad(w[:, k0:k1], (0, n_cc * wk - (k1 - k0)))  # the last cell's missing keys: 0
        w = w.reshape(stop - start, n_cc, wk)  # [rows, col cells, wk]
        cols = w.amax(-1) if how == "max" else w.sum(-1)  # [rows, col cells]
        cell = torch.div(torch.arange(start, stop, device=dev) - q0, wq, rounding_mode="floor")
        if how == "max":  # weights are ≥ 0: the zeros out starts with never win
            out.scatter_reduce_(0, cell[:, None].expand_as(cols), cols, "amax")
        else:
            out.index_add_(0, cell, cols)
    if how == "mean":
        out /= torch.outer(torch.as_tensor(np.diff(redges), device=dev, dtype=torch.float32),
                           torch.as_tensor(np.diff(cedges), device=dev, dtype=torch.float32))
    return Zoomed(out.cpu().numpy(), redges, cedges, how, layer, head, aside)


def overview(src: AttentionSource, layer: int, head: int, size: int = SCREEN, how: str = "max",
             aside: tuple[int, ...] | list[int] = ()) -> Zoomed:
    """The whole head pooled to at most size × size cells (kept on the source: the last few are reread at once)."""
    _, _, n_q, n_k = src.shape
    aside = tuple(sorted({int(a) for a in aside}))
    key = (layer, head, size, how, aside)
    kept = src.memo.setdefault(("overviews",), OrderedDict())
    hit = kept.get(key)
    if hit is not None:
        try:
            kept.move_to_end(key)
        except KeyError:  # another session's overview pushed it out meanwhile: it is still a right answer
            pass
        return hit
    result = region(src, layer, head, (0, n_q), (0, n_k), size, how, aside)
    result.values.setflags(write=False)
    kept[key] = result
    while len(kept) > KEPT_OVERVIEWS:
        try:
            kept.popitem(last=False)
        except KeyError:
            break
    return result


def model_view(src: AttentionSource, size: int = THUMB, how: str = "mean") -> np.ndarray:
    """Every layer × head pooled to at most size × size cells (reduce.pooled's bins), `[layer, head, q, k]`.

    "mean" comes from the one pass that also gives the statistics (`layer_pass.current`); "max" is one more
    pass over each layer's row blocks, every head at once. Both are kept on the source.
    """
    if how not in HOW:
        raise ValueError(f"how must be one of {HOW}, got {how!r}")
    if how == "mean":
        return current(src, size).thumbs
    key = ("model view max", size)
    if key not in src.memo:
        src.memo[key] = _max_thumbs(src, size)
    return src.memo[key]


def _max_thumbs(src: AttentionSource, size: int) -> np.ndarray:
    """The largest weight of each adaptive bin, every head of a layer per block of rows."""
    n_layers, n_heads, n_q, n_k = src.shape
    q_size, k_size = min(n_q, size), min(n_k, size)
    rbins = [adaptive_bin(i, n_q, q_size) for i in range(q_size)]
    cbins = [adaptive_bin(j, n_k, k_size) for j in range(k_size)]
    out = torch.zeros(n_layers, n_heads, q_size, k_size, device=src.device)
    step = max(1, BLOCK_ROWS * 4 // max(1, n_heads))
    for layer in range(n_layers):
        for start in range(0, n_q, step):
            stop = min(n_q, start + step)
            block = src.rows(layer, start, stop)  # [head, rows, key_pos]
            cols = torch.stack([block[..., lo:hi].amax(-1) for lo, hi in cbins], dim=-1)  # [head, rows, k_cells]
            for i, (lo, hi) in enumerate(rbins):
                a, b = max(lo, start), min(hi, stop)
                if a < b:
                    part = cols[:, a - start:b - start].amax(1)
                    out[layer, :, i] = torch.maximum(out[layer, :, i], part)
    value = out.cpu().numpy()
    value.setflags(write=False)
    return value
