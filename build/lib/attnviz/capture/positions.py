"""Positions altered for a capture: shuffled over positions (seeded) or removed."""
from __future__ import annotations

import torch

POSITION_MODES = ("normal", "shuffled", "removed")


def alter_positions(values: torch.Tensor, mode: str, seed: int, axis: int, neutral: float = 0.0) -> torch.Tensor:
    """The positional values with positions shuffled along `axis`, or replaced by a neutral value."""
    if mode == "removed":
        return torch.full_like(values, neutral)
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(values.shape[axis], generator=generator).to(values.device)
    return values.index_select(axis, order)
