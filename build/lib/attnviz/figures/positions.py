"""The positional-encodings page's figures: tables of encodings, waves, similarity, rotations, paths; and the
bias a relative position scheme adds to each score by distance (ALiBi's slopes, T5's learned buckets), or a
sentence saying why a scheme has no such curve to draw."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from torch import nn

from attnviz.core.positional import alibi_slopes, t5_bucket
from attnviz.core.types import ModelInfo
from attnviz.figures import axis_titles
from attnviz.figures.titles import wrap
from attnviz.i18n import N_, speaks, t

# schemes that add no bias by distance: the catalogue says why (positional.bias.not_drawn.<scheme>)
# why a scheme has no bias-by-distance curve
_NOT_DRAWN = {
    "rotary": N_("Rotary positions turn queries and keys instead of adding a bias: see the Rotary (RoPE) tab."),
    "learned": N_("Learned positions are a table added to the token embeddings: see the Learned tab."),
    "sinusoidal": N_("Sinusoidal positions are a fixed table added to the token embeddings: see the Sinusoidal tab."),
    "disentangled": N_("DeBERTa's relative positions are not one bias per distance: each layer projects shared "
                       "relative position embeddings with its own query and key weights and adds content-to-position "
                       "and position-to-content terms that depend on the tokens too, so there is no single curve to "
                       "draw."),
    "none": N_("This model adds no positional information: without it, attention cannot tell word order."),
}


def _t5_bias_module(module: nn.Module) -> nn.Module | None:
    for _, sub in module.named_modules():
        if isinstance(getattr(sub, "relative_attention_bias", None), nn.Embedding):
            return sub
    return None




def _figure(x: np.ndarray, curves: np.ndarray, x_title: str, y_title: str, hover: list[str] | None = None) -> go.Figure:
    fig = go.Figure()
    for h, y in enumerate(curves):
        name = t("head {h}", h=h)
        fig.add_scatter(x=x, y=y, mode="lines+markers", marker={"size": 4}, name=name,
                        hovertext=hover, hovertemplate=f"{name} · %{{x}}: %{{y:.3f}}<extra>%{{hovertext}}</extra>"
                        if hover else f"{name} · %{{x}}: %{{y:.3f}}<extra></extra>")
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis={"title": {"text": x_title}})
    return axis_titles.y_title(fig, y_title)




@speaks
def position_bias_figure(info: ModelInfo, module: nn.Module, distance: int = 64) -> tuple[go.Figure | None, str]:
    """(figure of the bias added to a score against distance, one curve per head, and a caption); figure
    None where the model's scheme adds no such bias, with the caption saying why."""
    if info.positional == "alibi":
        slopes = alibi_slopes(info.n_heads)
        d = np.arange(distance + 1)
        fig = _figure(d, -slopes[:, None] * d[None], t("distance i − j (query i, key j ≤ i)"),
                      t("bias added to the score"))
        listed = ", ".join(f"{m:.4g}" for m in slopes[:8]) + (" …" if len(slopes) > 8 else "")
        return fig, t("ALiBi adds −m·(i − j) to each score: a penalty growing with distance, steeper for heads with a larger slope m ({slopes}). It has no table, so it extends to any length. Some models (Falcon) scale the bias like q·k, by 1/√d_head.", slopes=listed)
    if info.positional == "relative":
        sub = _t5_bias_module(module)
        if sub is None:
            return None, t("This model's relative position bias could not be found in its modules.")
        n_buckets = int(getattr(sub, "relative_attention_num_buckets", sub.relative_attention_bias.num_embeddings))
        max_distance = int(getattr(sub, "relative_attention_max_distance", 128))
        bidirectional = not getattr(sub, "is_decoder", False)
        rel = np.arange(-distance, distance + 1)
        buckets = t5_bucket(rel, bidirectional, n_buckets, max_distance)
        table = sub.relative_attention_bias.weight.detach().float().cpu().numpy()  # [bucket, head]
        fig = _figure(rel, table[buckets].T, t("relative position j − i (key − query)"), t("learned bias added to the score"),
                      hover=[t("bucket {b}", b=b) for b in buckets])
        return fig, t("T5 sorts each distance into one of {n} buckets — one bucket per distance up to {exact}, then logarithmically wider ones, all distances past {far} sharing the last — and learns one bias per bucket and head (the encoder's first layer, shared by every layer). Flat stretches are distances that share a bucket.", n=n_buckets, exact=n_buckets // (4 if bidirectional else 2),
                           far=max_distance)
    if info.positional in _NOT_DRAWN:
        return None, t(_NOT_DRAWN[info.positional])
    return None, t("No drawing for the {scheme} scheme.", scheme=info.positional)


MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


def robust_range(z: np.ndarray, percentile: float = 99.0) -> float | None:
    """The colour range ±top that clips |z| at its percentile, or None where nothing lies beyond it."""
    z = np.abs(np.asarray(z, dtype=np.float64))
    z = z[np.isfinite(z)]
    if not z.size:
        return None
    top = float(np.percentile(z, percentile))
    return top if 0 < top < float(z.max()) else None




def _robust_colour(z: np.ndarray, note: bool) -> dict:
    """Heatmap arguments for a colour range clipped at the 99th percentile of |z|; with `note`, the colour bar says so
    (hover still shows every value as it is)."""
    top = robust_range(z)
    if top is None:
        return {}
    # in lines no wider than the bar's tick labels: the colour bar stays narrow
    note = ({"colorbar": {"title": {"text": wrap(t("colours clipped at ±{v}", v=f"{top:.3g}"), 130, 13)}}}
            if note else {})
    return {"zmin": -top, "zmax": top, **note}




@speaks
def value_heatmap(z: np.ndarray, x_title: str, y_title: str, colorscale: str = "RdBu_r", zmid: float | None = 0.0,
                  height: int = 380, hover: str = "%{y} · %{x}: %{z:.4f}", robust: bool = False) -> go.Figure:
    """A matrix of values (rows down); robust clips the colour range at the 99th percentile of |z| so a few
    outliers do not wash the rest out (the page's caption says so)."""
    z = np.asarray(z, dtype=np.float32)
    extra = _robust_colour(z, note=False) if robust else {}
    fig = go.Figure(go.Heatmap(z=z, colorscale=colorscale, zmid=zmid, hovertemplate=hover + "<extra></extra>"))
    fig.update_traces(**extra)
    fig.update_layout(height=height, margin=MARGIN, xaxis={"title": {"text": x_title}},
                      yaxis={"autorange": "reversed"})
    return axis_titles.y_title(fig, y_title)




@speaks
def waves(pe: np.ndarray, dims: list[int]) -> go.Figure:
    """Chosen dimensions of a [pos, d_model] sinusoidal table as curves over the position."""
    fig = go.Figure()
    for d in dims:
        name = (t("dim {d} (sin)", d=d) if d % 2 == 0 else t("dim {d} (cos)", d=d))
        fig.add_scatter(x=list(range(len(pe))), y=pe[:, d], mode="lines", name=name)
    fig.update_layout(height=320, margin=MARGIN, xaxis={"title": {"text": t("position")}},
                      yaxis={"title": {"text": "PE"}})  # not words: no language
    return fig




@speaks
def similarity_by_distance(sim: np.ndarray, anchors: list[int]) -> go.Figure:
    """PE(pos)·PE(pos + k) against k from a few starting positions: the curves lie on top of each other.

    The widths and dashes differ so that curves that coincide stay visible.
    """
    fig = go.Figure()
    styles = ({"width": 7, "dash": "solid"}, {"width": 3.5, "dash": "dash"}, {"width": 1.5, "dash": "solid"})
    for anchor, line in zip(anchors, styles):
        fig.add_scatter(x=np.arange(0, len(sim) - anchor), y=sim[anchor, anchor:], mode="lines",
                        name=t("from pos {p}", p=anchor),
                        line=line, opacity=0.75)
    fig.update_layout(height=380, margin=MARGIN, xaxis={"title": {"text": t("distance k")}},
                      yaxis={"title": {"text": "PE(pos)·PE(pos + k)"}})
    return fig




