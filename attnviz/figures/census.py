"""Figures of a head census: every layer × head coloured by its type, a head's card (its scores against their
thresholds), and the tables a page shows beside them (the thresholds with their reasons, a head's texts)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from attnviz.analysis.headtypes.census import Census
from attnviz.analysis.headtypes.definitions import HEAD_TYPES, ORDER, SHORT
from attnviz.figures.plots import FIGURE_PX, TICK_FONT, TITLE_FONT, label_step, safe_label
from attnviz.figures.titles import text_px
from attnviz.i18n import speaks, t

# a colour per type, light enough for dark cell text; grey for a head past no threshold
TYPE_COLOURS = {"induction": "#f28e8e", "duplicate_token": "#c49cde", "previous_token": "#6baed6",
                "offset": "#7fd4d4", "retrieval": "#c7a17a", "first_token": "#fdb462", "delimiter": "#e6d85c",
                "local": "#8fd18f", "broad": "#f7b6d2"}
NONE_COLOUR = "#e0e0e0"
CELL_FONT_PX = (11, 9)  # a cell names its type at the first size whose text fits the cell, else not at all
ROW_PX = (22, 40)  # a layer's row: smallest and largest height


def measured(census: Census) -> list[str]:
    """The types the census has scores for, in definitions.ORDER."""
    return [n for n in ORDER if n in census.scores]


def type_label(name: str) -> str:
    """A type's label in the active language."""
    return t(HEAD_TYPES[name].label)


def _number(value: float) -> str:
    return f"{value:.3f}"


def score_text(census: Census, name: str, layer: int, head: int, count: bool = True) -> str:
    """One type's score of one head as a person reads it: the value (over a survey: the median, its interquartile
    range and count, the count left out where count=False and it is the census's number of texts), a fixed-offset
    head's offset, or "not measured"."""
    value = float(census.scores[name][layer, head])
    if math.isnan(value):
        return t("not measured")
    text = _number(value)
    n = int(census.counts[name][layer, head]) if name in census.counts else 0
    if name in census.spread and n > 1:
        spread = _number(float(census.spread[name][layer, head]))
        text = (t("{value} (IQR {spread}, n = {n})", value=text, spread=spread, n=n) if count or n != census.texts
                else t("{value} (IQR {spread})", value=text, spread=spread))
    if name == "offset":
        text = t("{value} at offset {offset}", value=text, offset=f"{int(census.offsets[layer, head]):+d}")
    return text


def head_name(census: Census, layer: int, head: int) -> str:
    """A head's type in words: its label (a fixed-offset head with its offset), or "no type"."""
    name = census.assigned[layer][head]
    if name is None:
        return t("no type past its threshold")
    if name == "offset":
        return t("{type} ({offset})", type=type_label(name), offset=f"{int(census.offsets[layer, head]):+d}")
    return type_label(name)


def _hover(census: Census, layer: int, head: int) -> str:
    lines = [t("layer {layer} · head {head}: {type}", layer=layer, head=head, type=head_name(census, layer, head))]
    for name in measured(census):
        value = float(census.scores[name][layer, head])
        # the legend states the thresholds; a score past its threshold is bold (a short hover: a cell's payload)
        line = t("{type}: {score}", type=type_label(name), score=score_text(census, name, layer, head, count=False))
        lines.append(f"<b>{line}</b>" if value >= census.thresholds[name] else line)
    return "<br>".join(lines)


