"""Figures of a survey: heads ranked by a statistic (mean and spread), and the joint query–key scatter."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from attnviz.figures.axis_titles import y_title

ROLE_COLOURS = {"query": "#1f77b4", "key": "#d62728"}
# the joint view's words, English by default: a page passes them in its language
JOINT_LABELS = {"query": "query", "key": "key", "position": "position", "text": "text", "axis_1": "axis 1",
                "axis_2": "axis 2", "none": "(none)"}


def ranking_figure(table: pd.DataFrame, label: str, top: int = 20, title: str | None = None) -> go.Figure:
    """Bars of the top heads' means over the corpus, with their standard deviation as error bars. Clicking a bar
    selects a point whose customdata is [layer, head] (a page fills its head boxes with it)."""
    rows = table.dropna(subset=["mean"]).head(top)
    names = [f"L{int(l)} H{int(h)}" for l, h in zip(rows["layer"], rows["head"])]
    fig = go.Figure(go.Bar(x=names, y=rows["mean"], error_y={"type": "data", "array": rows["std"].fillna(0)},
                           customdata=list(zip(rows["layer"].astype(int), rows["head"].astype(int))),
                           hovertemplate="%{x}: %{y:.4f} ± %{error_y.array:.4f}<extra></extra>"))
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10}, clickmode="event+select",
                      title={"text": title or f"{label}: mean over the corpus (± one standard deviation)"})
    return y_title(fig, label)


def joint_figure(points: pd.DataFrame, colour: str = "role", labels: dict[str, str] | None = None) -> go.Figure:
    """Queries (circles) and keys (crosses) of one head in one 2-D layout; colour by role, position or template.

    Hover text is escaped: tokens come from the user's corpus."""
    words = {**JOINT_LABELS, **(labels or {})}
    fig = go.Figure()
    hover = [html.escape(c) for c in points["context"]]
    roles = points["role"].map({"query": words["query"], "key": words["key"]})  # as the hover and legend say it
    where = (f"%{{customdata[0]}} · {words['position']} %{{customdata[1]}} · {words['text']} %{{customdata[2]}}"
             "<br>%{text}<extra></extra>")
    symbols = points["role"].map({"query": "circle", "key": "x"})
    if colour == "pos":
        fig.add_trace(go.Scattergl(x=points["x"], y=points["y"], mode="markers", text=hover,
                                   marker={"color": points["pos"], "colorscale": "Viridis", "size": 5,
                                           "symbol": symbols, "colorbar": {"title": {"text": words["position"]}}},
                                   customdata=list(zip(roles, points["pos"], points["text_id"])),
                                   hovertemplate=where))
    else:
        groups = points["role"] if colour == "role" else points["template"].fillna(words["none"])
        for name in dict.fromkeys(groups):
            part = points[groups == name]
            fig.add_trace(go.Scattergl(
                x=part["x"], y=part["y"], mode="markers",
                name=html.escape(words[name] if colour == "role" else str(name)),
                text=[hover[i] for i in part.index],
                marker={"size": 5, "symbol": symbols[part.index], "opacity": 0.7,
                        **({"color": ROLE_COLOURS[name]} if colour == "role" else {})},
                customdata=list(zip(roles[part.index], part["pos"], part["text_id"])),
                hovertemplate=where))
    fig.update_layout(height=520, margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend={"itemsizing": "constant"},
                      xaxis={"title": {"text": words["axis_1"]}})
    return y_title(fig, words["axis_2"])
