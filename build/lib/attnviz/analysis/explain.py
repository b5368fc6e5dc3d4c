"""Explain one cell of a real head: q·k, the scale, the mask or bias, and the softmax over its row,
recomputed from the captured query and key vectors and set beside the captured weight."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attnviz.core.types import AttentionCapture, ModelInfo, kv_head
from attnviz.i18n import N_, Message


@dataclass
class RotaryStep:
    """The rotation turned q and k by before their dot product (rotary models)."""

    pairs: list[tuple[int, int]]  # which dimensions form each rotated pair (partial rotary: fewer than d_head/2)
    angle_query: np.ndarray  # [pair] radians at the query's position
    angle_key: np.ndarray  # [pair] radians at the key's position
    q_before: np.ndarray
    k_before: np.ndarray
    dot_before: float  # q·k without the rotation (what position-free attention would see)

    def rotated_interleaved(self) -> tuple[np.ndarray, np.ndarray]:
        """The rotated dimensions of q and k before rotation, reordered into pairs (2i, 2i+1) as the textbook
        formula writes them (partial rotary: only the dimensions that are turned)."""
        order = np.ravel(self.pairs)
        return self.q_before[order], self.k_before[order]


@dataclass
class CellExplanation:
    kind: str
    layer: int
    head: int
    kv_head: int
    query_pos: int
    key_pos: int
    q: np.ndarray  # [d_head], as it entered the dot product
    k: np.ndarray  # [d_head]
    products: np.ndarray  # q_d · k_d, whose sum is the dot product
    dot: float
    scaling: float
    bias: float  # the mask (0 or -inf) or additive bias at this cell
    score: float  # dot · scaling + bias
    row_scores: np.ndarray  # [key_pos]
    row_weights: np.ndarray  # softmax of row_scores
    weight: float  # recomputed
    captured: float  # what the model returned
    rotary: RotaryStep | None = None

    @property
    def difference(self) -> float:
        return abs(self.weight - self.captured)


def rotary_pairs(n_rotated: int, layout: str) -> list[tuple[int, int]]:
    """The dimension pairs a rotation turns: (i, i + r/2) for "half" (Llama, GPT-NeoX, Phi), (2i, 2i + 1)
    for "interleaved" (GPT-J, the from-scratch model). Dimensions from n_rotated on are left as they are."""
    half = n_rotated // 2
    return [(i, i + half) for i in range(half)] if layout == "half" else [(2 * i, 2 * i + 1) for i in range(half)]


def _unrotate(x: np.ndarray, cos: np.ndarray, sin: np.ndarray, layout: str) -> np.ndarray:
    """Undo a rotation by the angles whose cos/sin [pair] are given; with partial rotary (Phi, GPT-NeoX) only
    the first 2·len(cos) dimensions were turned, and the rest pass through unchanged."""
    out = x.copy()
    first, second = np.array(rotary_pairs(2 * len(cos), layout)).T
    a, b = x[first], x[second]
    out[first], out[second] = a * cos + b * sin, b * cos - a * sin
    return out


def explain_cell(cap: AttentionCapture, info: ModelInfo, kind: str, layer: int, head: int,
                 query_pos: int, key_pos: int) -> CellExplanation:
    """Recompute one attention weight from the captured q and k. Raises KeyError if q/k were not kept."""
    if kind not in cap.qk:
        raise KeyError(f"no queries and keys were kept for {kind!r} attention in this capture")
    stack = cap.qk[kind]
    kv = kv_head(head, stack.q.shape[1], stack.k.shape[1])
    q = stack.q[layer, head].double().cpu().numpy()  # [query_pos, d_head]
    k = stack.k[layer, kv].double().cpu().numpy()  # [key_pos, d_head]
    scores = q[query_pos] @ k.T * stack.scaling
    if stack.softcap:
        scores = np.tanh(scores / stack.softcap) * stack.softcap
    extra = stack.additive(layer, query_pos, query_pos + 1, [head])
    bias_row = np.zeros(k.shape[0]) if extra is None else extra[0, 0].double().cpu().numpy()
    # transformers masks with the dtype's most negative number rather than -inf: the same thing
    bias_row = np.where(bias_row <= -1e30, -np.inf, bias_row)
    row = scores + bias_row
    shifted = np.exp(row - row[np.isfinite(row)].max())
    weights = shifted / shifted.sum()
    rotary = None
    pos = cap.positional
    if stack.rotary and pos is not None and "cos" in pos.values:
        cos, sin = pos.values["cos"].astype(np.float64), pos.values["sin"].astype(np.float64)
        pairs = rotary_pairs(2 * cos.shape[1], stack.rotary)
        q0 = _unrotate(q[query_pos], cos[query_pos], sin[query_pos], stack.rotary)
        k0 = _unrotate(k[key_pos], cos[key_pos], sin[key_pos], stack.rotary)
        rotary = RotaryStep(pairs=pairs, angle_query=np.arctan2(sin[query_pos], cos[query_pos]),
                            angle_key=np.arctan2(sin[key_pos], cos[key_pos]), q_before=q0, k_before=k0,
                            dot_before=float(q0 @ k0))
    return CellExplanation(
        kind=kind, layer=layer, head=head, kv_head=kv, query_pos=query_pos, key_pos=key_pos,
        q=q[query_pos], k=k[key_pos], products=q[query_pos] * k[key_pos], dot=float(q[query_pos] @ k[key_pos]),
        scaling=stack.scaling, bias=float(bias_row[key_pos]), score=float(row[key_pos]), row_scores=row,
        row_weights=weights, weight=float(weights[key_pos]),
        captured=float(cap.source(kind).rows(layer, query_pos, query_pos + 1)[head, 0, key_pos]), rotary=rotary)

# what a family does in its own attention code, where attnviz's recording function does not reach
OWN_CODE = {
    "disentangled": N_("DeBERTa adds content-to-position and position-to-content terms to q·k in its own attention code"),
    "alibi": N_("this model adds its ALiBi distance penalty in its own attention code"),
}


def why_not_explained(cap: AttentionCapture, info: ModelInfo, kind: str) -> str | None:
    """None where a cell of `kind` can be recomputed; otherwise a sentence saying why not, for this family."""
    if kind in cap.qk:
        return None
    if info.family == "from-scratch":
        return Message("This capture kept no query and key vectors, so its cells cannot be recomputed.")
    own = (Message(OWN_CODE[info.positional]) if info.positional in OWN_CODE
           else Message("{model_type} computes attention in its own code", model_type=info.model_type))
    return Message("\"Explain this cell\" is not available for `{name}` ({model_type}), because {own}, which does not go through transformers' attention interface: attnviz cannot record the query and key each weight came from. The weights shown are still the model's own (eager attention).", name=info.name, model_type=info.model_type, own=own)
