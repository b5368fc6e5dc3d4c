"""The positional-encodings page's figures: tables of encodings, waves, similarity, rotations, paths; and the
bias a relative position scheme adds to each score by distance (ALiBi's slopes, T5's learned buckets), or a
sentence saying why a scheme has no such curve to draw."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from torch import nn

from attnviz.core.positional import alibi_slopes, t5_bucket
from attnviz.core.types import ModelInfo

_NOT_DRAWN = {
    "rotary": "Rotary positions turn queries and keys instead of adding a bias: see the Rotary (RoPE) tab.",
    "learned": "Learned positions are a table added to the token embeddings: see the Learned tab.",
    "sinusoidal": "Sinusoidal positions are a fixed table added to the token embeddings: see the Sinusoidal tab.",
    "disentangled": "DeBERTa's relative positions are not one bias per distance: each layer projects shared relative "
                    "position embeddings with its own query and key weights and adds content-to-position and "
                    "position-to-content terms that depend on the tokens too, so there is no single curve to draw.",
    "none": "This model adds no positional information: without it, attention cannot tell word order.",
}


def _t5_bias_module(module: nn.Module) -> nn.Module | None:
    for _, sub in module.named_modules():
        if isinstance(getattr(sub, "relative_attention_bias", None), nn.Embedding):
            return sub
    return None


def _figure(x: np.ndarray, curves: np.ndarray, x_title: str, y_title: str, hover: list[str] | None = None) -> go.Figure:
    fig = go.Figure()
    for h, y in enumerate(curves):
        fig.add_scatter(x=x, y=y, mode="lines+markers", marker={"size": 4}, name=f"head {h}",
                        hovertext=hover, hovertemplate=f"head {h} · %{{x}}: %{{y:.3f}}<extra>%{{hovertext}}</extra>"
                        if hover else f"head {h} · %{{x}}: %{{y:.3f}}<extra></extra>")
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis={"title": {"text": x_title}}, yaxis={"title": {"text": y_title}})
    return fig


def position_bias_figure(info: ModelInfo, module: nn.Module, distance: int = 64) -> tuple[go.Figure | None, str]:
    """(figure of the bias added to a score against distance, one curve per head, and a caption); figure None
    where the model's scheme adds no such bias, with the caption saying why."""
    if info.positional == "alibi":
        slopes = alibi_slopes(info.n_heads)
        d = np.arange(distance + 1)
        fig = _figure(d, -slopes[:, None] * d[None], "distance i − j (query i, key j ≤ i)", "bias added to the score")
        listed = ", ".join(f"{m:.4g}" for m in slopes[:8]) + (" …" if len(slopes) > 8 else "")
        return fig, (f"ALiBi adds −m·(i − j) to each score: a penalty growing with distance, steeper for heads with "
                     f"a larger slope m ({listed}). It has no table, so it extends to any length. Some models "
                     "(Falcon) scale the bias like q·k, by 1/√d_head.")
    if info.positional == "relative":
        sub = _t5_bias_module(module)
        if sub is None:
            return None, "This model's relative position bias could not be found in its modules."
        n_buckets = int(getattr(sub, "relative_attention_num_buckets", sub.relative_attention_bias.num_embeddings))
        max_distance = int(getattr(sub, "relative_attention_max_distance", 128))
        bidirectional = not getattr(sub, "is_decoder", False)
        rel = np.arange(-distance, distance + 1)
        buckets = t5_bucket(rel, bidirectional, n_buckets, max_distance)
        table = sub.relative_attention_bias.weight.detach().float().cpu().numpy()  # [bucket, head]
        fig = _figure(rel, table[buckets].T, "relative position j − i (key − query)", "learned bias added to the score",
                      hover=[f"bucket {b}" for b in buckets])
        return fig, (f"T5 sorts each distance into one of {n_buckets} buckets — one bucket per distance up to "
                     f"{n_buckets // (4 if bidirectional else 2)}, then logarithmically wider ones, all distances past "
                     f"{max_distance} sharing the last — and learns one bias per bucket and head (the encoder's first "
                     "layer, shared by every layer). Flat stretches are distances that share a bucket.")
    return None, _NOT_DRAWN.get(info.positional, f"No drawing for the {info.positional} scheme.")


MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


def value_heatmap(z: np.ndarray, x_title: str, y_title: str, colorscale: str = "RdBu_r", zmid: float | None = 0.0,
                  height: int = 380, hover: str = "%{y} · %{x}: %{z:.4f}", robust: bool = False) -> go.Figure:
    """A matrix of values (rows down); robust clips the colour range at the 99th percentile of |z| so a few
    outliers do not wash the rest out."""
    z = np.asarray(z, dtype=np.float32)
    extra = {}
    if robust:
        top = float(np.percentile(np.abs(z), 99)) or 1.0
        extra = {"zmin": -top, "zmax": top}
    fig = go.Figure(go.Heatmap(z=z, colorscale=colorscale, zmid=zmid, hovertemplate=hover + "<extra></extra>", **extra))
    fig.update_layout(height=height, margin=MARGIN, xaxis={"title": {"text": x_title}},
                      yaxis={"title": {"text": y_title}, "autorange": "reversed"})
    return fig


