"""A value per layer × head as a grid on a red–blue scale centred on 0, each cell clickable: a point whose customdata
is [layer, head] (head −1 on a grid of whole layers), as the model view's thumbnails are, so a page opens that head."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from attnviz.figures.plots import TICK_FONT, TITLE_FONT, safe_label
from attnviz.i18n import t

TEXT_CELLS = 400  # up to this many cells the value is written in each (a 12 × 12 model has 144)


def head_grid(values: np.ndarray, title: str, value_title: str, reach: float | None = None,
              digits: int = 2) -> go.Figure:
    """values [layer, head] (or [layer]: one column for the whole layer); NaN cells stay blank. The colour scale
    runs from −reach to +reach (default: the largest |value|), red below 0, blue above."""
    grid = np.asarray(values, dtype=np.float64)
    whole_layers = grid.ndim == 1
    grid = grid[:, None] if whole_layers else grid
    layers, heads = grid.shape
    finite = np.isfinite(grid)
    largest = float(np.abs(grid[finite]).max()) if finite.any() else 0.0
    reach = max(reach if reach is not None else largest, 1e-9)
    xs = [t("all heads")] if whole_layers else [f"h{h}" for h in range(heads)]
    ys = [f"L{layer}" for layer in range(layers)]
    z = np.where(finite, grid, np.nan).astype(np.float32)
    fig = go.Figure(go.Heatmap(
        z=z, x=xs, y=ys, zmin=-reach, zmax=reach, zmid=0.0, colorscale="RdBu", hoverinfo="skip", xgap=1, ygap=1,
        colorbar={"title": {"text": value_title}, "thickness": 12, "tickfont": TICK_FONT},
        **({"texttemplate": f"%{{z:.{digits}f}}", "textfont": {"size": 11}} if z.size <= TEXT_CELLS else {})))
    cells = [(layer, h) for layer in range(layers) for h in range(heads)]
    shown = [("—" if not finite[layer, h] else f"{grid[layer, h]:.{digits + 2}f}") for layer, h in cells]
    where = t("layer {layer}<br>click to open", layer="%{customdata[0]}") if whole_layers else \
        t("layer {layer} · head {head}<br>click to open", layer="%{customdata[0]}", head="%{customdata[1]}")
    fig.add_scatter(x=[xs[h] for _, h in cells], y=[ys[layer] for layer, _ in cells], mode="markers",
                    marker={"size": 28, "symbol": "square", "opacity": 0.01},
                    customdata=[[layer, -1 if whole_layers else h] for layer, h in cells], text=shown,
                    hovertemplate=f"{safe_label(value_title)} %{{text}}<br>{where}<extra></extra>",
                    showlegend=False)
    # the title on its own line at the top, the head labels under it (a title in the margin sat on h0, h1, …)
    fig.update_layout(title={"text": safe_label(title), "font": TITLE_FONT, "y": 1, "yref": "container",
                             "yanchor": "top", "pad": {"t": 10}}, height=max(280, 34 * layers + 134),
                      margin={"l": 10, "r": 10, "t": 84, "b": 10}, clickmode="event+select", dragmode=False,
                      xaxis={"side": "top", "tickfont": TICK_FONT, "showgrid": False},
                      yaxis={"autorange": "reversed", "tickfont": TICK_FONT, "showgrid": False},
                      plot_bgcolor="#f4f4f4")
    return fig


def head_grid_table(values: np.ndarray) -> pd.DataFrame:
    """The grid as a table: rows L0, L1, …, columns h0, h1, … (one column "all heads" for whole layers)."""
    grid = np.asarray(values, dtype=np.float64)
    grid = grid[:, None] if grid.ndim == 1 else grid
    columns = [t("all heads")] if np.asarray(values).ndim == 1 else [f"h{h}" for h in range(grid.shape[1])]
    return pd.DataFrame(grid, index=[f"L{layer}" for layer in range(grid.shape[0])], columns=columns)
