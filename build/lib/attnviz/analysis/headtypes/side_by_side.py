"""Two censuses side by side: which types each model has, in which heads, at which relative depth; for two
models of one shape (a checkpoint and its untrained start), which heads gained or lost a type."""
from __future__ import annotations

from dataclasses import dataclass, field

from attnviz.analysis.headtypes.census import Census
from attnviz.analysis.headtypes.definitions import ORDER


def relative_depth(layer: int, n_layers: int) -> float:
    """0 for the first layer, 1 for the last (0 for a one-layer model)."""
    return layer / (n_layers - 1) if n_layers > 1 else 0.0


@dataclass(frozen=True)
class TypedHead:
    layer: int
    head: int
    depth: float  # relative depth of its layer, 0..1
    score: float

    def to_json(self) -> dict:
        return {"layer": self.layer, "head": self.head, "depth": round(self.depth, 4), "score": round(self.score, 6)}


@dataclass
class TypeRow:
    """One head type in both censuses. only_a / only_b: for models of one shape, the heads (layer, head) that
    have this type in one census and not in the other (empty otherwise)."""

    name: str
    a: list[TypedHead]
    b: list[TypedHead]
    only_a: list[tuple[int, int]] = field(default_factory=list)
    only_b: list[tuple[int, int]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"type": self.name, "a": [h.to_json() for h in self.a], "b": [h.to_json() for h in self.b],
                "only_a": [list(x) for x in self.only_a], "only_b": [list(x) for x in self.only_b]}


def _typed(census: Census, name: str) -> list[TypedHead]:
    n_layers = census.shape[0]
    return [TypedHead(l, h, relative_depth(l, n_layers), float(census.scores[name][l, h]))
            for l, h in census.heads_of(name)]


def side_by_side(a: Census, b: Census) -> list[TypeRow]:
    """A row for every type either census assigns, in definitions.ORDER."""
    same_shape = a.shape == b.shape
    rows = []
    for name in ORDER:
        in_a, in_b = _typed(a, name), _typed(b, name)
        if not in_a and not in_b:
            continue
        row = TypeRow(name, in_a, in_b)
        if same_shape:
            heads_a, heads_b = set(a.heads_of(name)), set(b.heads_of(name))
            row.only_a, row.only_b = sorted(heads_a - heads_b), sorted(heads_b - heads_a)
        rows.append(row)
    return rows
