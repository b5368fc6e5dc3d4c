"""Figures of a comparison (plotly): B − A on the aligned grid, and the head-distance matrix with best matches."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attnviz.figures.plots import (
    FIGURE_PX,
    TICK_FONT,
    TITLE_FONT,
    head_heatmap,
    LINE_PX,
    label_step,
    ordinal,
    plain_format,
    plot_width,
    safe_label,
    text_width,
)
from attnviz.i18n import active, speaks, t

# A compare pane's figure width at 1280 px with the sidebar open (438 at 1400), measured in Chromium: its
# heatmaps lay their tick labels out for it (views.ViewOptions(width=PANE_PX)).
PANE_PX = 378
def shared_scale(*patterns: np.ndarray) -> float:
    """One colour maximum for several heatmaps: the largest weight in any of them."""
    return float(max(max(float(np.nanmax(p)) for p in patterns if p.size), 1e-9))


def on_scale(fig: go.Figure, zmax: float) -> go.Figure:
    """A heatmap figure set to the colour range [0, zmax], so two panes read on one scale."""
    fig.update_traces(zmin=0.0, zmax=zmax, selector={"type": "heatmap"})
    return fig


@speaks
def difference_heatmap(diff: np.ndarray, labels: list[str], title: str = "", width_px: float = FIGURE_PX) -> go.Figure:
    """B − A on the aligned units: red where B gives more weight, blue where A does, white at zero.

    The colour bar reads in plain decimals. Where A and B are identical there is nothing to draw: a page says
    so instead (changes.identical_note)."""
    limit = float(max(np.abs(diff).max(), 1e-6))
    # axes, ticks and size as every heatmap
    fig = head_heatmap(np.zeros_like(diff), labels, labels, title, width_px=width_px)
    fig.update_traces(z=diff.astype(np.float32), colorscale="RdBu", reversescale=True, zmid=0.0, zmin=-limit, zmax=limit,
                      colorbar={"title": {"text": "B − A"}, "tickformat": plain_format(limit)},
                      hovertemplate=f"{t('query')} %{{y}}<br>{t('key')} "
                                    "%{x}<br>B − A %{z:+.4f}<extra></extra>")
    return fig


MATRIX_ROW_PX = 14  # a row of the distance matrix (its height grows with A's heads up to MATRIX_MAX_PX)
MATRIX_MAX_PX = 1100
TITLE_BAND_PX = 36  # the title's line at the top
LEGEND_BAND_PX = 26  # the legend's line under it


@speaks
def distance_matrix(dist: np.ndarray, shape_a: tuple[int, int], shape_b: tuple[int, int],
                    best_a: list, title: str = "", width_px: float = FIGURE_PX) -> go.Figure:
    """Every head of A (rows) against every head of B (columns), Jensen–Shannon distance as colour.

    Each row's best match is ringed. A clickable point sits on every cell; its customdata is
    [layer_a, head_a, layer_b, head_b]. The title, then the legend, then B's labels (upright, thinned so that
    none overlap in a figure width_px wide) are stacked above the plot, each on its own band."""
    (la, ha), (lb, hb) = shape_a, shape_b
    rows = [f"A L{i // ha} h{i % ha}" for i in range(la * ha)]
    cols = [f"B L{j // hb} h{j % hb}" for j in range(lb * hb)]
    fig = go.Figure(go.Heatmap(z=dist.astype(np.float32), x=cols, y=rows, zmin=0.0, zmax=1.0, colorscale="Viridis",
                               reversescale=True, hoverinfo="skip",
                               colorbar={"title": {"text": t("JS distance")}, "tickformat": ".1f",
                                         "tickfont": TICK_FONT, "thickness": 12}))
    xs = [cols[j] for i in range(len(rows)) for j in range(len(cols))]
    ys = [rows[i] for i in range(len(rows)) for j in range(len(cols))]
    data = [[i // ha, i % ha, j // hb, j % hb, float(dist[i, j])] for i in range(len(rows)) for j in range(len(cols))]
    fig.add_scatter(x=xs, y=ys, mode="markers", marker={"size": 12, "symbol": "square", "opacity": 0.01},
                    customdata=data, showlegend=False,
                    hovertemplate=t("A layer {la} head {ha}<br>B layer {lb} head {hb}<br>distance {d}<br>click to open both", la="%{customdata[0]}", ha="%{customdata[1]}",
                                         lb="%{customdata[2]}", hb="%{customdata[3]}", d="%{customdata[4]:.3f}")
                    + "<extra></extra>")
    best = [(rows[i], cols[l * hb + h]) for i, (l, h, _d) in enumerate(best_a) if l >= 0]
    fig.add_scatter(x=[c for _r, c in best], y=[r for r, _c in best], mode="markers", name=t("best match of each A head"),
                    marker={"symbol": "circle-open", "size": 9, "color": "crimson", "line": {"width": 2}},
                    hoverinfo="skip")
    row_text = [f"L{i // ha} h{i % ha}" for i in range(la * ha)]  # the axis title says A or B
    col_text = [f"L{j // hb} h{j % hb}" for j in range(lb * hb)]
    labels_h = text_width(col_text) + 8  # B's labels, turned upright
    top = TITLE_BAND_PX + LEGEND_BAND_PX + 20 + labels_h  # title, legend, axis title, labels
    plot_h = max(380 - top, min(MATRIX_MAX_PX - top, MATRIX_ROW_PX * len(rows)))
    plot_w = plot_width(width_px, row_text, t("JS distance"))
    x_step, y_step = label_step(len(cols), plot_w, LINE_PX), label_step(len(rows), plot_h, LINE_PX)
    height = int(top + plot_h + 10)
    fig.update_layout(title={"text": safe_label(title), "font": TITLE_FONT, "x": 0, "xanchor": "left", "xref": "container",
                             "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8, "l": 10}},
                      height=height, margin={"l": 10, "r": 10, "t": int(top), "b": 10},
                      clickmode="event+select", dragmode=False, plot_bgcolor="white",
                      legend={"orientation": "h", "x": 0, "xanchor": "left", "xref": "container",
                              "y": 1 - TITLE_BAND_PX / height, "yanchor": "top", "yref": "container",
                              "font": {"size": 13, "color": "#1a1a1a"}},
                      # ranges fixed to the cells: the clickable markers would otherwise pad the axes by a few
                      # cells, and the labels thinned for the plot's width would sit closer than planned
                      xaxis={"side": "top", "tickangle": -90, "type": "category", "showgrid": False,
                             "range": [-0.5, len(cols) - 0.5],
                             "tickvals": cols[::x_step], "ticktext": col_text[::x_step], "tickfont": TICK_FONT,
                             "automargin": False, "title": {"text": _every(t("B heads"), x_step),
                                                            "font": {"size": 13, "color": "#333"}, "standoff": 4}},
                      yaxis={"range": [len(rows) - 0.5, -0.5], "type": "category", "showgrid": False,
                             "tickvals": rows[::y_step], "ticktext": row_text[::y_step], "tickfont": TICK_FONT,
                             "title": {"text": _every(t("A heads"), y_step), "font": {"size": 13, "color": "#333"}}})
    return fig


def _every(title: str, step: int) -> str:
    """An axis title that says when only every step-th label is shown."""
    nth = ordinal if active() == "en" else str  # "every 3rd" in English, a plain number elsewhere
    return t("{title} (labels: every {nth})", title=title, nth=nth(step)) if step > 1 else title
