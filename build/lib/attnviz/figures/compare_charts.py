"""Head statistics of two captures in one Altair chart, whose brush selects rows of a table (statistical
charts are Altair; heatmaps stay plotly)."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from attnviz.figures.axis_titles import altair_y_axis
from attnviz.figures import words
from attnviz.i18n import speaks, t

BRUSH = "brush"  # the selection's name, as the app reads it back


NUDGE = 0.012  # how far A's and B's points at one depth are drawn apart (the axis runs 0 to 1)


def statistics_frame(stats_a: dict[str, np.ndarray], stats_b: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per head of A and of B: side, layer, head, relative depth and every statistic both sides have."""
    names = [n for n in stats_a if n in stats_b]
    frames = []
    for side, stats in (("A", stats_a), ("B", stats_b)):
        layers, heads = stats[names[0]].shape
        layer = np.repeat(np.arange(layers), heads)
        frames.append(pd.DataFrame({
            "head id": [f"{side} L{l} h{h}" for l, h in zip(layer, np.tile(np.arange(heads), layers))],
            "side": side, "layer": layer, "head": np.tile(np.arange(heads), layers),
            "relative depth": layer / max(layers - 1, 1),
            **{n: stats[n].reshape(-1).astype(float) for n in names}}))
    return pd.concat(frames, ignore_index=True)


def drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the depth each point is drawn at: A a little left of its depth, B a little right (the same
    model on both sides would otherwise hide every A point under its B point)."""
    return frame.assign(**{"drawn depth": frame["relative depth"] + np.where(frame["side"] == "B", NUDGE, -NUDGE)})




@speaks
def statistics_chart(frame: pd.DataFrame, stat: str, picked: list[str] | None = None) -> alt.Chart:
    """The statistic of every head against its relative depth, A and B in two colours.

    Drag a box to select heads (the table shows them); heads picked in the table are drawn large.
    Fields keep their English names (the brush reports them); titles and tooltips are in the active language."""
    name, col = words.statistic(stat), words.column
    brush = alt.selection_interval(name=BRUSH, encodings=["x", "y"])
    data = drawn(frame).assign(picked=frame["head id"].isin(picked or []))
    depths = sorted({round(float(d), 3) for d in frame["relative depth"]})
    ticks = {"values": depths} if len(depths) <= 13 else {}  # a tick at each layer's depth where they fit
    return (alt.Chart(data).mark_point(filled=True).encode(
        x=alt.X("drawn depth:Q", title=t("relative depth (0: first layer, 1: last)"), scale=alt.Scale(domain=[-0.05, 1.05]),
                axis=alt.Axis(format=".2~f", **ticks)),
        y=alt.Y(f"{stat}:Q", axis=alt.Axis(**altair_y_axis(name))),
        color=alt.Color("side:N", scale=alt.Scale(domain=["A", "B"], range=["#1f77b4", "#d62728"]), title=t("pane"),
                        legend=alt.Legend(orient="top")),
        shape=alt.Shape("side:N", scale=alt.Scale(domain=["A", "B"], range=["circle", "diamond"]), legend=None),
        size=alt.condition("datum.picked", alt.value(260), alt.value(60)),
        opacity=alt.condition(brush, alt.value(0.9), alt.value(0.2)),
        tooltip=[alt.Tooltip("head id:N", title=col("head_id")), alt.Tooltip("layer:Q", title=col("layer")),
                 alt.Tooltip("relative depth:Q", format=".2f", title=t("relative depth (0: first layer, 1: last)")),
                 alt.Tooltip("head:Q", title=col("head")), alt.Tooltip(f"{stat}:Q", format=".3f", title=name)],
    ).add_params(brush).properties(height=340, title=t("{stat} per head, A and B by relative depth", stat=name)))


def brushed(frame: pd.DataFrame, stat: str, selection: dict | None) -> pd.DataFrame:
    """The rows inside the chart's brush (all rows when nothing is brushed)."""
    box = (selection or {}).get(BRUSH) or {}
    if not box:
        return frame
    frame = drawn(frame)  # the brush reports the x range in drawn depths
    keep = np.ones(len(frame), dtype=bool)
    for column, bounds in box.items():
        if column in frame and isinstance(bounds, (list, tuple)) and len(bounds) == 2 and \
                all(isinstance(b, (int, float)) for b in bounds):
            lo, hi = sorted(bounds)
            keep &= frame[column].between(lo, hi).to_numpy()
    return frame[keep].drop(columns="drawn depth")