def waves(pe: np.ndarray, dims: list[int]) -> go.Figure:
    """Chosen dimensions of a [pos, d_model] sinusoidal table as curves over the position."""
    fig = go.Figure()
    for d in dims:
        fig.add_scatter(x=list(range(len(pe))), y=pe[:, d], mode="lines", name=f"dim {d} ({'sin' if d % 2 == 0 else 'cos'})")
    fig.update_layout(height=320, margin=MARGIN, xaxis={"title": {"text": "position"}}, yaxis={"title": {"text": "PE"}})
    return fig


def similarity_by_distance(sim: np.ndarray, anchors: list[int]) -> go.Figure:
    """PE(pos)·PE(pos + k) against k from a few starting positions: the curves lie on top of each other.

    The widths and dashes differ so that curves that coincide stay visible.
    """
    fig = go.Figure()
    styles = ({"width": 7, "dash": "solid"}, {"width": 3.5, "dash": "dash"}, {"width": 1.5, "dash": "solid"})
    for anchor, line in zip(anchors, styles):
        fig.add_scatter(x=np.arange(0, len(sim) - anchor), y=sim[anchor, anchor:], mode="lines", name=f"from pos {anchor}",
                        line=line, opacity=0.75)
    fig.update_layout(height=380, margin=MARGIN, xaxis={"title": {"text": "distance k"}},
                      yaxis={"title": {"text": "PE(pos)·PE(pos + k)"}})
    return fig


def shift_circle(pe: np.ndarray, pair: int, start: int, k: int) -> go.Figure:
    """Dimensions (2i, 2i+1) of every position as a circle, with `start` and `start + k` marked."""
    fig = go.Figure()
    fig.add_scatter(x=pe[:, 2 * pair], y=pe[:, 2 * pair + 1], mode="lines+markers", marker={"size": 4},
                    name="positions", hovertext=[f"pos {p}" for p in range(len(pe))])
    fig.add_scatter(x=[pe[start, 2 * pair], pe[start + k, 2 * pair]], y=[pe[start, 2 * pair + 1], pe[start + k, 2 * pair + 1]],
                    mode="markers+text", text=[f"pos {start}", f"pos {start + k}"], textposition="top center",
                    marker={"size": 10, "color": "crimson"}, name="shift")
    fig.update_layout(height=300, margin=MARGIN, showlegend=False,
                      xaxis={"title": {"text": f"dim {2 * pair} (sin)"}, "scaleanchor": "y"},
                      yaxis={"title": {"text": f"dim {2 * pair + 1} (cos)"}})
    return fig


def position_path(xy: np.ndarray, start: int) -> go.Figure:
    """Positions start, start+1, … of a learned table on two axes, joined in order and coloured by position."""
    positions = np.arange(start, start + len(xy))
    fig = go.Figure(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="lines+markers",
                               marker={"color": positions, "colorscale": "Viridis", "size": 6,
                                       "colorbar": {"title": {"text": "position"}}},
                               hovertext=[f"pos {p}" for p in positions], hoverinfo="text"))
    fig.update_layout(height=380, margin=MARGIN, xaxis={"title": {"text": "PC 1"}}, yaxis={"title": {"text": "PC 2"}})
    return fig


def rotary_dot_chart(dots: np.ndarray, plain_dot: float) -> go.Figure:
    """q·k after rotary positions against the relative distance, with q·k unrotated as a dotted line."""
    fig = go.Figure(go.Scatter(x=list(range(len(dots))), y=dots, mode="lines+markers", marker={"size": 4}))
    fig.add_hline(y=plain_dot, line={"dash": "dot"}, annotation_text="q·k without rotation")
    fig.update_layout(height=320, margin=MARGIN, xaxis={"title": {"text": "relative distance m − n"}},
                      yaxis={"title": {"text": "q·k after rotation"}})
    return fig


def used_encoding(values: np.ndarray, rows: list[str]) -> go.Figure:
    """A [pos, dim] encoding read from a forward pass, one labelled row per position."""
    fig = go.Figure(go.Heatmap(z=values.astype(np.float32), y=rows, colorscale="RdBu_r", zmid=0,
                               hovertemplate="%{y}, dim %{x}: %{z:.4f}<extra></extra>"))
    fig.update_layout(height=min(700, 80 + 18 * len(rows)), margin=MARGIN, yaxis={"autorange": "reversed", "type": "category"})
    return fig
