"""Where a head looks is not what it does, in one chart: per layer, the share of the attention weight and the share
of the norm (what the heads move) that go to the special tokens (analysis.measures.sinks)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from attnviz.figures.plots import TICK_FONT, TITLE_FONT, safe_label
from attnviz.i18n import speaks, t

WEIGHT_COLOUR, NORM_COLOUR = "#1f77b4", "#ff7f0e"


@speaks
def sink_share_chart(weight_share: np.ndarray, norm_share: np.ndarray, sink_words: str) -> go.Figure:
    """weight_share, norm_share [layer, head] (or [layer]): per layer (the mean over its heads), two bars side by
    side. sink_words names the tokens: "[CLS] and [SEP]", "the first token"."""
    w, n = (np.asarray(a, dtype=np.float64) for a in (weight_share, norm_share))
    w, n = (a if a.ndim == 1 else np.nanmean(a, axis=1) for a in (w, n))
    layers = [f"L{layer}" for layer in range(len(w))]
    fig = go.Figure()
    for values, name, colour in ((w, t("attention weight"), WEIGHT_COLOUR), (n, t("norm (what is moved)"), NORM_COLOUR)):
        fig.add_bar(x=layers, y=values, name=name, marker={"color": colour},
                    hovertemplate=f"{safe_label(name)} · %{{x}}: %{{y:.1%}}<extra></extra>")
    title = t("Share going to {tokens}, per layer", tokens=sink_words)
    fig.update_layout(title={"text": safe_label(title), "font": TITLE_FONT}, barmode="group", height=340,
                      margin={"l": 10, "r": 10, "t": 80, "b": 10},
                      legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom", "font": TICK_FONT},
                      xaxis={"tickfont": TICK_FONT}, yaxis={"tickformat": ".0%", "range": [0, 1], "tickfont": TICK_FONT})
    return fig


@speaks
def sink_words(tokens: list[str], special: list[bool]) -> str:
    """The tokens analysis.measures.sinks.sink_keys picks, in words: the special tokens [CLS] [SEP], or the first
    token “The”."""
    if any(special):
        names = " ".join(dict.fromkeys(tok for tok, s in zip(tokens, special) if s))
        return t("the special tokens {tokens}", tokens=names)
    return t("the first token “{token}”", token=tokens[0] if tokens else "")
