"""How positions are grouped into the cells of a pooled picture: adaptive bins (thumbnails) and equal-width bins (zoom)."""
from __future__ import annotations

import numpy as np
import torch


def pool_matrix(n: int, size: int, device: torch.device | None = None) -> torch.Tensor:
    """[size, n] averaging weights with adaptive_avg_pool's bins: bin i covers floor(i·n/size) .. ceil((i+1)·n/size)."""
    out = torch.zeros(size, n, device=device)
    for i in range(size):
        lo, hi = adaptive_bin(i, n, size)
        out[i, lo:hi] = 1.0 / (hi - lo)
    return out


def adaptive_bin(i: int, n: int, size: int) -> tuple[int, int]:
    """(lo, hi) of adaptive pooling's bin i of `size` over n positions (neighbouring bins may share a position)."""
    return (i * n) // size, -((-(i + 1) * n) // size)


def equal_edges(lo: int, hi: int, size: int) -> np.ndarray:
    """Edges of cells of one width w = ceil((hi − lo) / size) covering lo:hi, the last cell cut at hi.

    Every cell but the last spans w positions, so a cell is "w tokens" everywhere on the axis and a tick
    label is its first position; there are ceil((hi − lo) / w) ≤ size cells.
    """
    n = hi - lo
    if n <= 0:
        raise ValueError(f"an empty range {lo}:{hi}")
    width = -(-n // max(1, size))
    return np.append(np.arange(lo, hi, width), hi).astype(np.int64)


def widths(edges: np.ndarray) -> np.ndarray:
    """Positions per cell."""
    return np.diff(edges)
