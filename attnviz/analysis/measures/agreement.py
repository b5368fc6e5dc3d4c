"""How far a measure agrees with the attention weights: Spearman's rank correlation between the measure and α
over the keys a query row can see, averaged over the rows of each layer × head (of each layer, for a layer-level
measure, against the heads' mean weight). Rows with fewer than two open keys, or with all values tied on either
side, have no rank correlation and are left out."""
from __future__ import annotations

import warnings

import numpy as np
import torch
from scipy.stats import rankdata


def row_spearman(x: np.ndarray, y: np.ndarray, open_keys: np.ndarray) -> np.ndarray:
    """Spearman's ρ of each row [..., key_pos] of x and y over its open keys (ties get their mean rank); NaN for
    rows with fewer than two open keys or no spread."""
    closed = ~open_keys
    rx = rankdata(np.where(closed, np.nan, x), axis=-1, nan_policy="omit")
    ry = rankdata(np.where(closed, np.nan, y), axis=-1, nan_policy="omit")
    n = open_keys.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        dx = np.where(open_keys, rx - np.nansum(rx, axis=-1, keepdims=True) / n[..., None], 0.0)
        dy = np.where(open_keys, ry - np.nansum(ry, axis=-1, keepdims=True) / n[..., None], 0.0)
        rho = (dx * dy).sum(-1) / np.sqrt((dx * dx).sum(-1) * (dy * dy).sum(-1))
    rho[(n < 2) | ~np.isfinite(rho)] = np.nan
    return rho


def agreement(values: torch.Tensor, weights: torch.Tensor) -> np.ndarray:
    """values [layer, head, query_pos, key_pos] -> [layer, head]; values [layer, query_pos, key_pos] -> [layer]
    (weights: α [layer, head, query_pos, key_pos]). A key is open to a row when some head of the layer gives it
    weight (masks, causal or sliding, give exactly zero). NaN where no row has a correlation."""
    alpha = weights.float().cpu().numpy()
    x = values.float().cpu().numpy()
    open_keys = alpha.sum(axis=1) > 0  # [layer, query_pos, key_pos]
    if x.ndim == 4:
        open_keys = np.broadcast_to(open_keys[:, None], alpha.shape)
        y = alpha
    else:
        y = alpha.mean(axis=1)
    rho = row_spearman(x, y, open_keys)  # [layer, (head,) query_pos]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a layer × head with no correlated row: NaN
        return np.nanmean(rho, axis=-1)
