"""Principal component analysis to two dimensions: the one PCA that position tables and query/key vectors share."""
from __future__ import annotations

import numpy as np


def pca_2d(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of table [pos, d_model] projected on their first two principal axes: ([pos, 2], explained ratio [2])."""
    t = np.asarray(table, dtype=np.float64)
    centred = t - t.mean(axis=0, keepdims=True)
    _, sv, vt = np.linalg.svd(centred, full_matrices=False)
    var = sv ** 2
    return centred @ vt[:2].T, var[:2] / max(var.sum(), 1e-12)