def _legend_rows(names: list[str], room_px: float, font_px: float = 12) -> int:
    """How many lines a horizontal legend of these entries takes in room_px (plotly packs them left to right;
    an entry is its symbol, a gap and its text)."""
    widest = max((40 + text_px(name, font_px) * 1.1 for name in names), default=1)  # entries line up in columns
    return math.ceil(len(names) / max(int(room_px // widest), 1))


def _discrete(colours: list[str]) -> list[list]:
    """A plotly colour scale that gives the integer z = k the k-th colour (z from −0.5 to len − 0.5)."""
    n = len(colours)
    return [[edge, c] for k, c in enumerate(colours) for edge in (k / n, (k + 1) / n)]


@speaks
def census_figure(census: Census, title: str | None = None, width_px: float = FIGURE_PX) -> go.Figure:
    """Layers down, heads across; each cell coloured by the type its head is given (the type furthest past its
    threshold), grey for none, and named in a few letters where the cells are wide enough.

    The legend names every measured type with its threshold. Hovering a cell lists all its scores (over a survey
    with their spread and count). A clickable point sits on every cell; its customdata is [layer, head] (as the
    model view's), so a page can open that head."""
    layers, heads = census.shape
    names = measured(census)
    colours = [NONE_COLOUR] + [TYPE_COLOURS[n] for n in names]
    index = {n: k + 1 for k, n in enumerate(names)}
    z = np.array([[index.get(census.assigned[l][h], 0) for h in range(heads)] for l in range(layers)], dtype=float)
    text = [[(t(SHORT[a]) + (f"{int(census.offsets[l, h]):+d}" if a == "offset" else "")) if a else ""
             for h, a in enumerate(row)] for l, row in enumerate(census.assigned)]
    xs, ys = [f"h{h}" for h in range(heads)], [f"L{l}" for l in range(layers)]
    cell_px = (width_px - 60) / max(heads, 1)
    widest = max((text_px(s, 1) for row in text for s in row), default=0)  # in font sizes
    size = next((f for f in CELL_FONT_PX if widest * f + 4 <= cell_px), None)
    fig = go.Figure(go.Heatmap(z=z, x=xs, y=ys, zmin=-0.5, zmax=len(colours) - 0.5, colorscale=_discrete(colours),
                               showscale=False, hoverinfo="skip", xgap=1, ygap=1,
                               **({"text": text, "texttemplate": "%{text}", "textfont": {"size": size, "color": "#1a1a1a"}}
                                  if size else {})))
    fig.add_scatter(x=[xs[h] for l in range(layers) for h in range(heads)],
                    y=[ys[l] for l in range(layers) for h in range(heads)], mode="markers",
                    marker={"size": 24, "symbol": "square", "opacity": 0.01}, showlegend=False,
                    customdata=[[l, h] for l in range(layers) for h in range(heads)],
                    hovertext=[_hover(census, l, h) for l in range(layers) for h in range(heads)],
                    hovertemplate="%{hovertext}<extra></extra>")
    for name, colour in [(n, TYPE_COLOURS[n]) for n in names] + [(None, NONE_COLOUR)]:
        label = (t("{type} ≥ {threshold}", type=type_label(name), threshold=f"{census.thresholds[name]:g}") if name
                 else t("no type"))
        fig.add_scatter(x=[None], y=[None], mode="markers", name=label, hoverinfo="skip",
                        marker={"size": 12, "symbol": "square", "color": colour, "line": {"width": 1, "color": "#999"}})
    if title is None:
        title = (t("Head types of {model} over {n} texts (medians)", model=census.model, n=census.texts)
                 if census.spread and census.texts > 1 else t("Head types of {model}", model=census.model))
    row_px = float(np.clip(560 / max(layers, 1), *ROW_PX))
    legend_rows = _legend_rows([d.name for d in fig.data[2:]], width_px - 20)
    top = 34 + 24 * legend_rows + 22  # title, legend, head labels
    step = label_step(heads, width_px - 80, 28)  # "h10" and a gap
    fig.update_layout(
        title={"text": safe_label(title), "font": TITLE_FONT, "x": 0, "xanchor": "left", "xref": "container",
               "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8, "l": 10}},
        height=int(top + layers * row_px + 12), margin={"l": 10, "r": 10, "t": top, "b": 12},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1 - 34 / (top + layers * row_px + 12),
                "yanchor": "top", "yref": "container", "font": {"size": 12, "color": "#1a1a1a"}},
        clickmode="event+select", dragmode=False, plot_bgcolor="white",
        # ranges fixed to the cells: the clickable markers would otherwise pad the axes, shrinking the cells
        xaxis={"side": "top", "type": "category", "tickvals": xs[::step], "tickfont": TICK_FONT, "showgrid": False,
               "fixedrange": True, "range": [-0.5, heads - 0.5]},
        yaxis={"type": "category", "range": [layers - 0.5, -0.5], "tickfont": TICK_FONT, "showgrid": False,
               "fixedrange": True})
    return fig


@speaks
def census_caption(census: Census) -> str:
    """What the census figure shows and how a type is given, in one paragraph for under it."""
    if not (census.spread and census.texts > 1):  # one text: no spread to speak of (and no empty placeholder)
        return t("Each head is coloured by the type whose score is furthest past its threshold (as a share of the "
                 "way from the threshold to 1); grey: no score past its threshold. The legend states each threshold; "
                 "hover a head for all its scores, click it to open its card.")
    more = t("Over {n} texts: each score is the median over the texts (induction: over the probes), with its "
             "interquartile range (IQR) and count on hover.", n=census.texts)
    return t("Each head is coloured by the type whose score is furthest past its threshold (as a share of the way "
             "from the threshold to 1); grey: no score past its threshold. The legend states each threshold; hover "
             "a head for all its scores, click it to open its card. {more}", more=more)


@speaks
def thresholds_table(census: Census) -> pd.DataFrame:
    """A row per measured type: its label, threshold, how many heads it has, its definition, why that threshold
    and its source, in the active language (the page's table beside its threshold sliders)."""
    rows = [(type_label(n), census.thresholds[n], len(census.heads_of(n)), t(HEAD_TYPES[n].definition),
             t(HEAD_TYPES[n].reason), t(HEAD_TYPES[n].source)) for n in measured(census)]
    return pd.DataFrame(rows, columns=[t("type"), t("threshold"), t("heads"), t("definition"),
                                       t("why this threshold"), t("source")])


@speaks
def head_card(census: Census, layer: int, head: int, title: str | None = None) -> go.Figure:
    """One head's scores as bars against their thresholds (a black tick on each bar): bars past their threshold
    in their type's colour, the others grey, the type the head is given outlined. A fixed-offset head's offset
    is in its bar's label; over a survey the hover gives each score's spread and count."""
    names = measured(census)
    scores = [float(census.scores[n][layer, head]) for n in names]
    given = census.assigned[layer][head]
    labels = [type_label(n) + (f" ({int(census.offsets[layer, head]):+d})" if n == "offset" else "") for n in names]
    past = [not math.isnan(s) and s >= census.thresholds[n] for n, s in zip(names, scores)]
    fig = go.Figure(go.Bar(
        x=[0 if math.isnan(s) else s for s in scores], y=labels, orientation="h",
        marker={"color": [TYPE_COLOURS[n] if p else NONE_COLOUR for n, p in zip(names, past)],
                "line": {"width": [2.5 if n == given else 0 for n in names], "color": "#1a1a1a"}},
        text=[t("not measured") if math.isnan(s) else _number(s) for s in scores], textposition="outside",
        cliponaxis=False, customdata=[[layer, head]] * len(names),
        hovertext=[t("{type}: {score} · threshold {threshold}", type=type_label(n),
                     score=score_text(census, n, layer, head), threshold=f"{census.thresholds[n]:g}") for n in names],
        hovertemplate="%{hovertext}<extra></extra>", showlegend=False))
    fig.add_scatter(x=[census.thresholds[n] for n in names], y=labels, mode="markers", name=t("threshold"),
                    marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#1a1a1a"}},
                    hovertemplate=t("threshold {threshold}", threshold="%{x:g}") + "<extra></extra>")
    if title is None:
        title = t("layer {layer} · head {head}: {type}", layer=layer, head=head, type=head_name(census, layer, head))
    fig.update_layout(
        title={"text": safe_label(title), "font": TITLE_FONT, "x": 0, "xanchor": "left", "xref": "container",
               "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8, "l": 10}},
        height=70 + 30 * len(names), margin={"l": 10, "r": 60, "t": 44, "b": 30}, bargap=0.35,
        plot_bgcolor="white",
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom", "font": TICK_FONT},
        xaxis={"range": [0, 1.0], "title": {"text": t("score (1: the type done perfectly)")}, "tickfont": TICK_FONT,
               "tickformat": ".1f", "fixedrange": True, "gridcolor": "#e6e6e6", "zeroline": False},
        yaxis={"autorange": "reversed", "tickfont": TICK_FONT, "fixedrange": True})
    return fig


@speaks
def head_card_table(census: Census, layer: int, head: int) -> pd.DataFrame:
    """One head's scores as a table: type, score, threshold, whether past it, and over a survey the interquartile
    range and count; headers in the active language."""
    rows = []
    for n in measured(census):
        value = float(census.scores[n][layer, head])
        row = {t("type"): type_label(n), t("score"): None if math.isnan(value) else round(value, 4),
               t("threshold"): census.thresholds[n],
               t("past its threshold"): (not math.isnan(value)) and value >= census.thresholds[n]}
        if census.spread:
            spread = census.spread.get(n)
            row[t("IQR")] = None if spread is None or math.isnan(spread[layer, head]) else round(float(spread[layer, head]), 4)
            row[t("count")] = int(census.counts[n][layer, head]) if n in census.counts else pd.NA
        if n == "offset":
            row[t("type")] += f" ({int(census.offsets[layer, head]):+d})"
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.astype({t("count"): "Int64"}) if census.spread else frame


@speaks
def head_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """The texts of survey.census.texts_for_type (most or least) as a table to show: the text and its score, with
    headers in the active language (text_id stays, for opening a text)."""
    return frame[["text_id", "text", "value"]].rename(columns={"text": t("text"), "value": t("score")})
