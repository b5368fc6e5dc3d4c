"""The training lab's figures: loss and accuracy curves, and one head of a probe snapshot."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attnviz.figures.plots import head_heatmap


def loss_chart(steps: list[int], loss: list[float]) -> go.Figure:
    """Training loss per step on a log axis."""
    fig = go.Figure(go.Scatter(x=steps, y=loss, mode="lines", name="loss"))
    fig.update_layout(title={"text": "Loss"}, height=260, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      yaxis={"type": "log"}, xaxis={"title": {"text": "step"}})
    return fig


def accuracy_chart(steps: list[int], accuracy: list[float], eval_steps: list[int],
                   eval_accuracy: list[float]) -> go.Figure:
    """Token accuracy of each training batch, and on held-out examples where it was measured."""
    fig = go.Figure(go.Scatter(x=steps, y=accuracy, mode="lines", name="training batch"))
    fig.add_scatter(x=eval_steps, y=eval_accuracy, mode="lines+markers", name="held-out")
    fig.update_layout(title={"text": "Token accuracy"}, height=260, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      yaxis={"range": [0, 1.02]}, xaxis={"title": {"text": "step"}}, legend={"orientation": "h", "y": -0.3})
    return fig


def snapshot_head(pattern: np.ndarray, query_tokens: list[str], key_tokens: list[str], head: int) -> go.Figure:
    """One head of a snapshot, small enough for four in a row (no colour bar)."""
    fig = head_heatmap(pattern, query_tokens, key_tokens, title=f"head {head}")
    fig.update_layout(height=330, margin={"l": 0, "r": 0, "t": 60, "b": 0})
    fig.update_traces(showscale=False)
    return fig
