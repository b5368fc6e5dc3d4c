"""How far a measure agrees with the attention weights: Spearman's rank correlation between the measure and α
over the keys a query row can see, averaged over the rows of each layer × head (of each layer, for a layer-level
measure, against the heads' mean weight). Rows with fewer than two open keys, or with all values tied on either
side, have no rank correlation and are left out. Computed where the values are (their device), in torch."""
from __future__ import annotations

import numpy as np
import torch


def average_ranks(x: torch.Tensor) -> torch.Tensor:
    """Ranks 1..k along the last axis, ties given their mean rank (scipy's rankdata "average")."""
    ordered, order = x.sort(dim=-1)
    positions = torch.arange(1, x.shape[-1] + 1, dtype=x.dtype, device=x.device).expand_as(x)
    starts = torch.ones_like(ordered, dtype=torch.bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    group = starts.cumsum(dim=-1) - 1  # each sorted value's run of equal values
    sums = torch.zeros_like(ordered).scatter_add_(-1, group, positions)
    counts = torch.zeros_like(ordered).scatter_add_(-1, group, torch.ones_like(ordered))
    mean = (sums / counts.clamp(min=1)).gather(-1, group)
    return torch.empty_like(mean).scatter_(-1, order, mean)


def row_spearman(x: torch.Tensor, y: torch.Tensor, open_keys: torch.Tensor) -> torch.Tensor:
    """Spearman's ρ of each row [..., key_pos] of x and y over its open keys; NaN for rows with fewer than two
    open keys or no spread."""
    inf = torch.tensor(float("inf"), dtype=x.dtype, device=x.device)
    # closed keys rank after every open one, so the open keys' ranks are those among themselves
    rx = average_ranks(torch.where(open_keys, x, inf))
    ry = average_ranks(torch.where(open_keys, y, inf))
    n = open_keys.sum(dim=-1)
    centre = ((n + 1) / 2)[..., None]  # the mean rank of n ranks
    dx = torch.where(open_keys, rx - centre, 0)
    dy = torch.where(open_keys, ry - centre, 0)
    rho = (dx * dy).sum(-1) / torch.sqrt((dx * dx).sum(-1) * (dy * dy).sum(-1))
    return torch.where((n >= 2) & torch.isfinite(rho), rho, torch.nan)


def agreement(values: torch.Tensor, weights: torch.Tensor) -> np.ndarray:
    """values [layer, head, query_pos, key_pos] -> [layer, head]; values [layer, query_pos, key_pos] -> [layer]
    (weights: α [layer, head, query_pos, key_pos]). A key is open to a row when some head of the layer gives it
    weight (masks, causal or sliding, give exactly zero). NaN where no row has a correlation."""
    alpha = weights.float()
    x = values.float().to(alpha.device)
    open_keys = alpha.sum(dim=1) > 0  # [layer, query_pos, key_pos]
    if x.dim() == 4:
        open_keys = open_keys[:, None].expand_as(alpha)
        y = alpha
    else:
        y = alpha.mean(dim=1)
    rho = row_spearman(x, y, open_keys)  # [layer, (head,) query_pos]
    return torch.nanmean(rho, dim=-1).cpu().numpy()
