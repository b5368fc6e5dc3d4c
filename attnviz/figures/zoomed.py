"""A head of a long input as a figure: the cells of `analysis.zoom` (an overview or a zoomed region) on axes in
token positions, so that a box drawn on it names positions; the minimap with the region's rectangle; the sinks
marked on both axes.

Cells are drawn as bricks between their edges (plotly's heatmap takes n + 1 x values as n cells' edges): cell
(i, j) covers query positions row_edges[i]..row_edges[i + 1] and key positions col_edges[j]..col_edges[j + 1].
A region of single tokens is labelled by its tokens ("12 · cat"), a pooled one by its cells' ranges ("0–15").
The payload is the float32 cells alone (512 × 512: 1 MB, 1.4 MB as plotly's base64 JSON): no per-cell labels.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attnviz.analysis.zoom import Zoomed
from attnviz.figures.axis_titles import y_title
from attnviz.figures.plots import (FIGURE_PX, LINE_PX, TICK_FONT, TITLE_FONT, _short, label_step, plain_format,
                                   safe_label, text_width)
from attnviz.i18n import speaks, t

PLOT_PX = 560  # the square plot's side at a desk (the explorer's heatmap height)
MINIMAP_PX = 200
SINK_COLOUR = "#d62728"
REGION_COLOUR = "#d62728"


# A few cells far above the rest (a causal head's first rows: row 0 puts its whole weight on token 0) would take the
# whole colour scale and leave every other cell white: past OUTLIER × the CAP_QUANTILE of the cells with weight, the
# scale stops at that quantile and those few cells are drawn darkest, said on the colour bar ("≥ 0.031").
CAP_QUANTILE = 0.99
OUTLIER = 2.0
CAP_CELLS = 100  # cells with weight needed before a quantile means anything


def colour_cap(values: np.ndarray) -> float | None:
    """Where the colour scale of these cells stops when a few cells lie far above the rest (None: at their max)."""
    weighted = values[values > 0]
    if weighted.size < CAP_CELLS:
        return None
    cap = float(np.quantile(weighted, CAP_QUANTILE))
    return cap if cap > 0 and float(weighted.max()) > OUTLIER * cap else None


def colour_top(values: np.ndarray) -> tuple[float, float | None]:
    """(the top of the colour scale, the cap where colour_cap stops it, else None): the cells' max otherwise."""
    cap = colour_cap(values)
    top = cap if cap is not None else float(values.max()) if values.size else 0.0
    return max(top, 1e-9), cap


def _capped_bar(zmax: float) -> dict:
    """A colour bar whose top tick says that darker cells hold this much or more."""
    ticks = [0.0, zmax / 2, zmax]
    return {"tickvals": ticks, "ticktext": ["0", f"{zmax / 2:.3g}", f"≥ {zmax:.3g}"]}


def cell_label(lo: int, hi: int) -> str:
    """A pooled cell's positions: "16–31" (a cell of one position: "16")."""
    return str(lo) if hi - lo <= 1 else f"{lo}–{hi - 1}"


def _ticks(edges: np.ndarray, tokens: list[str], room_px: float, line_px: float) -> tuple[list[float], list[str], int]:
    """(tick positions at cell centres, their labels, every how many cells a label is shown)."""
    n = len(edges) - 1
    step = label_step(n, room_px, line_px)
    single = bool(np.all(np.diff(edges) == 1))
    idx = range(0, n, step)
    vals = [float(edges[i] + edges[i + 1]) / 2 for i in idx]
    if single:
        labels = [f"{int(edges[i])} · {safe_label(_short(tokens[int(edges[i])]))}" for i in idx]
    else:
        labels = [cell_label(int(edges[i]), int(edges[i + 1])) for i in idx]
    return vals, labels, step


