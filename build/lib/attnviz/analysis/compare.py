"""Two captures side by side: attention projected onto their aligned tokens, B − A, layers matched by
relative depth, and the Jensen–Shannon distance between every head of A and every head of B."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from attnviz.analysis.align import Alignment, align
from attnviz.core.types import AttentionCapture
from attnviz.i18n import Message

KIND = "self"  # the attention compared: the encoder's (or a decoder-only model's) self-attention
PAIR_BUDGET = 32 * 2**20  # floats held at once while computing the distances
EXACT = 1e-6  # JS below this is float32 rounding of identical rows (their difference of entropies), shown as 0


def relative_index(i: int, n_from: int, n_to: int) -> int:
    """Index i of n_from mapped to the same relative place among n_to: first to first, last to last."""
    if n_from <= 1 or n_to <= 1:
        return 0
    return int(np.floor(i * (n_to - 1) / (n_from - 1) + 0.5))


def layer_map(n_a: int, n_b: int) -> list[int]:
    """For each layer of A, the layer of B at the same relative depth."""
    return [relative_index(layer, n_a, n_b) for layer in range(n_a)]


def _projectors(groups: list[tuple[int, ...]], n: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    """(rows [unit, pos]: the mean over a unit's query tokens, cols [pos, unit]: the sum over its key tokens)."""
    rows = torch.zeros(len(groups), n, device=device)
    cols = torch.zeros(n, len(groups), device=device)
    for u, members in enumerate(groups):
        rows[u, list(members)] = 1.0 / len(members)
        cols[list(members), u] = 1.0
    return rows, cols


def project(stack: torch.Tensor, groups: list[tuple[int, ...]]) -> torch.Tensor:
    """[layer, head, query_pos, key_pos] onto the aligned units: [layer, head, unit, unit], on the stack's device.

    A unit's row is the mean of its tokens' rows; its column the sum of its tokens' columns, so a row
    sums to the weight its tokens gave to aligned keys (special or unaligned tokens take the rest)."""
    rows, cols = _projectors(groups, stack.shape[-1], stack.device)
    return rows @ stack.float() @ cols


def _normalise(grid: torch.Tensor) -> torch.Tensor:
    total = grid.sum(-1, keepdim=True)
    return torch.where(total > 0, grid / total.clamp_min(1e-30), torch.zeros_like(grid))


def js_distances(grid_a: torch.Tensor, grid_b: torch.Tensor) -> np.ndarray:
    """Jensen–Shannon divergence (base 2: 0 for identical rows, 1 for disjoint ones) between the rows of
    every head of A [head_a, unit, unit] and every head of B [head_b, unit, unit], averaged over the query
    units both heads attend from: [head_a, head_b]. Each row is first renormalised over the aligned keys.

    JS(p, q) = H(m) − (H(p) + H(q)) / 2 with m = (p + q) / 2: only H(m) needs every pair, so the work is
    one pass over [head_a, head_b, unit, unit], in chunks that fit PAIR_BUDGET."""
    p_all, q_all = _normalise(grid_a.float()), _normalise(grid_b.float())
    na, nb, u = p_all.shape[0], q_all.shape[0], p_all.shape[-1]
    va, vb = p_all.sum(-1) > 0, q_all.sum(-1) > 0  # [head, unit]: rows that attend to any aligned key
    neg_h_p = torch.special.xlogy(p_all, p_all).sum(-1)  # [head_a, unit]: −H(p) in nats
    neg_h_q = torch.special.xlogy(q_all, q_all).sum(-1)
    chunk = max(1, PAIR_BUDGET // max(1, nb * u * u))
    out = []
    for start in range(0, na, chunk):
        m = (p_all[start:start + chunk, None] + q_all[None]) * 0.5  # [c, head_b, u, u]
        neg_h_m = torch.special.xlogy(m, m).sum(-1)  # [c, head_b, u]
        js = (0.5 * (neg_h_p[start:start + chunk, None] + neg_h_q[None]) - neg_h_m) / np.log(2.0)
        js = torch.where(js < EXACT, torch.zeros_like(js), js.clamp(max=1.0))  # float rounding of identical rows
        valid = (va[start:start + chunk, None] & vb[None]).float()  # [c, head_b, u]
        count = valid.sum(-1)
        out.append(torch.where(count > 0, (js * valid).sum(-1) / count.clamp_min(1), torch.full_like(count, float("nan"))))
    return torch.cat(out).cpu().numpy()


def best_matches(dist: np.ndarray, shape_a: tuple[int, int], shape_b: tuple[int, int]) -> list[tuple[int, int, float]]:
    """For each head of A (rows, layer-major), its nearest head of B as (layer, head, distance).

    Ties go to the head at the nearest relative depth and index, so a model compared with itself
    matches every head to itself even where two heads look alike."""
    (la, ha), (lb, hb) = shape_a, shape_b
    out = []
    for row in range(dist.shape[0]):
        d = dist[row]
        if np.all(np.isnan(d)):
            out.append((-1, -1, float("nan")))
            continue
        best = np.nanmin(d)
        ties = np.flatnonzero(d <= best + 1e-6)
        layer, head = divmod(row, ha)
        want = np.array([relative_index(layer, la, lb), relative_index(head, ha, hb)])
        pick = min(ties, key=lambda j: abs(j // hb - want[0]) * hb + abs(j % hb - want[1]))
        out.append((int(pick // hb), int(pick % hb), float(d[pick])))
    return out


@dataclass
class Comparison:
    """What attnviz.compare returns; arrays are small host copies, `[layer, head, unit, unit]` on the grid."""

    alignment: Alignment
    layers_b: list[int]  # for each layer of A, B's layer at the same relative depth
    grid_a: np.ndarray | None = None  # A's attention on the aligned units
    grid_b: np.ndarray | None = None
    difference: np.ndarray | None = None  # [layer_a, head_a, unit, unit]: B − A, B's layer and head at A's relative place
    distances: np.ndarray | None = None  # [layer_a·head_a, layer_b·head_b] Jensen–Shannon, base 2
    best_a: list = field(default_factory=list)  # per head of A (layer-major): (layer_b, head_b, distance)
    best_b: list = field(default_factory=list)  # per head of B: (layer_a, head_a, distance)
    shape_a: tuple[int, int] = (0, 0)  # (layers, heads)
    shape_b: tuple[int, int] = (0, 0)

    @property
    def labels(self) -> list[str]:
        return [u.label for u in self.alignment.units]

    def diff(self, layer_a: int, head_a: int, layer_b: int, head_b: int) -> np.ndarray:
        """B's head (layer_b, head_b) minus A's head (layer_a, head_a) on the aligned grid."""
        return self.grid_b[layer_b, head_b] - self.grid_a[layer_a, head_a]

    def to_json(self) -> dict:
        def pairs(best):
            return [{"layer": l, "head": h, "distance": None if np.isnan(d) else round(d, 6)} for l, h, d in best]

        out: dict = {"alignment": self.alignment.to_json(), "unaligned_a": self.alignment.unaligned_a,
                     "unaligned_b": self.alignment.unaligned_b, "comparable": self.alignment.comparable,
                     "layers": {"a": self.shape_a[0], "b": self.shape_b[0], "b_layer_for_each_a_layer": self.layers_b},
                     "heads": {"a": self.shape_a[1], "b": self.shape_b[1]}}
        if not self.alignment.comparable:
            out["reason"] = self.alignment.reason()
            return out
        out["distance"] = "Jensen-Shannon divergence (base 2) between aligned attention rows, mean over query units"
        out["head_distances"] = [[None if np.isnan(v) else round(float(v), 6) for v in row] for row in self.distances]
        out["best_match_a"] = [{"layer": i // self.shape_a[1], "head": i % self.shape_a[1], "match": m}
                               for i, m in enumerate(pairs(self.best_a))]
        out["best_match_b"] = [{"layer": i // self.shape_b[1], "head": i % self.shape_b[1], "match": m}
                               for i, m in enumerate(pairs(self.best_b))]
        return out


def compare(cap_a: AttentionCapture, cap_b: AttentionCapture) -> Comparison:
    """Align two captures' tokens by characters, project both onto the aligned grid, and measure every pair
    of heads. Works for any two models and any two texts; with no characters in common, the result holds the
    alignment and the reason, and no grid."""
    for name, cap in (("A", cap_a), ("B", cap_b)):
        if KIND not in cap.attention:
            raise ValueError(Message("capture {name} has no self-attention", name=name))
        if not cap.spans:
            raise ValueError(Message("capture {name} has no character spans (it was captured from ids, not text)", name=name))
    alignment = align(cap_a.text, cap_a.spans, cap_b.text, cap_b.spans, cap_a.tokens, cap_b.tokens)
    stack_a, stack_b = cap_a.attention[KIND], cap_b.attention[KIND]
    shape_a, shape_b = tuple(stack_a.shape[:2]), tuple(stack_b.shape[:2])
    result = Comparison(alignment, layer_map(shape_a[0], shape_b[0]), shape_a=shape_a, shape_b=shape_b)
    if not alignment.comparable:
        return result
    grid_a = project(stack_a, [u.a for u in alignment.units])
    grid_b = project(stack_b, [u.b for u in alignment.units]).to(grid_a.device)
    heads_b = [relative_index(h, shape_a[1], shape_b[1]) for h in range(shape_a[1])]
    result.grid_a, result.grid_b = grid_a.cpu().numpy(), grid_b.cpu().numpy()
    result.difference = result.grid_b[result.layers_b][:, heads_b] - result.grid_a
    flat_a, flat_b = grid_a.reshape(-1, *grid_a.shape[-2:]), grid_b.reshape(-1, *grid_b.shape[-2:])
    result.distances = js_distances(flat_a, flat_b)
    result.best_a = best_matches(result.distances, shape_a, shape_b)
    result.best_b = best_matches(result.distances.T, shape_b, shape_a)
    return result
