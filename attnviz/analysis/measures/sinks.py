"""Where a head looks is not what it does: how much of a head's attention weight, and how much of what it moves
(its norm), goes to the tokens that soak up attention ([CLS] and [SEP], or the first token of a model without
special tokens). Kobayashi et al. (2020) found that norms shrink BERT's share on them sharply."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


def sink_keys(special: list[bool]) -> list[int]:
    """The special tokens' positions, or the first token where there are none (a decoder's sink)."""
    return [i for i, s in enumerate(special) if s] or [0]


def sink_share(values: torch.Tensor, keys: list[int]) -> np.ndarray:
    """values [layer, head, query_pos, key_pos] (never negative) -> [layer, head]: the share of each query row's
    sum that goes to `keys`, averaged over the rows that have any (NaN rows: value zeroing's layers not computed)."""
    v = values.float()
    total = v.sum(dim=-1)  # [layer, head, query_pos]
    to_keys = v[..., keys].sum(dim=-1)
    share = torch.where(total > 0, to_keys / total.clamp(min=1e-30), torch.nan)
    return torch.nanmean(share, dim=-1).cpu().numpy()


@dataclass(frozen=True)
class LooksNotMoves:
    """The head whose weight goes to the sink tokens most while what it moves from them is least."""

    layer: int
    head: int
    weight_share: float  # of its attention weight on the sink tokens
    norm_share: float  # of its norm ‖α·f(x)‖ from the sink tokens
    keys: list[int]


def looks_not_moves(weights: torch.Tensor, norms: torch.Tensor, special: list[bool]) -> LooksNotMoves:
    """weights α and norms ‖α·f(x)‖, both [layer, head, query_pos, key_pos] (measure(..., "weight") and "norm"):
    the head with the largest gap between its weight share and its norm share on the sink tokens."""
    keys = sink_keys(special)
    w, n = sink_share(weights, keys), sink_share(norms, keys)
    gap = np.nan_to_num(w - n, nan=-np.inf)
    layer, head = np.unravel_index(int(np.argmax(gap)), gap.shape)
    return LooksNotMoves(int(layer), int(head), float(w[layer, head]), float(n[layer, head]), keys)


def sink_shares(weights: torch.Tensor, values: torch.Tensor, keys: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(the weights' share, the measure's share) on `keys`: [layer, head] each for a per-head measure; [layer] each
    for a measure of whole layers ([layer, query_pos, key_pos]), set against the heads' mean weight. The measure's
    values must never be negative (a signed measure has no shares)."""
    if values.dim() == 3:
        mean = weights.float().mean(dim=1, keepdim=True)  # [layer, 1, query_pos, key_pos]
        return sink_share(mean, keys)[:, 0], sink_share(values[:, None], keys)[:, 0]
    return sink_share(weights, keys), sink_share(values, keys)
