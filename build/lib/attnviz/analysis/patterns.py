"""How much of a head's attention lies on the shape a toy task should teach it."""
from __future__ import annotations

import numpy as np


def anti_diagonal_mass(layer_heads: np.ndarray) -> np.ndarray:
    """Per head: mean attention from position i to position n − 1 − i (what reversing a sequence needs).

    layer_heads: [head, query_pos, key_pos]; n is the shorter side. Returns [head].
    """
    n = min(layer_heads.shape[-2], layer_heads.shape[-1])
    i = np.arange(n)
    return layer_heads[:, i, n - 1 - i].mean(axis=-1)
