"""Positional encodings: sinusoidal, learned and rotary (RoPE), as arrays a notebook can use."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from attnviz.core.projection import pca_2d  # noqa: F401  (a position table's path in 2-D)


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


def similarity(table: np.ndarray, cosine: bool = False) -> np.ndarray:
    """Position × position dot products (or cosines) of an encoding table [pos, d_model] -> [pos, pos]."""
    t = np.asarray(table, dtype=np.float64)
    if cosine:
        t = t / np.clip(np.linalg.norm(t, axis=1, keepdims=True), 1e-12, None)
    return t @ t.T


def frequencies(d_model: int, base: float = 10000.0) -> np.ndarray:
    """ω_i = 1 / base^(2i/d_model), the angular frequency of sinusoidal pair i (dims 2i, 2i+1)."""
    return 1.0 / base ** (np.arange(0, d_model - d_model % 2, 2, dtype=np.float64) / d_model)


def shift_as_rotation(pe: np.ndarray, k: int, base: float = 10000.0) -> tuple[np.ndarray, float]:
    """PE(pos + k) = R(ω_i·k)·PE(pos) for each pair i: return (angles ω_i·k [pair], max error over pos, pairs).

    The rotation depends on k only, never on pos: that is why a fixed linear map can move attention
    by a fixed offset.
    """
    pe = np.asarray(pe, dtype=np.float64)
    angles = frequencies(pe.shape[1], base) * k
    sin_part, cos_part = pe[:-k or None, 0::2][:, : len(angles)], pe[:-k or None, 1::2][:, : len(angles)]
    c, s = np.cos(angles), np.sin(angles)
    # [sin(a+b), cos(a+b)] = [[cos b, sin b], [-sin b, cos b]] · [sin a, cos a]
    moved_sin = c * sin_part + s * cos_part
    moved_cos = -s * sin_part + c * cos_part
    err = max(np.abs(moved_sin - pe[k:, 0::2][:, : len(angles)]).max(initial=0.0),
              np.abs(moved_cos - pe[k:, 1::2][:, : len(angles)]).max(initial=0.0))
    return angles, float(err)


def rotary_dot_by_distance(q: np.ndarray, k: np.ndarray, max_distance: int, base: float = 10000.0) -> np.ndarray:
    """q·k after rotating q to position m + r and k to m, for r = 0..max_distance (the same for any m).

    q, k: [d_head]. Returns [max_distance + 1].
    """
    angles = torch.from_numpy(rotary_angles(max_distance + 1, len(q), base)).double()
    qs = apply_rotary(torch.as_tensor(q, dtype=torch.float64).expand(max_distance + 1, len(q)), angles)
    k0 = torch.as_tensor(k, dtype=torch.float64)
    return (qs @ k0).numpy()  # k at position 0, q at position r


def learned_positions(module: nn.Module) -> tuple[str, np.ndarray] | None:
    """(name, table [pos, d_model]) of a model's learned absolute position embedding, or None."""
    for name, sub in module.named_modules():
        leaf = name.rsplit(".", 1)[-1]
        if isinstance(sub, nn.Embedding) and leaf in ("position_embeddings", "wpe", "positions", "position_embedding") \
                and "sinusoidal" not in type(sub).__name__.lower():
            return name, learned_table(sub)
    return None


def alibi_slopes(n_heads: int) -> np.ndarray:
    """ALiBi's per-head slopes m_h (Press et al. 2022, as BLOOM and Falcon compute them): a geometric
    sequence 2^(-8/n), 2^(-16/n), ... for a power-of-two n, interleaved extra slopes otherwise. Shape [head]."""
    closest = 2 ** int(np.floor(np.log2(n_heads)))
    base = 2.0 ** (-(2.0 ** -(np.log2(closest) - 3)))
    slopes = base ** np.arange(1, closest + 1, dtype=np.float64)
    if closest != n_heads:
        extra_base = 2.0 ** (-(2.0 ** -(np.log2(2 * closest) - 3)))
        extra = extra_base ** np.arange(1, 1 + 2 * (n_heads - closest), 2, dtype=np.float64)
        slopes = np.concatenate([slopes, extra])
    return slopes


def alibi_bias(n_heads: int, n_positions: int) -> np.ndarray:
    """The bias ALiBi adds to the score of query i and key j: −m_h·(i − j). Shape [head, query_pos, key_pos].

    Models add m_h·j instead (the same after the softmax, which ignores a constant per row); future keys
    (j > i) are masked in a causal model, so their values here are never used.
    """
    distance = np.arange(n_positions)[:, None] - np.arange(n_positions)[None, :]  # i − j
    return -alibi_slopes(n_heads)[:, None, None] * distance[None]


def t5_bucket(relative_position: np.ndarray, bidirectional: bool, n_buckets: int, max_distance: int) -> np.ndarray:
    """T5's bucket of each relative position (key − query): exact buckets for small distances, then
    logarithmically wider ones up to max_distance (transformers' _relative_position_bucket, in numpy)."""
    rel = np.asarray(relative_position, dtype=np.int64)
    bucket = np.zeros_like(rel)
    if bidirectional:
        n_buckets //= 2
        bucket += (rel > 0).astype(np.int64) * n_buckets
        rel = np.abs(rel)
    else:
        rel = -np.minimum(rel, 0)
    max_exact = n_buckets // 2
    small = rel < max_exact
    # float32 as transformers computes it, so that the bucket edges fall where the model's do
    ratio = np.log(np.maximum(rel, 1).astype(np.float32) / np.float32(max_exact)) / np.float32(np.log(max_distance / max_exact))
    large = max_exact + (ratio * np.float32(n_buckets - max_exact)).astype(np.int64)
    large = np.minimum(large, n_buckets - 1)
    return bucket + np.where(small, rel, large)
