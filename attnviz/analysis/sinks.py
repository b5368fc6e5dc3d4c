"""Attention sinks: the first token (Xiao et al. 2023) and the few positions that absorb most weight, scored per
head (Gu et al. 2024), and a pattern with those columns set aside and each row renormalised over the rest."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from attnviz.analysis.layer_pass import current
from attnviz.core.sources import AttentionSource

GU_EPSILON = 0.3  # Gu et al. 2024: a head "has a sink" on the first token when its mean weight there passes 0.3
SINK_COUNT = 4  # StreamingLLM keeps 4 initial tokens as sinks (Xiao et al. 2023)


@dataclass(frozen=True)
class Sinks:
    """Where a capture's attention collects, from the weight each key receives (means over query rows)."""

    first_token: np.ndarray  # [layer, head]: mean weight on key 0 (Gu et al.'s α₁ for every head)
    positions: np.ndarray  # [layer, head, k]: the k keys that receive most weight, most first
    shares: np.ndarray  # [layer, head, k]: mean weight each of those keys receives
    top_share: np.ndarray  # [layer, head]: mean weight the k keys receive together
    overall: np.ndarray  # [k]: the keys that receive most weight averaged over every head, most first
    overall_shares: np.ndarray  # [k]: their mean weight over every head and query row
    rate: float  # Gu et al.'s Sink₁^ε: the share of heads with first_token > ε
    epsilon: float


def received(src: AttentionSource) -> np.ndarray:
    """[layer, head, key_pos]: the mean weight each key receives over the query rows (from the one pass, or its
    first look on a long input: the rows it read)."""
    summary = current(src)
    return summary.received / summary.n_rows


def sinks(src: AttentionSource, k: int = SINK_COUNT, epsilon: float = GU_EPSILON) -> Sinks:
    """Sink scores per head: the first token's mean weight, the k keys that absorb most, and Gu et al.'s rate."""
    mean = received(src)  # [layer, head, key_pos]
    k = min(k, mean.shape[-1])
    order = np.argsort(-mean, axis=-1, kind="stable")[..., :k]  # ties: the earlier position first
    shares = np.take_along_axis(mean, order, axis=-1)
    over = mean.mean(axis=(0, 1))  # [key_pos]
    top = np.argsort(-over, kind="stable")[:k]
    first = mean[..., 0]
    return Sinks(first_token=first, positions=order, shares=shares, top_share=shares.sum(-1), overall=top,
                 overall_shares=over[top], rate=sink_rate(first, epsilon), epsilon=epsilon)


def sink_rate(first_token: np.ndarray, epsilon: float = GU_EPSILON) -> float:
    """Gu et al. 2024, Sink₁^ε = (1/L) Σ_l (1/H) Σ_h 1[α₁^{l,h} > ε]: the share of heads whose mean weight on
    the first token passes ε."""
    return float((np.asarray(first_token) > epsilon).mean())


def set_aside(weights: torch.Tensor, columns: list[int] | tuple[int, ...]) -> torch.Tensor:
    """Weights `[..., query_pos, key_pos]` with the `columns` (sinks) set to 0 and each row rescaled to sum to
    one over the other keys: p'_ij = p_ij / Σ_{j' ∉ sinks} p_ij' (that is p_ij / (1 − Σ_{s ∈ sinks} p_is), summed
    from the kept weights, which stays exact in float32 where a sink holds 0.999 of a row). A row whose whole
    weight was on the sinks stays zero (there is nothing left to show). Positions past the keys are ignored.
    Returns a new tensor."""
    out = weights.clone()
    if not columns:
        return out
    index = torch.as_tensor(sorted(set(columns)), device=out.device, dtype=torch.long)
    index = index[index < out.shape[-1]]
    out.index_fill_(-1, index, 0.0)
    total = out.sum(-1, keepdim=True)
    return torch.where(total > 0, out / total.clamp_min(torch.finfo(out.dtype).tiny), torch.zeros_like(out))
