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
                 title: str = "", log_color: bool = False,
                 axis_titles: tuple[str, str] = ("query (attending)", "key (attended to)"),
                 value_title: str = "weight") -> go.Figure:
    """One head's pattern `[query_pos, key_pos]` with tokens on both axes and the weight on hover.

    The payload is the float32 matrix plus one label per token (no per-cell strings): about
    1.4 MB at 512 × 512. Log colour adds the raw weights as numeric hover data.
    """
    n_query, n_key = pattern.shape
    if len(query_tokens) != n_query or len(key_tokens) != n_key:
        raise ValueError(f"pattern is {pattern.shape} but got {len(query_tokens)} query and {len(key_tokens)} key tokens")
    weights = np.asarray(pattern, dtype=np.float32)
    trace = dict(x=position_labels(key_tokens), y=position_labels(query_tokens), colorscale="Blues",
                 hovertemplate=f"{axis_titles[0].split()[0]} %{{y}}<br>{axis_titles[1].split()[0]} %{{x}}<br>"
                               f"{value_title} %{{z:.4f}}<extra></extra>")
    if log_color:
        trace.update(z=np.log10(np.clip(weights, 1e-6, None)), zmin=-6, zmax=0, customdata=weights,
                     colorbar={"title": {"text": "log₁₀ weight"}},
                     hovertemplate="query %{y}<br>key %{x}<br>weight %{customdata:.4f}<extra></extra>")
    else:
        trace.update(z=weights, zmin=0.0, zmax=float(max(weights.max(), 1e-9)), colorbar={"title": {"text": value_title}})
    fig = go.Figure(go.Heatmap(**trace))
    qv, qt = _ticks(query_tokens)
    kv, kt = _ticks(key_tokens)
    side = max(360, min(900, 28 * max(n_query, n_key) + 160))
    fig.update_layout(
        title={"text": safe_label(title)}, height=side, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"title": {"text": axis_titles[1]}, "type": "category", "tickvals": kv, "ticktext": kt,
               "tickangle": -60, "side": "top"},
        yaxis={"title": {"text": axis_titles[0]}, "type": "category", "tickvals": qv, "ticktext": qt,
               "autorange": "reversed"},
    )
    return fig


def head_similarity_map(similarity: np.ndarray, head_names: list[str], title: str = "") -> go.Figure:
    """Heads against heads: the cosine similarity of their patterns, `[head, head]` in the given order."""
    fig = head_heatmap(similarity, head_names, head_names, title=title, axis_titles=("head", "head"),
                       value_title="cosine similarity")
    fig.update_traces(hovertemplate="%{y} vs %{x}: %{z:.3f}<extra></extra>")
    return fig


HEAD_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"]
LINE_BINS = ((0.05, 0.15, 1.0, 0.25), (0.15, 0.35, 2.0, 0.45), (0.35, 0.6, 3.5, 0.7), (0.6, 1.01, 5.0, 0.95))


def head_view(layer_heads: np.ndarray, query_tokens: list[str], key_tokens: list[str], heads: list[int],
              focus: int | None = None, title: str = "") -> go.Figure:
    """bertviz's head view: queries on the left, keys on the right, a line per weight ≥ 0.05 coloured by head.

    layer_heads: [head, query_pos, key_pos] of one layer. focus: show only that query's lines. Lines are
    binned by weight into four widths and opacities (one trace each), so the figure stays small.
    """
    nq, nk = layer_heads.shape[-2:]
    fig = go.Figure()
    rows = [focus] if focus is not None else list(range(nq))
    for h in heads:
        colour = HEAD_COLOURS[h % len(HEAD_COLOURS)]
        for low, high, width, alpha in LINE_BINS:
            xs, ys = [], []
            for i in rows:
                for j in np.nonzero((layer_heads[h, i] >= low) & (layer_heads[h, i] < high))[0]:
                    xs += [0, 1, None]
                    ys += [-i, -int(j), None]
            if xs:
                fig.add_scatter(x=xs, y=ys, mode="lines", line={"color": colour, "width": width}, opacity=alpha,
                                hoverinfo="skip", showlegend=False, legendgroup=f"h{h}")
        fig.add_scatter(x=[None], y=[None], mode="lines", line={"color": colour, "width": 4}, name=f"head {h}",
                        legendgroup=f"h{h}")
    q_labels, k_labels = [safe_label(t) for t in query_tokens], [safe_label(t) for t in key_tokens]
    fig.add_scatter(x=[0] * nq, y=[-i for i in range(nq)], mode="markers+text", text=q_labels, textposition="middle left",
                    marker={"size": 10, "color": ["crimson" if i == focus else "#444" for i in range(nq)]},
                    customdata=list(range(nq)), hovertemplate="query %{customdata}: %{text}<extra></extra>",
                    name="queries", showlegend=False)
    fig.add_scatter(x=[1] * nk, y=[-j for j in range(nk)], mode="markers+text", text=k_labels, textposition="middle right",
                    marker={"size": 8, "color": "#888"}, hovertemplate="key %{y}: %{text}<extra></extra>",
                    name="keys", showlegend=False)
    fig.update_layout(title={"text": safe_label(title)}, height=max(300, 24 * max(nq, nk) + 120),
                      margin={"l": 10, "r": 10, "t": 50, "b": 10}, clickmode="event+select",
                      xaxis={"visible": False, "range": [-0.6, 1.6]}, yaxis={"visible": False},
                      legend={"orientation": "h", "y": -0.02, "yanchor": "top"})
    return fig


