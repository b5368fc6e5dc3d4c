"""Figures of a comparison (plotly): B − A on the aligned grid, and the head-distance matrix with best matches."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attnviz.figures.plots import head_heatmap, safe_label
from attnviz.i18n import speaks, t


def shared_scale(*patterns: np.ndarray) -> float:
    """One colour maximum for several heatmaps: the largest weight in any of them."""
    return float(max(max(float(np.nanmax(p)) for p in patterns if p.size), 1e-9))


def on_scale(fig: go.Figure, zmax: float) -> go.Figure:
    """A heatmap figure set to the colour range [0, zmax], so two panes read on one scale."""
    fig.update_traces(zmin=0.0, zmax=zmax, selector={"type": "heatmap"})
    return fig




@speaks
def difference_heatmap(diff: np.ndarray, labels: list[str], title: str = "") -> go.Figure:
    """B − A on the aligned units: red where B gives more weight, blue where A does, white at zero."""
    limit = float(max(np.abs(diff).max(), 1e-9))
    fig = head_heatmap(np.zeros_like(diff), labels, labels, title)  # axes, ticks and size as every heatmap
    fig.update_traces(z=diff.astype(np.float32), colorscale="RdBu", reversescale=True, zmid=0.0, zmin=-limit, zmax=limit,
                      colorbar={"title": {"text": "B − A"}},
                      hovertemplate=f"{t('query')} %{{y}}<br>{t('key')} "
                                    "%{x}<br>B − A %{z:+.4f}<extra></extra>")
    return fig




@speaks
def distance_matrix(dist: np.ndarray, shape_a: tuple[int, int], shape_b: tuple[int, int],
                    best_a: list, title: str = "") -> go.Figure:
    """Every head of A (rows) against every head of B (columns), Jensen–Shannon distance as colour.

    Each row's best match is ringed. A clickable point sits on every cell; its customdata is
    [layer_a, head_a, layer_b, head_b]."""
    (la, ha), (lb, hb) = shape_a, shape_b
    rows = [f"A L{i // ha} h{i % ha}" for i in range(la * ha)]
    cols = [f"B L{j // hb} h{j % hb}" for j in range(lb * hb)]
    fig = go.Figure(go.Heatmap(z=dist.astype(np.float32), x=cols, y=rows, zmin=0.0, zmax=1.0, colorscale="Viridis",
                               reversescale=True, colorbar={"title": {"text": t("JS distance")}}, hoverinfo="skip"))
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
    fig.update_layout(title={"text": safe_label(title)}, height=max(380, min(1100, 14 * len(rows) + 160)),
                      margin={"l": 10, "r": 10, "t": 60, "b": 10}, clickmode="event+select", dragmode=False,
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
                      xaxis={"side": "top", "tickangle": -60, "type": "category", "showgrid": False},
                      yaxis={"autorange": "reversed", "type": "category", "showgrid": False})
    return fig
