"""Positional encodings: sinusoidal, learned and rotary (RoPE), as arrays a notebook can use."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn


def sinusoidal(n_positions: int, d_model: int, base: float = 10000.0) -> np.ndarray:
    """PE[pos, 2i] = sin(pos / base^(2i/d_model)), PE[pos, 2i+1] = cos(...). Shape [pos, d_model]."""
    if n_positions < 0 or d_model <= 0:
        raise ValueError("n_positions must be >= 0 and d_model > 0")
    pos = np.arange(n_positions, dtype=np.float64)[:, None]
    i2 = np.arange(0, d_model, 2, dtype=np.float64)[None, :]
    angles = pos / base ** (i2 / d_model)  # [pos, ceil(d_model/2)]
    pe = np.zeros((n_positions, d_model), dtype=np.float64)
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : d_model // 2])
    return pe.astype(np.float32)


def rotary_angles(n_positions: int, d_head: int, base: float = 10000.0) -> np.ndarray:
    """θ[pos, i] = pos · base^(-2i/d_head), the angle by which pair i is turned at pos. Shape [pos, d_head/2]."""
    if d_head <= 0 or d_head % 2:
        raise ValueError("d_head must be a positive even number for rotary encodings")
    inv_freq = base ** (-np.arange(0, d_head, 2, dtype=np.float64) / d_head)
    return np.outer(np.arange(n_positions, dtype=np.float64), inv_freq).astype(np.float32)


def apply_rotary(x: torch.Tensor, angles: torch.Tensor) -> torch.Tensor:
    """Turn each adjacent pair (2i, 2i+1) of x by its angle. x: [..., pos, d_head], angles: [pos, d_head/2]."""
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def learned_table(embedding: nn.Embedding) -> np.ndarray:
    """A learned position table as an array [pos, d_model]."""
    return embedding.weight.detach().float().cpu().numpy()
