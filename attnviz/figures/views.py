"""Each explorer view as one function from a capture to a plotly figure, for notebooks and the CLI.

    import attnviz
    from attnviz.figures import views
    cap = attnviz.capture(attnviz.load_model("minilm"), "The cat sat on the mat.")
    views.heatmap(cap, layer=2, head=5).show()
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attnviz.figures import plots

from attnviz.analysis import reduce
from attnviz.core.types import KIND_LABELS, AttentionCapture

NAMES = ("heatmap", "head_view", "model_view", "rollout", "aggregate", "statistics", "qk")


def heatmap(cap: AttentionCapture, layer: int = 0, head: int = 0, kind: str = "self", log_color: bool = False) -> go.Figure:
    """One head, tokens on both axes."""
    q, k = cap.axes(kind)
    return plots.head_heatmap(cap.head(kind, layer, head), q, k, f"{KIND_LABELS[kind]} · layer {layer} · head {head}",
                              log_color)


def head_view(cap: AttentionCapture, layer: int = 0, kind: str = "self", heads: list[int] | None = None,
              focus: int | None = None) -> go.Figure:
    """All heads of a layer as coloured lines between the tokens (bertviz's head view)."""
    q, k = cap.axes(kind)
    stack = cap.attention[kind][layer].float().cpu().numpy()
    return plots.head_view(stack, q, k, heads if heads is not None else list(range(stack.shape[0])), focus,
                           f"{KIND_LABELS[kind]} · layer {layer}")


def model_view(cap: AttentionCapture, kind: str = "self", size: int = 32) -> go.Figure:
    """Every layer × head, pooled on the capture's device to at most size × size cells each."""
    return plots.model_view(reduce.pooled(cap.attention[kind], size), f"{KIND_LABELS[kind]}: all heads")


def rollout(cap: AttentionCapture, layer: int = -1) -> go.Figure:
    """Attention rollout through `layer` (default: the last)."""
    r = reduce.rollout(cap.attention["self"])
    layer = layer % r.shape[0]
    return plots.head_heatmap(r[layer], cap.tokens, cap.tokens, f"rollout through layer {layer}")


def aggregate(cap: AttentionCapture, layer: int = 0, how: str = "mean", kind: str = "self") -> go.Figure:
    """The mean or max over a layer's heads."""
    q, k = cap.axes(kind)
    return plots.head_heatmap(reduce.aggregate(cap.attention[kind], how)[layer], q, k, f"{how} over heads · layer {layer}")


def statistics(cap: AttentionCapture, stat: str = "entropy", kind: str = "self") -> go.Figure:
    """One head statistic (entropy, mean distance, first token, self, previous token, special tokens) per head."""
    stats = reduce.head_statistics(cap, kind)
    if stat not in stats:
        raise ValueError(f"unknown statistic {stat!r}; choose one of {', '.join(stats)}")
    return plots.layer_head_chart(stats[stat], f"{stat} per head")


def qk(cap: AttentionCapture, layer: int = 0, head: int = 0, kind: str = "self") -> go.Figure:
    """A head's queries and keys on their first two principal axes."""
    qxy, kxy, _ = reduce.qk_projection(cap, kind, layer, head)
    q, k = cap.axes(kind)
    return plots.qk_scatter(qxy, kxy, q, k, f"{KIND_LABELS[kind]} · layer {layer} · head {head}: queries and keys")


def build(cap: AttentionCapture, name: str, **options) -> go.Figure:
    """A view by name (see NAMES) with its options."""
    if name not in NAMES:
        raise ValueError(f"unknown view {name!r}; choose one of {', '.join(NAMES)}")
    return globals()[name](cap, **options)


def matrix_of(cap: AttentionCapture, name: str, **options) -> tuple[np.ndarray, list[str], list[str]] | None:
    """The matrix a view draws, with its row and column tokens (None for views that are not one matrix)."""
    kind = options.get("kind", "self")
    q, k = cap.axes(kind)
    if name == "heatmap":
        return cap.head(kind, options.get("layer", 0), options.get("head", 0)), q, k
    if name == "rollout":
        r = reduce.rollout(cap.attention["self"])
        return r[options.get("layer", -1) % r.shape[0]], cap.tokens, cap.tokens
    if name == "aggregate":
        return reduce.aggregate(cap.attention[kind], options.get("how", "mean"))[options.get("layer", 0)], q, k
    return None
