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
from attnviz.i18n.catalogue import DEFAULT, lookup

# schemes that add no bias by distance: the catalogue says why (positional.bias.not_drawn.<scheme>)
_NOT_DRAWN = ("rotary", "learned", "sinusoidal", "disentangled", "none")


def _t5_bias_module(module: nn.Module) -> nn.Module | None:
    for _, sub in module.named_modules():
        if isinstance(getattr(sub, "relative_attention_bias", None), nn.Embedding):
            return sub
    return None


def _figure(x: np.ndarray, curves: np.ndarray, x_title: str, y_title: str, hover: list[str] | None = None,
            lang: str = DEFAULT) -> go.Figure:
    fig = go.Figure()
    for h, y in enumerate(curves):
        name = lookup(lang, "positional.bias.head", h=h)
        fig.add_scatter(x=x, y=y, mode="lines+markers", marker={"size": 4}, name=name,
                        hovertext=hover, hovertemplate=f"{name} · %{{x}}: %{{y:.3f}}<extra>%{{hovertext}}</extra>"
                        if hover else f"{name} · %{{x}}: %{{y:.3f}}<extra></extra>")
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis={"title": {"text": x_title}})
    return axis_titles.y_title(fig, y_title)


def position_bias_figure(info: ModelInfo, module: nn.Module, distance: int = 64,
                         lang: str = DEFAULT) -> tuple[go.Figure | None, str]:
    """(figure of the bias added to a score against distance, one curve per head, and a caption in `lang`); figure
    None where the model's scheme adds no such bias, with the caption saying why."""
    if info.positional == "alibi":
        slopes = alibi_slopes(info.n_heads)
        d = np.arange(distance + 1)
        fig = _figure(d, -slopes[:, None] * d[None], lookup(lang, "positional.bias.alibi_x"),
                      lookup(lang, "positional.bias.alibi_y"), lang=lang)
        listed = ", ".join(f"{m:.4g}" for m in slopes[:8]) + (" …" if len(slopes) > 8 else "")
        return fig, lookup(lang, "positional.bias.alibi", slopes=listed)
    if info.positional == "relative":
        sub = _t5_bias_module(module)
        if sub is None:
            return None, lookup(lang, "positional.bias.t5_missing")
        n_buckets = int(getattr(sub, "relative_attention_num_buckets", sub.relative_attention_bias.num_embeddings))
        max_distance = int(getattr(sub, "relative_attention_max_distance", 128))
        bidirectional = not getattr(sub, "is_decoder", False)
        rel = np.arange(-distance, distance + 1)
        buckets = t5_bucket(rel, bidirectional, n_buckets, max_distance)
        table = sub.relative_attention_bias.weight.detach().float().cpu().numpy()  # [bucket, head]
        fig = _figure(rel, table[buckets].T, lookup(lang, "positional.bias.t5_x"), lookup(lang, "positional.bias.t5_y"),
                      hover=[lookup(lang, "positional.bias.bucket", b=b) for b in buckets], lang=lang)
        return fig, lookup(lang, "positional.bias.t5", n=n_buckets, exact=n_buckets // (4 if bidirectional else 2),
                           far=max_distance)
    if info.positional in _NOT_DRAWN:
        return None, lookup(lang, f"positional.bias.not_drawn.{info.positional}")
    return None, lookup(lang, "positional.bias.unknown", scheme=info.positional)


MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


def robust_range(z: np.ndarray, percentile: float = 99.0) -> float | None:
    """The colour range ±top that clips |z| at its percentile, or None where nothing lies beyond it."""
    z = np.abs(np.asarray(z, dtype=np.float64))
    z = z[np.isfinite(z)]
    if not z.size:
        return None
    top = float(np.percentile(z, percentile))
    return top if 0 < top < float(z.max()) else None


def _robust_colour(z: np.ndarray, lang: str | None) -> dict:
    """Heatmap arguments for a colour range clipped at the 99th percentile of |z|; given a language, the colour
    bar says so (hover still shows every value as it is)."""
    top = robust_range(z)
    if top is None:
        return {}
    # in lines no wider than the bar's tick labels: the colour bar stays narrow
    note = ({"colorbar": {"title": {"text": wrap(lookup(lang, "fig.colorbar.clipped", v=f"{top:.3g}"), 130, 13)}}}
            if lang else {})
    return {"zmin": -top, "zmax": top, **note}


def value_heatmap(z: np.ndarray, x_title: str, y_title: str, colorscale: str = "RdBu_r", zmid: float | None = 0.0,
                  height: int = 380, hover: str = "%{y} · %{x}: %{z:.4f}", robust: bool = False,
                  lang: str | None = None) -> go.Figure:
    """A matrix of values (rows down); robust clips the colour range at the 99th percentile of |z| so a few
    outliers do not wash the rest out; with a language the colour bar says so (else the page's caption does)."""
    z = np.asarray(z, dtype=np.float32)
    extra = _robust_colour(z, lang) if robust else {}
    fig = go.Figure(go.Heatmap(z=z, colorscale=colorscale, zmid=zmid, hovertemplate=hover + "<extra></extra>"))
    fig.update_traces(**extra)
    fig.update_layout(height=height, margin=MARGIN, xaxis={"title": {"text": x_title}},
                      yaxis={"autorange": "reversed"})
    return axis_titles.y_title(fig, y_title)


