"""Figures from arrays: each view is one function that returns a plotly figure, with no display side effects."""
from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

MAX_TICK_LABELS = 64  # beyond this many tokens an axis labels every n-th one


def safe_label(token: str) -> str:
    """A token as plotly text: its markup (<b>, <br>, &...) is escaped so it shows as typed."""
    return html.escape(token, quote=False)


def position_labels(tokens: list[str]) -> list[str]:
    """Unique axis categories "pos · token": a repeated token is still its own row, and hover names both."""
    return [f"{i} · {safe_label(t)}" for i, t in enumerate(tokens)]


def _ticks(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Tick positions (categories) and texts (the tokens alone), thinned on long inputs."""
    step = max(1, int(np.ceil(len(tokens) / MAX_TICK_LABELS)))
    labels = position_labels(tokens)
    idx = range(0, len(tokens), step)
    return [labels[i] for i in idx], [safe_label(tokens[i]) for i in idx]


def head_heatmap(pattern: np.ndarray, query_tokens: list[str], key_tokens: list[str],
                 title: str = "", log_color: bool = False) -> go.Figure:
    """One head's pattern `[query_pos, key_pos]` with tokens on both axes and the weight on hover.

    The payload is the float32 matrix plus one label per token (no per-cell strings): about
    1.4 MB at 512 × 512. Log colour adds the raw weights as numeric hover data.
    """
    n_query, n_key = pattern.shape
    if len(query_tokens) != n_query or len(key_tokens) != n_key:
        raise ValueError(f"pattern is {pattern.shape} but got {len(query_tokens)} query and {len(key_tokens)} key tokens")
    weights = np.asarray(pattern, dtype=np.float32)
    trace = dict(x=position_labels(key_tokens), y=position_labels(query_tokens), colorscale="Blues",
                 hovertemplate="query %{y}<br>key %{x}<br>weight %{z:.4f}<extra></extra>")
    if log_color:
        trace.update(z=np.log10(np.clip(weights, 1e-6, None)), zmin=-6, zmax=0, customdata=weights,
                     colorbar={"title": {"text": "log₁₀ weight"}},
                     hovertemplate="query %{y}<br>key %{x}<br>weight %{customdata:.4f}<extra></extra>")
    else:
        trace.update(z=weights, zmin=0.0, zmax=float(max(weights.max(), 1e-9)), colorbar={"title": {"text": "weight"}})
    fig = go.Figure(go.Heatmap(**trace))
    qv, qt = _ticks(query_tokens)
    kv, kt = _ticks(key_tokens)
    side = max(360, min(900, 28 * max(n_query, n_key) + 160))
    fig.update_layout(
        title={"text": safe_label(title)}, height=side, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"title": {"text": "key (attended to)"}, "type": "category", "tickvals": kv, "ticktext": kt,
               "tickangle": -60, "side": "top"},
        yaxis={"title": {"text": "query (attending)"}, "type": "category", "tickvals": qv, "ticktext": qt,
               "autorange": "reversed"},
    )
    return fig