@speaks
def shift_circle(pe: np.ndarray, pair: int, start: int, k: int) -> go.Figure:
    """Dimensions (2i, 2i+1) of every position as a circle, with `start` and `start + k` marked."""
    def pos(p: int) -> str:
        return t("pos {p}", p=p)

    fig = go.Figure()
    fig.add_scatter(x=pe[:, 2 * pair], y=pe[:, 2 * pair + 1], mode="lines+markers", marker={"size": 4},
                    name=t("positions"), hovertext=[pos(p) for p in range(len(pe))])
    fig.add_scatter(x=[pe[start, 2 * pair], pe[start + k, 2 * pair]], y=[pe[start, 2 * pair + 1], pe[start + k, 2 * pair + 1]],
                    mode="markers+text", text=[pos(start), pos(start + k)], textposition="top center",
                    marker={"size": 10, "color": "crimson"}, name=t("shift"))
    fig.update_layout(height=300, margin=MARGIN, showlegend=False,
                      xaxis={"title": {"text": t("dim {d} (sin)", d=2 * pair)}, "scaleanchor": "y"},
                      )
    return axis_titles.y_title(fig, t("dim {d} (cos)", d=2 * pair + 1))




@speaks
def position_path(xy: np.ndarray, start: int) -> go.Figure:
    """Positions start, start+1, … of a learned table on two axes, joined in order and coloured by position."""
    positions = np.arange(start, start + len(xy))
    fig = go.Figure(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="lines+markers",
                               marker={"color": positions, "colorscale": "Viridis", "size": 6,
                                       "colorbar": {"title": {"text": t("position")}}},
                               hovertext=[t("pos {p}", p=p) for p in positions], hoverinfo="text"))
    fig.update_layout(height=380, margin=MARGIN, xaxis={"title": {"text": t("PC 1")}})
    return axis_titles.y_title(fig, t("PC 2"))




@speaks
def rotary_dot_chart(dots: np.ndarray, plain_dot: float) -> go.Figure:
    """q·k after rotary positions against the relative distance, with q·k unrotated as a dotted line.

    The dotted line is named in a legend above the plot, not by a label on it: the curve crosses any place
    on the line where a label could sit."""
    line = {"dash": "dot", "color": "#555", "width": 2}
    fig = go.Figure(go.Scatter(x=list(range(len(dots))), y=dots, mode="lines+markers", marker={"size": 4},
                               showlegend=False))
    fig.add_hline(y=plain_dot, line=line)
    fig.add_scatter(x=[None], y=[None], mode="lines", line=line, name=t("q·k without rotation"))
    fig.update_layout(height=340, margin={**MARGIN, "t": 34}, showlegend=True,
                      legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom"},
                      xaxis={"title": {"text": t("relative distance m − n")}})
    return axis_titles.y_title(fig, t("q·k after rotation"))




@speaks
def used_encoding(values: np.ndarray, rows: list[str]) -> go.Figure:
    """A [pos, dim] encoding read from a forward pass, one labelled row per position; the colour range is clipped
    at the 99th percentile of |value| (one outlier dimension would otherwise leave the rest white)."""
    fig = go.Figure(go.Heatmap(z=values.astype(np.float32), y=rows, colorscale="RdBu_r", zmid=0,
                               hovertemplate=t("%{y}, dim %{x}: %{z:.4f}") + "<extra></extra>"))
    fig.update_traces(**_robust_colour(values, note=True))
    fig.update_layout(height=min(700, 80 + 18 * len(rows)), margin=MARGIN, yaxis={"autorange": "reversed", "type": "category"})
    return fig
