"""The bias a relative position scheme adds to each score, by distance: ALiBi's slopes and T5's learned buckets;
for other schemes, a sentence saying why there is no such curve to draw."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from torch import nn

from attnviz.core.positional import alibi_slopes, t5_bucket
from attnviz.core.types import ModelInfo

_NOT_DRAWN = {
    "rotary": "Rotary positions turn queries and keys instead of adding a bias: see the Rotary (RoPE) tab.",
    "learned": "Learned positions are a table added to the token embeddings: see the Learned tab.",
    "sinusoidal": "Sinusoidal positions are a fixed table added to the token embeddings: see the Sinusoidal tab.",
    "disentangled": "DeBERTa's relative positions are not one bias per distance: each layer projects shared relative "
                    "position embeddings with its own query and key weights and adds content-to-position and "
                    "position-to-content terms that depend on the tokens too, so there is no single curve to draw.",
    "none": "This model adds no positional information: without it, attention cannot tell word order.",
}


def _t5_bias_module(module: nn.Module) -> nn.Module | None:
    for _, sub in module.named_modules():
        if isinstance(getattr(sub, "relative_attention_bias", None), nn.Embedding):
            return sub
    return None


def _figure(x: np.ndarray, curves: np.ndarray, x_title: str, y_title: str, hover: list[str] | None = None) -> go.Figure:
    fig = go.Figure()
    for h, y in enumerate(curves):
        fig.add_scatter(x=x, y=y, mode="lines+markers", marker={"size": 4}, name=f"head {h}",
                        hovertext=hover, hovertemplate=f"head {h} · %{{x}}: %{{y:.3f}}<extra>%{{hovertext}}</extra>"
                        if hover else f"head {h} · %{{x}}: %{{y:.3f}}<extra></extra>")
    fig.update_layout(height=340, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis={"title": {"text": x_title}}, yaxis={"title": {"text": y_title}})
    return fig


def position_bias_figure(info: ModelInfo, module: nn.Module, distance: int = 64) -> tuple[go.Figure | None, str]:
    """(figure of the bias added to a score against distance, one curve per head, and a caption); figure None
    where the model's scheme adds no such bias, with the caption saying why."""
    if info.positional == "alibi":
        slopes = alibi_slopes(info.n_heads)
        d = np.arange(distance + 1)
        fig = _figure(d, -slopes[:, None] * d[None], "distance i − j (query i, key j ≤ i)", "bias added to the score")
        listed = ", ".join(f"{m:.4g}" for m in slopes[:8]) + (" …" if len(slopes) > 8 else "")
        return fig, (f"ALiBi adds −m·(i − j) to each score: a penalty growing with distance, steeper for heads with "
                     f"a larger slope m ({listed}). It has no table, so it extends to any length. Some models "
                     "(Falcon) scale the bias like q·k, by 1/√d_head.")
    if info.positional == "relative":
        sub = _t5_bias_module(module)
        if sub is None:
            return None, "This model's relative position bias could not be found in its modules."
        n_buckets = int(getattr(sub, "relative_attention_num_buckets", sub.relative_attention_bias.num_embeddings))
        max_distance = int(getattr(sub, "relative_attention_max_distance", 128))
        bidirectional = not getattr(sub, "is_decoder", False)
        rel = np.arange(-distance, distance + 1)
        buckets = t5_bucket(rel, bidirectional, n_buckets, max_distance)
        table = sub.relative_attention_bias.weight.detach().float().cpu().numpy()  # [bucket, head]
        fig = _figure(rel, table[buckets].T, "relative position j − i (key − query)", "learned bias added to the score",
                      hover=[f"bucket {b}" for b in buckets])
        return fig, (f"T5 sorts each distance into one of {n_buckets} buckets — one bucket per distance up to "
                     f"{n_buckets // (4 if bidirectional else 2)}, then logarithmically wider ones, all distances past "
                     f"{max_distance} sharing the last — and learns one bias per bucket and head (the encoder's first "
                     "layer, shared by every layer). Flat stretches are distances that share a bucket.")
    return None, _NOT_DRAWN.get(info.positional, f"No drawing for the {info.positional} scheme.")
