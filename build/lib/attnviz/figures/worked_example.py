"""The worked example's figures and tables: every intermediate as numbers and as a small heatmap."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from attnviz.figures.plots import safe_label
from attnviz.i18n import speaks, t
from attnviz.lessons.cells import step_number


def number_table(a: np.ndarray, rows: list[str], cols: list[str]) -> pd.DataFrame:
    """A matrix as the page prints it: every number with the same decimals, ±∞ (masked scores) as symbols."""
    return pd.DataFrame([[step_number(v) if np.isfinite(v) else ("−∞" if v < 0 else "∞") for v in r] for r in a],
                        index=rows, columns=cols)




@speaks
def step_heatmap(a: np.ndarray, rows: list[str], cols: list[str]) -> go.Figure:
    """A small heatmap beside a step's numbers: red–blue around 0 when there are negatives, else blues.

    −∞ (masked) cells are left blank; labels are "i·token" so repeated tokens keep their own row.
    """
    z = np.where(np.isfinite(a), a, np.nan)
    signed = bool(np.nanmin(z) < 0)
    # Labels typed by the visitor: escaped, since plotly reads markup (<b>, <a href>) in its text.
    fig = go.Figure(go.Heatmap(z=z, x=[f"{i}·{safe_label(c)}" for i, c in enumerate(cols)],
                               y=[f"{i}·{safe_label(r)}" for i, r in enumerate(rows)],
                               colorscale="RdBu_r" if signed else "Blues", zmid=0 if signed else None, showscale=False,
                               hovertemplate=t("%{y} · %{x}: %{z:.4f}") + "<extra></extra>"))
    fig.update_layout(height=60 + 28 * len(rows), margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      yaxis={"autorange": "reversed", "type": "category", "showticklabels": False},
                      xaxis={"type": "category", "showticklabels": False})
    return fig




@speaks
def mask_grid(m: np.ndarray, rows: list[str], cols: list[str]) -> go.Figure:
    """The mask as what it is: open cells (0) white, blocked cells (−∞) dark, each cell outlined and labelled.

    A mask of "none" is all open cells, not a solid block of colour.
    """
    blocked = (~np.isfinite(m)).astype(float)
    fig = go.Figure(go.Heatmap(z=blocked, x=[f"{i}·{safe_label(c)}" for i, c in enumerate(cols)],
                               y=[f"{i}·{safe_label(r)}" for i, r in enumerate(rows)], zmin=0, zmax=1, showscale=False,
                               colorscale=[[0, "#ffffff"], [1, "#3b3b3b"]], xgap=2, ygap=2,
                               text=np.where(blocked > 0, "−∞", "0"), texttemplate="%{text}",
                               hovertemplate=t("query %{y} · key %{x}: %{text}") + "<extra></extra>"))
    fig.update_layout(height=60 + 28 * len(rows), margin={"l": 0, "r": 0, "t": 0, "b": 0}, plot_bgcolor="#c8c8c8",
                      yaxis={"autorange": "reversed", "type": "category", "showticklabels": False},
                      xaxis={"type": "category", "showticklabels": False})
    return fig




@speaks
def peakedness_chart(d_values: list[int], peak: dict[str, np.ndarray], metric: str, title: str) -> go.Figure:
    """How peaked a softmax row gets as d_k grows, scaled by √d_k and not (metric: "max" or "entropy")."""
    fig = go.Figure()
    fig.add_scatter(x=d_values, y=peak[f"{metric}_scaled"], name=t("scaled by √d_k"), mode="lines+markers")
    fig.add_scatter(x=d_values, y=peak[f"{metric}_unscaled"], name=t("unscaled"), mode="lines+markers")
    if metric == "entropy":
        fig.add_scatter(x=d_values, y=peak["uniform_entropy"], name=t("uniform (ln 16)"), mode="lines",
                        line={"dash": "dot"})
    fig.update_layout(title={"text": title}, xaxis={"type": "log", "title": {"text": "d_k"}, "tickvals": list(d_values)}, height=320,
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.3})
    return fig