@speaks
def zoomed_heatmap(z: Zoomed, query_tokens: list[str], key_tokens: list[str], title: str = "",
                   sinks: list[int] | tuple[int, ...] = (), width_px: float | None = None) -> go.Figure:
    """The cells of one head over a region (or the whole head), on position axes, box-select ready.

    `sinks`: key positions marked on both axes (a triangle on the key axis above the plot and on the query axis
    to its left) where they fall in the region.
    """
    values = np.ascontiguousarray(z.values, dtype=np.float32)
    wq, wk = z.cell
    pooled = wq > 1 or wk > 1
    how = t("max") if z.how == "max" else t("mean")
    if pooled:
        title = t("{title} · {how} of {q} × {k} positions a cell", title=title, how=how, q=wq, k=wk)
    zmax, cap = colour_top(values)
    q_word, k_word = t("query"), t("key")
    value = t("weight") if not pooled else t("{how} weight", how=how)
    hover = (f"{q_word} %{{y:.0f}}<br>{k_word} %{{x:.0f}}<br>{value} %{{z:.4f}}<extra></extra>" if not pooled else
             f"{q_word} ≈ %{{y:.0f}}<br>{k_word} ≈ %{{x:.0f}}<br>{value} %{{z:.4f}}<extra></extra>")
    fig = go.Figure(go.Heatmap(z=values, x=z.col_edges.astype(np.float64), y=z.row_edges.astype(np.float64),
                               colorscale="Blues", zmin=0.0, zmax=zmax, hovertemplate=hover,
                               colorbar={"title": {"text": value}, "tickformat": plain_format(zmax), "thickness": 12,
                                         "tickfont": TICK_FONT, "len": 1, "y": 1, "yanchor": "top",
                                         **({} if cap is None else _capped_bar(zmax))}))
    n_rows, n_cols = values.shape
    plot_h = PLOT_PX if n_rows > 8 else max(120, 30 * n_rows)
    yv, yt, ystep = _ticks(z.row_edges, query_tokens, plot_h, LINE_PX)
    room = (width_px or FIGURE_PX) - 20 - text_width(yt) - 120
    xv, xt, xstep = _ticks(z.col_edges, key_tokens, room, LINE_PX)
    upright = not pooled or text_width(xt) > room / max(1, len(xt))
    label_h = text_width(xt) + 8 if upright else 18
    _mark_sinks(fig, z, key_tokens, sinks)
    head_room = 36 + 22 + label_h
    fig.update_layout(
        title={"text": safe_label(title), "font": TITLE_FONT, "x": 0, "xanchor": "left", "xref": "paper", "y": 1,
               "yref": "container", "yanchor": "top", "pad": {"t": 8}},
        height=int(plot_h + head_room + 16), margin={"l": 10, "r": 10, "t": int(head_room), "b": 16},
        dragmode="select", showlegend=False,
        xaxis={"title": {"text": _axis(t("key (attended to)"), xstep), "font": {"size": 13, "color": "#333"},
                         "standoff": 4},
               "side": "top", "tickvals": xv, "ticktext": xt, "tickfont": TICK_FONT, "tickangle": -90 if upright else 0,
               "range": [float(z.col_edges[0]), float(z.col_edges[-1])], "showgrid": False, "zeroline": False,
               "automargin": False},
        yaxis={"tickvals": yv, "ticktext": yt, "tickfont": TICK_FONT, "showgrid": False, "zeroline": False,
               "range": [float(z.row_edges[-1]), float(z.row_edges[0])], "automargin": True},
    )
    return y_title(fig, _axis(t("query (attending)"), ystep), {"size": 13, "color": "#333"})


def _axis(title: str, step: int) -> str:
    return t("{title} (labels: every {n})", title=title, n=step) if step > 1 else title


def _mark_sinks(fig: go.Figure, z: Zoomed, tokens: list[str], sinks) -> None:
    """Triangles on the axes' edges at the sink positions inside the region (hover names the token)."""
    (q0, q1), (k0, k1) = z.rows, z.cols
    keys = [int(p) for p in sinks if k0 <= int(p) < k1]
    rows = [int(p) for p in sinks if q0 <= int(p) < q1]
    word = t("sink")
    if keys:
        fig.add_scatter(x=[p + 0.5 for p in keys], y=[q0] * len(keys), mode="markers", cliponaxis=False,
                        marker={"symbol": "triangle-down", "size": 12, "color": SINK_COLOUR},
                        hovertext=[f"{word} {p} · {safe_label(tokens[p])}" for p in keys], hoverinfo="text",
                        name=word)
    if rows:
        fig.add_scatter(x=[k0] * len(rows), y=[p + 0.5 for p in rows], mode="markers", cliponaxis=False,
                        marker={"symbol": "triangle-right", "size": 12, "color": SINK_COLOUR},
                        hovertext=[f"{word} {p} · {safe_label(tokens[p])}" for p in rows], hoverinfo="text",
                        name=word)


@speaks
def minimap(z: Zoomed, rows: tuple[int, int], cols: tuple[int, int], sinks: list[int] | tuple[int, ...] = ()) -> go.Figure:
    """The whole head, small, with the region shown beside it drawn as a rectangle."""
    values = np.ascontiguousarray(z.values, dtype=np.float32)
    fig = go.Figure(go.Heatmap(z=values, x=z.col_edges.astype(np.float64), y=z.row_edges.astype(np.float64),
                               colorscale="Blues", showscale=False, hoverinfo="skip", zmin=0.0,
                               zmax=colour_top(values)[0]))
    fig.add_shape(type="rect", x0=cols[0], x1=cols[1], y0=rows[0], y1=rows[1], xref="x", yref="y",
                  line={"color": REGION_COLOUR, "width": 2})
    n_q, n_k = int(z.row_edges[-1]), int(z.col_edges[-1])
    for p in sinks:
        fig.add_shape(type="line", x0=p + 0.5, x1=p + 0.5, y0=0, y1=n_q, xref="x", yref="y",
                      line={"color": SINK_COLOUR, "width": 1, "dash": "dot"})
    fig.update_layout(title={"text": safe_label(t("where the region lies")), "font": {"size": 13}, "x": 0,
                             "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 4}},
                      height=MINIMAP_PX + 50, margin={"l": 30, "r": 10, "t": 40, "b": 10},  # as wide as its column
                      dragmode=False, showlegend=False,
                      xaxis={"range": [0, n_k], "showgrid": False, "zeroline": False, "side": "top",
                             "tickfont": {"size": 10}, "nticks": 3},
                      yaxis={"range": [n_q, 0], "showgrid": False, "zeroline": False, "tickfont": {"size": 10},
                             "nticks": 3})
    return fig
