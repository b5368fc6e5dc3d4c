"""Figures for documents: the sentence (or paragraph) map of a head, one sentence's row as bars ("which sentences
does this sentence read?"), and a query's strongest keys as a table with their context.

Units are named by their first words ("3 · The market opens at…"), cut to a label's length; tokens and text are
data, escaped before they reach plotly.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from attnviz.analysis.documents import KeyInContext
from attnviz.figures.axis_titles import y_title
from attnviz.figures.plots import LINE_PX, TICK_FONT, TITLE_FONT, label_step, plain_format, safe_label
from attnviz.figures import words
from attnviz.i18n import speaks, t

LABEL_WORDS = 4  # words of a unit's first words in its label (Chinese: characters, LABEL_CHARS)
LABEL_CHARS = 28
PLOT_PX = 560
ROW_BARS = 20  # the row chart shows this many of the units read most


def unit_labels(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """"i · first words…" for each unit's character span (a few words, or characters for text without spaces)."""
    out = []
    for i, (a, b) in enumerate(spans):
        unit = " ".join(text[a:b].split())
        first = " ".join(unit.split(" ")[:LABEL_WORDS])
        first = first[:LABEL_CHARS]
        out.append(f"{i} · {first}{'…' if len(first) < len(unit) else ''}")
    return out


X_TICKS = 8  # numbers at most on the sentence map's key axis


@speaks
def unit_map(values: np.ndarray, labels: list[str], title: str = "", marked: set[int] | None = None,
             chosen: int | None = None) -> go.Figure:
    """`[query unit, key unit]` shares (rows sum to one) as a heatmap; units holding a sink get a ▼ in their label,
    the chosen row an outline. Clicking a cell picks its row (customdata is the row)."""
    values = np.ascontiguousarray(values, dtype=np.float32)
    n = len(labels)
    shown = [f"{'▼ ' if marked and i in marked else ''}{safe_label(lab)}" for i, lab in enumerate(labels)]
    zmax = max(float(values.max()) if values.size else 0.0, 1e-9)
    q_word, k_word, share = t("reads"), t("read"), t("share")
    fig = go.Figure(go.Heatmap(z=values, x=list(range(n)), y=list(range(n)), colorscale="Blues", zmin=0, zmax=zmax,
                               hovertemplate=f"{q_word} %{{y}}<br>{k_word} %{{x}}<br>{share} %{{z:.3f}}<extra></extra>",
                               colorbar={"title": {"text": share}, "thickness": 12, "tickfont": TICK_FONT,
                                         "tickformat": plain_format(zmax)}))
    step = label_step(n, PLOT_PX, LINE_PX)
    ticks = list(range(0, n, step))
    xticks = list(range(0, n, max(step, -(-n // X_TICKS))))  # the key axis is narrower: a few numbers, upright
    if chosen is not None and 0 <= chosen < n:
        fig.add_shape(type="rect", x0=-0.5, x1=n - 0.5, y0=chosen - 0.5, y1=chosen + 0.5, xref="x", yref="y",
                      line={"color": "#d62728", "width": 2})
    fig.update_layout(title={"text": safe_label(title), "font": TITLE_FONT, "x": 0, "xanchor": "left"},
                      height=PLOT_PX + 120, margin={"l": 10, "r": 10, "t": 60, "b": 10}, clickmode="event+select",
                      xaxis={"title": {"text": t("key units (read)"), "font": {"size": 13}}, "side": "top",
                             "tickvals": xticks, "ticktext": [str(i) for i in xticks], "tickfont": TICK_FONT,
                             "tickangle": 0,
                             "showgrid": False},
                      yaxis={"tickvals": ticks, "ticktext": [shown[i] for i in ticks], "tickfont": TICK_FONT,
                             "autorange": "reversed", "showgrid": False, "automargin": True})
    return y_title(fig, t("query units (reading)"), {"size": 13, "color": "#333"})


@speaks
def unit_row(row: np.ndarray, labels: list[str], chosen: int, marked: set[int] | None = None,
             level: str = "sentence") -> go.Figure:
    """The units one unit reads most, as horizontal bars (the strongest on top); level: "sentence" or "paragraph"."""
    order = [int(i) for i in np.argsort(-row, kind="stable")[:ROW_BARS] if row[i] > 0]
    names = [f"{'▼ ' if marked and i in marked else ''}{safe_label(labels[i])}" for i in order]
    fig = go.Figure(go.Bar(x=[float(row[i]) for i in order], y=names, orientation="h", marker={"color": "#1f77b4"},
                           hovertemplate="%{y}: %{x:.1%}<extra></extra>"))
    title = (t("Which sentences does “{unit}” read?", unit=labels[chosen]) if level == "sentence" else
             t("Which paragraphs does “{unit}” read?", unit=labels[chosen]))
    fig.update_layout(title={"text": safe_label(title), "font": {**TITLE_FONT, "size": 13}, "x": 0, "xanchor": "left"},
                      height=max(200, 26 * len(order) + 90), margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      xaxis={"tickformat": ".0%", "tickfont": TICK_FONT, "title": {"text": t("share of its attention")}},
                      yaxis={"autorange": "reversed", "tickfont": TICK_FONT, "automargin": True})
    return fig


@speaks
def top_keys_table(keys: list[KeyInContext]) -> pd.DataFrame:
    """Rank, position, weight and "… before [token] after …" for each key, strongest first."""
    col = words.column
    return pd.DataFrame({t("rank"): list(range(1, len(keys) + 1)), col("pos"): [k.position for k in keys],
                         col("weight"): [round(k.weight, 4) for k in keys],
                         t("in context"): [context(k) for k in keys]})


def context(key: KeyInContext) -> str:
    """"… the cat [sat] on the …": the key in brackets between its neighbours (as the tokenizer shows them)."""
    return f"… {' '.join(key.before)} [{key.token}] {' '.join(key.after)} …".replace("  ", " ")
