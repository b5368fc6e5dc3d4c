"""What changed between A and B (analysis.head_changes): the ranked heads as a table and as bars, what the
distance measures, and the sentence a page shows instead of a blank map when A and B are identical."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from attnviz.analysis.head_changes import IDENTICAL, MEASURE, Changes
from attnviz.figures.plots import TICK_FONT, TITLE_FONT, plain_format, safe_label
from attnviz.i18n import N_, speaks, t

TOP = 10  # heads a page lists and draws first
PAIRINGS = {"same": N_("Each head of A is compared with the same head of B (A and B have the same layers and heads)."),
            "matched": N_("Each head of A is compared with its closest head of B (its best match in the distance "
                          "matrix), since A and B have different layers or heads.")}


@speaks
def identical_note(changes: Changes) -> str | None:
    """The sentence a page shows instead of B − A when A and B are identical (nothing to draw); None otherwise."""
    return t(IDENTICAL) if changes.identical else None


@speaks
def changes_caption(changes: Changes) -> str:
    """What the distance is and how heads are paired, in the active language."""
    return t("Distance: {measure}. {pairing}", measure=t(MEASURE), pairing=t(PAIRINGS[changes.pairing]))


def head(layer: int, head: int) -> str:
    return f"L{layer} h{head}"


@speaks
def changes_table(changes: Changes, top: int | None = None) -> pd.DataFrame:
    """The heads most changed first: rank, A's head, the B head it is compared with, the distance and the largest
    change of one cell; headers in the active language. Row i is changes.ranked[i] (a page's row selection)."""
    ranked = changes.ranked if top is None else changes.top(top)
    return pd.DataFrame({t("rank"): range(1, len(ranked) + 1),
                         t("head of A"): [head(c.layer_a, c.head_a) for c in ranked],
                         t("head of B"): [head(c.layer_b, c.head_b) for c in ranked],
                         t("distance"): [round(c.distance, 4) for c in ranked],
                         t("largest cell change"): [round(c.largest, 4) for c in ranked]})


@speaks
def changes_figure(changes: Changes, top: int = TOP, title: str | None = None) -> go.Figure:
    """The top heads by distance as horizontal bars, the most changed on top, each labelled "A L4 h9 → B L4 h9"
    with its largest cell change beside it. Clicking a bar selects a point whose customdata is
    [layer_a, head_a, layer_b, head_b], as the distance matrix's cells, so a page opens both heads."""
    ranked = changes.top(top)
    names = [f"A {head(c.layer_a, c.head_a)} → B {head(c.layer_b, c.head_b)}" for c in ranked]
    limit = max((c.distance for c in ranked), default=0.0)
    fig = go.Figure(go.Bar(
        x=[c.distance for c in ranked], y=names, orientation="h", marker={"color": "#d62728", "opacity": 0.8},
        customdata=[[c.layer_a, c.head_a, c.layer_b, c.head_b, c.largest] for c in ranked],
        text=[t("largest cell change {value}", value=f"{c.largest:.3f}") for c in ranked], textposition="outside",
        cliponaxis=False,
        hovertemplate=t("{pair}<br>distance {d}<br>largest cell change {largest}<br>click to open both",
                        pair="%{y}", d="%{x:.4f}", largest="%{customdata[4]:.4f}") + "<extra></extra>"))
    if title is None:
        title = t("The {n} heads that changed most", n=len(ranked))
    fig.update_layout(
        title={"text": safe_label(title), "font": TITLE_FONT, "x": 0, "xanchor": "left", "xref": "container",
               "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8, "l": 10}},
        height=100 + 28 * max(len(ranked), 1), margin={"l": 10, "r": 190, "t": 44, "b": 50},
        plot_bgcolor="white", clickmode="event+select", dragmode=False, bargap=0.3,
        xaxis={"title": {"text": t("distance (mean Jensen–Shannon divergence, base 2)")}, "tickfont": TICK_FONT,
               "rangemode": "tozero", "tickformat": plain_format(limit or 1.0), "gridcolor": "#e6e6e6",
               "fixedrange": True},
        yaxis={"type": "category", "autorange": "reversed", "tickfont": TICK_FONT, "fixedrange": True})
    return fig