def model_view(thumbs: np.ndarray, title: str = "", gap: int = 1) -> go.Figure:
    """Every layer × head as a small heatmap in one mosaic; a clickable point sits on each thumbnail.

    thumbs: [layer, head, rows, cols] (already pooled on the device). Clicking selects a point whose
    customdata is [layer, head].
    """
    layers, heads, r, c = thumbs.shape
    mosaic = np.full((layers * (r + gap), heads * (c + gap)), np.nan, dtype=np.float32)
    for l in range(layers):
        for h in range(heads):
            t = thumbs[l, h]
            mosaic[l * (r + gap): l * (r + gap) + r, h * (c + gap): h * (c + gap) + c] = t / max(t.max(), 1e-9)
    fig = go.Figure(go.Heatmap(z=mosaic, colorscale="Blues", showscale=False, hoverinfo="skip"))
    cx = [h * (c + gap) + (c - 1) / 2 for l in range(layers) for h in range(heads)]
    cy = [l * (r + gap) + (r - 1) / 2 for l in range(layers) for h in range(heads)]
    fig.add_scatter(x=cx, y=cy, mode="markers", marker={"size": 26, "symbol": "square", "opacity": 0.01},
                    customdata=[[l, h] for l in range(layers) for h in range(heads)],
                    hovertemplate="layer %{customdata[0]} · head %{customdata[1]}<br>click to open<extra></extra>",
                    showlegend=False)
    fig.update_layout(title={"text": safe_label(title)}, height=max(320, 70 * layers + 80),
                      margin={"l": 40, "r": 10, "t": 50, "b": 10}, clickmode="event+select", dragmode=False,
                      xaxis={"tickvals": [h * (c + gap) + (c - 1) / 2 for h in range(heads)],
                             "ticktext": [f"h{h}" for h in range(heads)], "side": "top", "showgrid": False},
                      yaxis={"tickvals": [l * (r + gap) + (r - 1) / 2 for l in range(layers)],
                             "ticktext": [f"L{l}" for l in range(layers)], "autorange": "reversed", "showgrid": False})
    return fig


def layer_head_chart(values: np.ndarray, title: str, colorscale: str = "Viridis") -> go.Figure:
    """A statistic per [layer, head] as a heatmap (layers down, heads across)."""
    layers, heads = values.shape
    fig = go.Figure(go.Heatmap(z=values.astype(np.float32), x=[f"h{h}" for h in range(heads)],
                               y=[f"L{l}" for l in range(layers)], colorscale=colorscale,
                               hovertemplate="%{y} %{x}: %{z:.3f}<extra></extra>"))
    fig.update_layout(title={"text": safe_label(title)}, height=max(260, 36 * layers + 100),
                      margin={"l": 10, "r": 10, "t": 50, "b": 10}, yaxis={"autorange": "reversed"})
    return fig


def qk_scatter(queries: np.ndarray, keys: np.ndarray, query_tokens: list[str], key_tokens: list[str],
               title: str = "", focus: int | None = None) -> go.Figure:
    """Queries (circles) and keys (diamonds) of one head in one 2-D projection, coloured by position.

    focus: a query drawn larger, with a red outline, so its neighbours among the keys stand out.
    """
    fig = go.Figure()
    for xy, tokens, symbol, name in ((queries, query_tokens, "circle", "query"), (keys, key_tokens, "diamond", "key")):
        is_focus = [name == "query" and i == focus for i in range(len(tokens))]
        fig.add_scatter(x=xy[:, 0], y=xy[:, 1], mode="markers+text", name=name,
                        text=[safe_label(t) for t in tokens], textposition="top center",
                        marker={"symbol": symbol, "size": [22 if f else 11 for f in is_focus],
                                "color": list(range(len(tokens))), "colorscale": "Viridis",
                                "line": {"width": [3 if f else 1 for f in is_focus],
                                         "color": ["crimson" if f else "#333" for f in is_focus]}},
                        customdata=list(range(len(tokens))),
                        hovertemplate=f"{name} %{{customdata}}: %{{text}}<extra></extra>")
    fig.update_layout(title={"text": safe_label(title)}, height=480, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      xaxis={"title": {"text": "PC 1"}}, yaxis={"title": {"text": "PC 2"}})
    return fig

