"""The training lab's figures: loss and accuracy curves, and one head of a probe snapshot.

Labels are parameters (English by default): the page passes them in its language.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attnviz.figures.plots import head_heatmap
from attnviz.figures.titles import text_px

CURVE_LABELS = {"loss": "Loss", "accuracy": "Token accuracy", "step": "step", "loss_trace": "loss",
                "batch": "training batch", "held_out": "held-out"}


# A curve drawn every second during a long job: thousands of points cost the server a second of work per
# redraw and the browser more, for a line no wider than the chart. Past this many, draw evenly spaced ones.
MAX_CURVE_POINTS = 600


def thin(xs: list, ys: list, most: int = MAX_CURVE_POINTS) -> tuple[list, list]:
    """At most about `most` evenly spaced points of a curve, always with its first and last."""
    n = len(xs)
    if n <= most:
        return xs, ys
    keep = sorted(set(range(0, n, -(-n // most))) | {n - 1})
    return [xs[i] for i in keep], [ys[i] for i in keep]


def loss_chart(steps: list[int], loss: list[float], labels: dict[str, str] | None = None) -> go.Figure:
    """Training loss per step on a log axis (long runs thinned to MAX_CURVE_POINTS points)."""
    words = {**CURVE_LABELS, **(labels or {})}
    steps, loss = thin(steps, loss)
    fig = go.Figure(go.Scatter(x=steps, y=loss, mode="lines", name=words["loss_trace"]))
    fig.update_layout(title={"text": words["loss"]}, height=260, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      yaxis={"type": "log"}, xaxis={"title": {"text": words["step"]}})
    return fig


def accuracy_chart(steps: list[int], accuracy: list[float], eval_steps: list[int],
                   eval_accuracy: list[float], labels: dict[str, str] | None = None) -> go.Figure:
    """Token accuracy of each training batch, and on held-out examples where it was measured."""
    words = {**CURVE_LABELS, **(labels or {})}
    steps, accuracy = thin(steps, accuracy)
    eval_steps, eval_accuracy = thin(eval_steps, eval_accuracy)
    fig = go.Figure(go.Scatter(x=steps, y=accuracy, mode="lines", name=words["batch"]))
    fig.add_scatter(x=eval_steps, y=eval_accuracy, mode="lines+markers", name=words["held_out"])
    fig.update_layout(title={"text": words["accuracy"]}, height=260, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      yaxis={"range": [0, 1.02]}, xaxis={"title": {"text": words["step"]}},
                      legend={"orientation": "h", "y": -0.3})
    return fig


def snapshot_head(pattern: np.ndarray, query_tokens: list[str], key_tokens: list[str], head: int,
                  title: str | None = None, axis_titles: tuple[str, str] | None = None,
                  value_title: str | None = None) -> go.Figure:
    """One head of a snapshot, small enough for four in a row (no colour bar)."""
    extra = {k: v for k, v in (("axis_titles", axis_titles), ("value_title", value_title)) if v is not None}
    fig = head_heatmap(pattern, query_tokens, key_tokens, title=f"head {head}" if title is None else title, **extra)
    # the top margin stays head_heatmap's: it stacks the title, the key axis title and the tick labels. The
    # sides stay narrow (four heads a row), but not 0: the rotated query title needs its whole line on the
    # left, and where the plot is shorter than that title, room below the plot for the part that overhangs it
    plot_h = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    bottom = max(SIDE_PX, _overhang(fig.layout.yaxis.title.text or "", plot_h))
    fig.update_layout(margin={"l": SIDE_PX, "r": SIDE_PX, "b": bottom}, height=fig.layout.margin.t + plot_h + bottom)
    fig.update_traces(showscale=False)
    return fig


SIDE_PX = 6  # a snapshot head's side and bottom margins
TITLE_FONT_PX = 20  # the y title's largest size (presentation mode): the room below is sized for it


def _overhang(title: str, plot_h: float) -> int:
    """How far a rotated y title, centred on a plot plot_h high, reaches below it at the largest size it is drawn at."""
    return int(max(0.0, (text_px(title, TITLE_FONT_PX) - plot_h) / 2)) + 4 if title else 0
