"""What changed between two captures: their heads ranked by how much their attention differs on the aligned
tokens, and whether A and B are identical (then there is nothing to draw, and a page should say so)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from attnviz.analysis.compare import KIND, Comparison
from attnviz.analysis.reduce import max_difference
from attnviz.core.types import AttentionCapture
from attnviz.i18n import N_

MEASURE = N_("mean Jensen-Shannon divergence (base 2) between A's and B's attention rows on the aligned tokens, "
             "over the query tokens both attend from: 0 when a head attends the same, 1 when it attends to "
             "entirely different tokens")
IDENTICAL = N_("A and B are identical: the same tokens and the same attention in every head, so nothing changed.")
IDENTICAL_TOLERANCE = 1e-6  # float32 rounding of the same computation run twice (a batched and a single pass)


@dataclass(frozen=True)
class HeadChange:
    """One head of A, the head of B it is compared with, and how much its attention changed."""

    layer_a: int
    head_a: int
    layer_b: int
    head_b: int
    distance: float  # MEASURE
    largest: float  # the largest |B − A| of one cell on the aligned grid (rows renormalised over aligned keys)

    def to_json(self) -> dict:
        return {"a": {"layer": self.layer_a, "head": self.head_a}, "b": {"layer": self.layer_b, "head": self.head_b},
                "distance": round(self.distance, 6), "largest_cell_change": round(self.largest, 6)}


@dataclass
class Changes:
    """Heads most changed first. `pairing` is "same" (each head with the same head of B: one model, or two
    of the same shape) or "matched" (each head of A with its nearest head of B, compare.best_matches)."""

    pairing: str
    ranked: list[HeadChange] = field(default_factory=list)
    identical: bool = False
    max_difference: float | None = None  # over the whole stacks, where A and B have the same tokens and shape
    measure: str = MEASURE

    def top(self, n: int = 10) -> list[HeadChange]:
        return self.ranked[:n]

    def to_json(self) -> dict:
        return {"pairing": self.pairing, "measure": self.measure, "identical": self.identical,
                "note": IDENTICAL if self.identical else None,
                "max_difference": None if self.max_difference is None else round(self.max_difference, 9),
                "ranked": [c.to_json() for c in self.ranked]}


def _normalised(grid: np.ndarray) -> np.ndarray:
    total = grid.sum(-1, keepdims=True)
    return np.divide(grid, total, out=np.zeros_like(grid), where=total > 0)


def same_input(cap_a: AttentionCapture, cap_b: AttentionCapture) -> bool:
    """The same token ids (or, without ids, the same tokens) and the same attention shape."""
    ids_a, ids_b = cap_a.token_ids or cap_a.tokens, cap_b.token_ids or cap_b.tokens
    return list(ids_a) == list(ids_b) and cap_a.shape(KIND) == cap_b.shape(KIND)


def head_changes(result: Comparison, cap_a: AttentionCapture, cap_b: AttentionCapture,
                 pairing: str = "auto") -> Changes:
    """Every head of A ranked by how much its attention changed in B (MEASURE), the largest first.

    pairing "auto": "same" when A and B have the same number of layers and heads (one model on two texts, a
    checkpoint and its untrained start), else "matched". Ties keep layer-major order. With no aligned
    tokens (result.alignment not comparable) nothing is ranked.
    """
    if pairing == "auto":
        pairing = "same" if result.shape_a == result.shape_b else "matched"
    if pairing not in ("same", "matched"):
        raise ValueError(f"pairing must be auto, same or matched, not {pairing!r}")
    if pairing == "same" and result.shape_a != result.shape_b:
        raise ValueError(f"pairing same needs A and B of one shape, not {result.shape_a} and {result.shape_b}")
    out = Changes(pairing)
    if same_input(cap_a, cap_b):
        out.max_difference = max_difference(cap_a.source(KIND), cap_b.source(KIND))
        out.identical = out.max_difference <= IDENTICAL_TOLERANCE
    if not result.alignment.comparable or result.distances is None:
        return out
    layers_a, heads_a = result.shape_a
    heads_b = result.shape_b[1]
    pa, pb = _normalised(result.grid_a), _normalised(result.grid_b)
    rows = []
    for i in range(layers_a * heads_a):
        la, ha = divmod(i, heads_a)
        lb, hb = (la, ha) if pairing == "same" else result.best_a[i][:2]
        if lb < 0:  # a head that attends to no aligned key: nothing to compare
            continue
        distance = float(result.distances[i, lb * heads_b + hb])
        if np.isnan(distance):
            continue
        rows.append(HeadChange(la, ha, lb, hb, distance, float(np.abs(pb[lb, hb] - pa[la, ha]).max())))
    out.ranked = sorted(rows, key=lambda c: -c.distance)  # stable: ties stay layer-major
    return out
