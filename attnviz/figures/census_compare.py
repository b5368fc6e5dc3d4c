"""Two censuses side by side (compare, a checkpoint against its untrained start): a strip per head type with A's
heads and B's placed by relative depth, and the same as a table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from attnviz.analysis.headtypes.side_by_side import TypedHead, TypeRow
from attnviz.figures.census import type_label
from attnviz.figures.plots import TICK_FONT, TITLE_FONT, safe_label
from attnviz.i18n import speaks, t

SIDES = {"a": {"colour": "#1f77b4", "symbol": "circle", "lift": -0.17},  # as compare's statistics chart: A blue,
         "b": {"colour": "#d62728", "symbol": "diamond", "lift": 0.17}}  # B red; A above B in each strip
SPREAD = 0.6  # the heads of one layer spread over this share of the gap between two layers
MAX_NUDGE = 0.012  # and never further apart than this (relative depth)


def placed(heads: list[TypedHead], n_layers: int) -> list[float]:
    """Where each head is drawn along relative depth: its layer's depth, the heads of one layer spread evenly
    around it (in the order given) so that none hides another."""
    gap = 1 / (n_layers - 1) if n_layers > 1 else 0.2
    by_layer: dict[int, list[int]] = {}
    for i, h in enumerate(heads):
        by_layer.setdefault(h.layer, []).append(i)
    x = [0.0] * len(heads)
    for members in by_layer.values():
        step = min(MAX_NUDGE, gap * SPREAD / max(len(members), 1))
        for k, i in enumerate(members):
            x[i] = heads[i].depth + (k - (len(members) - 1) / 2) * step
    return x


@speaks
def census_strips(rows: list[TypeRow], layers_a: int, layers_b: int, name_a: str = "A", name_b: str = "B",
                  title: str | None = None) -> go.Figure:
    """A strip per head type (side_by_side's rows): A's heads of that type (circles, above) and B's (diamonds,
    below) placed by their layer's relative depth (0: first layer, 1: last). For two models of one shape, a head
    that has the type in one census only is drawn larger with a dark outline. Each strip's label counts A's and
    B's heads. A clickable point sits on every head; its customdata is [layer, head, side] (side 0: A, 1: B)."""
    fig = go.Figure()
    y_labels = []
    for side, n_layers, name in (("a", layers_a, name_a), ("b", layers_b, name_b)):
        style = SIDES[side]
        xs, ys, data, hover, alone = [], [], [], [], []
        for i, row in enumerate(rows):
            heads = row.a if side == "a" else row.b
            only = set(row.only_a if side == "a" else row.only_b)
            xs += placed(heads, n_layers)
            ys += [i + style["lift"]] * len(heads)
            data += [[h.layer, h.head, 0 if side == "a" else 1] for h in heads]
            alone += [(h.layer, h.head) in only for h in heads]
            for h in heads:
                text = t("{side}: layer {layer} · head {head}<br>{type} {score}<br>relative depth {depth}",
                         side=side.upper(), layer=h.layer, head=h.head, type=type_label(row.name),
                         score=f"{h.score:.3f}", depth=f"{h.depth:.2f}")
                if (h.layer, h.head) in only:
                    text += "<br>" + (t("only in A") if side == "a" else t("only in B"))
                hover.append(text)
        fig.add_scatter(x=xs, y=ys, mode="markers", name=t("{side}: {model}", side=side.upper(), model=safe_label(name)), customdata=data,
                        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
                        marker={"symbol": style["symbol"], "color": style["colour"], "opacity": 0.85,
                                "size": [15 if a else 10 for a in alone],
                                "line": {"width": [2.5 if a else 0.5 for a in alone], "color": "#1a1a1a"}})
    for row in rows:
        y_labels.append(t("{type} · A {a} · B {b}", type=type_label(row.name), a=len(row.a), b=len(row.b)))
    if title is None:
        title = t("Head types of A and B by relative depth")
    height = 110 + 46 * max(len(rows), 1)
    fig.update_layout(
        title={"text": safe_label(title), "font": TITLE_FONT, "x": 0, "xanchor": "left", "xref": "container",
               "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8, "l": 10}},
        height=height, margin={"l": 10, "r": 10, "t": 64, "b": 50}, plot_bgcolor="white",
        clickmode="event+select", dragmode=False,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1 - 34 / height, "yref": "container",
                "yanchor": "top", "font": TICK_FONT},
        xaxis={"range": [-0.06, 1.06], "title": {"text": t("relative depth (0: first layer, 1: last)")},
               "tickformat": ".1f", "tickfont": TICK_FONT, "gridcolor": "#ececec", "zeroline": False,
               "fixedrange": True},
        yaxis={"tickvals": list(range(len(rows))), "ticktext": y_labels, "range": [len(rows) - 0.5, -0.5],
               "tickfont": TICK_FONT, "gridcolor": "#d0d0d0", "zeroline": False, "fixedrange": True})
    for i in range(len(rows) - 1):  # a rule between two strips
        fig.add_hline(y=i + 0.5, line={"width": 1, "color": "#bbbbbb"})
    if not rows:
        fig.add_annotation(text=t("Neither census gives any head a type."), showarrow=False, x=0.5, y=0,
                           xref="paper", font=TICK_FONT)
    return fig


def _heads(heads: list[TypedHead]) -> str:
    return ", ".join(f"L{h.layer} h{h.head}" for h in heads)


@speaks
def strips_table(rows: list[TypeRow], same_shape: bool = False) -> pd.DataFrame:
    """A row per type: A's heads of that type and B's, their mean relative depth, and for two models of one shape
    (same_shape) the heads that have it in one census only; headers in the active language."""
    def depth(heads: list[TypedHead]) -> float | None:
        return round(float(np.mean([h.depth for h in heads])), 2) if heads else None

    frame = pd.DataFrame({t("type"): [type_label(r.name) for r in rows],
                          t("heads of A"): [_heads(r.a) for r in rows], t("heads of B"): [_heads(r.b) for r in rows],
                          t("mean relative depth in A"): [depth(r.a) for r in rows],
                          t("mean relative depth in B"): [depth(r.b) for r in rows]})
    if same_shape:
        frame[t("only in A")] = [", ".join(f"L{l} h{h}" for l, h in r.only_a) for r in rows]
        frame[t("only in B")] = [", ".join(f"L{l} h{h}" for l, h in r.only_b) for r in rows]
    return frame