def waves(pe: np.ndarray, dims: list[int], lang: str = DEFAULT) -> go.Figure:
    """Chosen dimensions of a [pos, d_model] sinusoidal table as curves over the position."""
    fig = go.Figure()
    for d in dims:
        name = lookup(lang, "positional.fig.dim_sin" if d % 2 == 0 else "positional.fig.dim_cos", d=d)
        fig.add_scatter(x=list(range(len(pe))), y=pe[:, d], mode="lines", name=name)
    fig.update_layout(height=320, margin=MARGIN, xaxis={"title": {"text": lookup(lang, "positional.axis.position")}},
                      yaxis={"title": {"text": "PE"}})  # not words: no language
    return fig


def similarity_by_distance(sim: np.ndarray, anchors: list[int], lang: str = DEFAULT) -> go.Figure:
    """PE(pos)·PE(pos + k) against k from a few starting positions: the curves lie on top of each other.

    The widths and dashes differ so that curves that coincide stay visible.
    """
    fig = go.Figure()
    styles = ({"width": 7, "dash": "solid"}, {"width": 3.5, "dash": "dash"}, {"width": 1.5, "dash": "solid"})
    for anchor, line in zip(anchors, styles):
        fig.add_scatter(x=np.arange(0, len(sim) - anchor), y=sim[anchor, anchor:], mode="lines",
                        name=lookup(lang, "positional.sim.from", p=anchor),
                        line=line, opacity=0.75)
    fig.update_layout(height=380, margin=MARGIN, xaxis={"title": {"text": lookup(lang, "positional.sim.distance")}},
                      yaxis={"title": {"text": "PE(pos)·PE(pos + k)"}})
    return fig


def shift_circle(pe: np.ndarray, pair: int, start: int, k: int, lang: str = DEFAULT) -> go.Figure:
    """Dimensions (2i, 2i+1) of every position as a circle, with `start` and `start + k` marked."""
    def pos(p: int) -> str:
        return lookup(lang, "positional.fig.pos", p=p)

    fig = go.Figure()
    fig.add_scatter(x=pe[:, 2 * pair], y=pe[:, 2 * pair + 1], mode="lines+markers", marker={"size": 4},
                    name=lookup(lang, "positional.shift.positions"), hovertext=[pos(p) for p in range(len(pe))])
    fig.add_scatter(x=[pe[start, 2 * pair], pe[start + k, 2 * pair]], y=[pe[start, 2 * pair + 1], pe[start + k, 2 * pair + 1]],
                    mode="markers+text", text=[pos(start), pos(start + k)], textposition="top center",
                    marker={"size": 10, "color": "crimson"}, name=lookup(lang, "positional.shift.shift"))
    fig.update_layout(height=300, margin=MARGIN, showlegend=False,
                      xaxis={"title": {"text": lookup(lang, "positional.fig.dim_sin", d=2 * pair)}, "scaleanchor": "y"},
                      )
    return axis_titles.y_title(fig, lookup(lang, "positional.fig.dim_cos", d=2 * pair + 1))


def position_path(xy: np.ndarray, start: int, lang: str = DEFAULT) -> go.Figure:
    """Positions start, start+1, … of a learned table on two axes, joined in order and coloured by position."""
    positions = np.arange(start, start + len(xy))
    fig = go.Figure(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="lines+markers",
                               marker={"color": positions, "colorscale": "Viridis", "size": 6,
                                       "colorbar": {"title": {"text": lookup(lang, "positional.axis.position")}}},
                               hovertext=[lookup(lang, "positional.fig.pos", p=p) for p in positions], hoverinfo="text"))
    fig.update_layout(height=380, margin=MARGIN, xaxis={"title": {"text": lookup(lang, "fig.axis.pc1")}})
    return axis_titles.y_title(fig, lookup(lang, "fig.axis.pc2"))


def rotary_dot_chart(dots: np.ndarray, plain_dot: float, lang: str = DEFAULT) -> go.Figure:
    """q·k after rotary positions against the relative distance, with q·k unrotated as a dotted line.

    The dotted line is named in a legend above the plot, not by a label on it: the curve crosses any place
    on the line where a label could sit."""
    line = {"dash": "dot", "color": "#555", "width": 2}
    fig = go.Figure(go.Scatter(x=list(range(len(dots))), y=dots, mode="lines+markers", marker={"size": 4},
                               showlegend=False))
    fig.add_hline(y=plain_dot, line=line)
    fig.add_scatter(x=[None], y=[None], mode="lines", line=line, name=lookup(lang, "positional.distance.plain"))
    fig.update_layout(height=340, margin={**MARGIN, "t": 34}, showlegend=True,
                      legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom"},
                      xaxis={"title": {"text": lookup(lang, "positional.distance.x")}})
    return axis_titles.y_title(fig, lookup(lang, "positional.distance.y"))


def used_encoding(values: np.ndarray, rows: list[str], lang: str = DEFAULT) -> go.Figure:
    """A [pos, dim] encoding read from a forward pass, one labelled row per position; the colour range is clipped
    at the 99th percentile of |value| (one outlier dimension would otherwise leave the rest white)."""
    fig = go.Figure(go.Heatmap(z=values.astype(np.float32), y=rows, colorscale="RdBu_r", zmid=0,
                               hovertemplate=lookup(lang, "positional.used.hover") + "<extra></extra>"))
    fig.update_traces(**_robust_colour(values, lang))
    fig.update_layout(height=min(700, 80 + 18 * len(rows)), margin=MARGIN, yaxis={"autorange": "reversed", "type": "category"})
    return fig
