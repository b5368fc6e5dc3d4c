"""Figures from arrays: each view is one function that returns a plotly figure, with no display side effects."""
from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

MAX_TICK_LABELS = 64  # beyond this many tokens an axis labels every n-th one


def safe_label(token: str) -> str:
    """A token as plotly text: its markup (<b>, <br>, &...) is escaped so it shows as typed."""
    return html.escape(token, quote=False)


def _ticks(tokens: list[str]) -> tuple[list[int], list[str]]:
    step = max(1, int(np.ceil(len(tokens) / MAX_TICK_LABELS)))
    idx = list(range(0, len(tokens), step))
    return idx, [safe_label(tokens[i]) for i in idx]


def head_heatmap(pattern: np.ndarray, query_tokens: list[str], key_tokens: list[str],
                 title: str = "", log_color: bool = False) -> go.Figure:
    """One head's pattern `[query_pos, key_pos]` with tokens on both axes and the weight on hover.

    Axes are positions (a repeated token is still its own row), labelled with the tokens.
    """
    n_query, n_key = pattern.shape
    if len(query_tokens) != n_query or len(key_tokens) != n_key:
        raise ValueError(f"pattern is {pattern.shape} but got {len(query_tokens)} query and {len(key_tokens)} key tokens")
    z = np.log10(np.clip(pattern, 1e-6, None)) if log_color else pattern
    q_labels = np.array([safe_label(t) for t in query_tokens], dtype=object)
    k_labels = np.array([safe_label(t) for t in key_tokens], dtype=object)
    custom = np.stack([np.broadcast_to(q_labels[:, None], pattern.shape),
                       np.broadcast_to(k_labels[None, :], pattern.shape),
                       np.round(pattern, 4).astype(object)], axis=-1)
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(n_key)), y=list(range(n_query)), customdata=custom,
        colorscale="Blues", zmin=-6 if log_color else 0.0, zmax=0 if log_color else float(max(pattern.max(), 1e-9)),
        colorbar={"title": {"text": "log₁₀ weight" if log_color else "weight"}},
        hovertemplate="query %{y} <b>%{customdata[0]}</b><br>key %{x} <b>%{customdata[1]}</b>"
                      "<br>weight %{customdata[2]}<extra></extra>",
    ))
    qv, qt = _ticks(query_tokens)
    kv, kt = _ticks(key_tokens)
    side = max(360, min(900, 28 * max(n_query, n_key) + 160))
    fig.update_layout(
        title={"text": safe_label(title)}, height=side, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"title": {"text": "key (attended to)"}, "tickvals": kv, "ticktext": kt, "tickangle": -60, "side": "top"},
        yaxis={"title": {"text": "query (attending)"}, "tickvals": qv, "ticktext": qt, "autorange": "reversed"},
    )
    return fig
