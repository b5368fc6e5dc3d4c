"""Figures of the needle-in-a-haystack test: the depth × length grid (right or wrong, and the answer's recall), the
heads' retrieval scores (Wu et al. 2024) as a layer × head map, and one case's generation step by step."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from attnviz.analysis.needle import NeedleGrid, NeedleRun
from attnviz.figures.axis_titles import y_title
from attnviz.figures.plots import TICK_FONT, TITLE_FONT, layer_head_chart, safe_label
from attnviz.figures import words
from attnviz.i18n import speaks, t


@speaks
def depth_length_grid(grid: NeedleGrid) -> go.Figure:
    """Depths down, lengths across: each cell coloured by the answer's recall, marked ✓ (right) or ✗ (wrong)."""
    recall = np.asarray(grid.recall, dtype=np.float32)
    marks = [[("✓ " if right else "✗ ") + f"{r:.2f}" for right, r in zip(rights, row)]
             for rights, row in zip(grid.right, recall)]
    depth_names = [f"{d:.0%}" for d in grid.depths]
    length_names = [f"{n:,}" for n in grid.lengths]
    fig = go.Figure(go.Heatmap(z=recall, x=length_names, y=depth_names, zmin=0, zmax=1, colorscale="RdYlGn",
                               text=marks, texttemplate="%{text}", textfont={"size": 14},
                               colorbar={"title": {"text": t("recall")}, "thickness": 12, "tickfont": TICK_FONT},
                               hovertemplate=t("depth") + " %{y} · " + t("length") + " %{x}<br>%{text}<extra></extra>"))
    fig.update_layout(title={"text": safe_label(t("Was the needle found? ✓ right (recall > 0.5), ✗ wrong")),
                             "font": TITLE_FONT, "x": 0, "xanchor": "left"},
                      height=max(260, 46 * len(grid.depths) + 140), margin={"l": 10, "r": 10, "t": 60, "b": 10},
                      xaxis={"title": {"text": t("prompt length (tokens)")}, "type": "category", "tickfont": TICK_FONT},
                      yaxis={"type": "category", "tickfont": TICK_FONT, "autorange": "reversed"})
    return y_title(fig, t("needle depth"), {"size": 13, "color": "#333"})


@speaks
def retrieval_map(scores: np.ndarray, answered: int) -> go.Figure:
    """The mean retrieval score of every head over the cases answered right (clicking a head picks it)."""
    title = t("Retrieval score per head (Wu et al. 2024), mean over the {n} cases answered right", n=answered)
    fig = layer_head_chart(np.asarray(scores, dtype=np.float32), title, colorscale="Viridis")
    fig.update_traces(zmin=0, zmax=max(1e-9, float(np.max(scores)) if np.size(scores) else 1.0))
    return fig


def steps_table(run: NeedleRun, tokens: list[str], layer: int, head: int) -> pd.DataFrame:
    """One row a generated token: what was written, where the head's strongest key lay and what token is there,
    whether that key is inside the needle, and whether the head copied (the key holds the token written)."""
    top = run.retrieval.top[layer, head]
    n0, n1 = run.case.needle
    seq = list(run.case.ids) + list(run.generated)
    rows = []
    for step, written in enumerate(run.generated):
        key = int(top[step]) if step < len(top) else -1
        inside = n0 <= key < n1
        rows.append({t("step"): step + 1, t("written"): tokens[len(run.case.ids) + step],
                     t("top key"): key, words.column("token"): tokens[key] if 0 <= key < len(tokens) else "",
                     t("in the needle"): "✓" if inside else "",
                     t("copied"): "✓" if inside and seq[key] == written else ""})
    return pd.DataFrame(rows)
