"""Figures from arrays: each view is one function that returns a plotly figure, with no display side effects."""
from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from attnviz.figures.axis_titles import y_title
from attnviz.figures.titles import text_px
from attnviz.i18n import N_, active, speaks, t

ROLES = {"query": N_("query"), "key": N_("key")}  # the query–key view's two kinds of point

MAX_CELLS = 128  # a longer axis is pooled to at most this many cells: beyond it a cell is under ~5 px
PLOT_PX = 560  # the height a square grid is drawn at (fits under the controls at 1280×720)
ROW_PX = (4, 30)  # smallest and largest row height: one focused query is a 30 px strip, not a square
FIGURE_PX = 820  # a figure's width in the main column at 1280 px with the sidebar open (Chromium, measured)
EDGE_PX = 20  # a heatmap's left and right margins together
Y_TITLE_PX = 24  # a y title turned on its side, with its standoff
BAR_PADS_PX = 24  # an upright colour bar's pads around the wider of its title and its bar with tick labels
LABEL_PX = 16  # room one horizontal line of tick text needs (13 px font)
LINE_PX = 17  # room a line of tick text takes across it, upright or turned (its box: 17 px at 13 px, measured)
CHAR_PX = 7.5  # width of one character of tick text (Source Sans at 13 px averages 6: an upper bound)
TICK_FONT = {"size": 13, "color": "#1a1a1a"}  # larger and darker than plotly's default: readable on a projector
TITLE_FONT = {"size": 15, "color": "#1a1a1a"}
MAX_LABEL_CHARS = 14
COLORBAR_MIN_PX = 160  # an upright colour bar shorter than this overprints its tick labels: it lies under the plot


def safe_label(token: str) -> str:
    """A token as plotly text: its markup (<b>, <br>, &...) is escaped so it shows as typed."""
    return html.escape(token, quote=False)


def _short(token: str) -> str:
    return token if len(token) <= MAX_LABEL_CHARS else token[: MAX_LABEL_CHARS - 1] + "…"


def position_labels(tokens: list[str]) -> list[str]:
    """Unique axis categories "pos · token": a repeated token is still its own row, and hover names both."""
    return [f"{i} · {safe_label(token)}" for i, token in enumerate(tokens)]


def label_step(n: int, room_px: float, label_px: float = LABEL_PX) -> int:
    """Label every step-th of n items so that labels of label_px never overlap in room_px."""
    return max(1, int(np.ceil(n * label_px / max(room_px, 1.0))))


def text_width(labels: list[str]) -> float:
    """The estimated width of the widest tick label in px ("&lt;unk&gt;" shows as 5 characters)."""
    return max((len(html.unescape(label)) for label in labels), default=1) * CHAR_PX


def colour_bar_px(title: str | None, figure_px: float, tick_chars: int = 5) -> float:
    """The room an upright colour bar takes right of a plot: its gap (2% of the plot), the wider of its title and
    its bar with tick labels, and its pads (measured in Chromium: 66 px for "weight", 96 for "JS distance")."""
    return 0.02 * figure_px + max(text_px(title or "", 13), 12 + 5 + tick_chars * CHAR_PX) + BAR_PADS_PX


def plot_width(figure_px: float, y_labels: list[str], bar_title: str | None = None, bar: bool = True,
               y_title: bool = True) -> float:
    """The width a heatmap's plot area gets at least in a figure figure_px wide: the figure less its margins, its y
    tick labels and title and (when upright beside it) its colour bar, each estimated from above."""
    side = colour_bar_px(bar_title, figure_px) if bar else 0.0
    return max(figure_px - EDGE_PX - text_width(y_labels) - 8 - (Y_TITLE_PX if y_title else 0) - side, 40.0)


def x_labels(categories: list[str], texts: list[str], plot_px: float) -> tuple[list[str], list[str], int, bool]:
    """(tickvals, ticktext, step, upright) for a category x axis plot_px wide: side by side where every label
    fits its column, else turned upright (−90°) and thinned to every step-th so that none overlap."""
    n = max(len(categories), 1)
    upright = text_width(texts) + 6 <= plot_px / n
    step = 1 if upright else label_step(n, plot_px, LINE_PX)
    vals, shown = _ticks(categories, texts, step)
    return vals, shown, step, upright


def plain_format(limit: float) -> str:
    """A d3 tick format for numbers up to `limit` in plain decimals (0.028, not 28m; 0.000001, not 1µ)."""
    digits = int(np.ceil(-np.log10(limit))) + 1 if 0 < limit < 1 else 1
    return f".{min(max(digits, 1), 9)}~f"


def _ticks(categories: list[str], texts: list[str], step: int) -> tuple[list[str], list[str]]:
    idx = range(0, len(categories), step)
    return [categories[i] for i in idx], [texts[i] for i in idx]


def pool_pattern(pattern: np.ndarray, query_tokens: list[str], key_tokens: list[str], max_cells: int = MAX_CELLS):
    """A long pattern in blocks of consecutive positions: (matrix, query labels, key labels, query bin, key bin).

    Query blocks are averaged and key blocks summed, so each pooled row still sums to what its rows did.
    Labels are "first–last · first token" of each block.
    """
    def bins(n: int) -> int:
        return max(1, int(np.ceil(n / max_cells)))

    bq, bk = bins(pattern.shape[0]), bins(pattern.shape[1])

    def pooled_axis(m: np.ndarray, b: int, axis: int, how) -> np.ndarray:
        if b == 1:
            return m
        n = m.shape[axis]
        pad = (-n) % b
        widths = [(0, 0), (0, 0)]
        widths[axis] = (0, pad)
        padded = np.pad(m, widths, constant_values=np.nan)
        shape = list(padded.shape)
        shape[axis:axis + 1] = [shape[axis] // b, b]
        return how(padded.reshape(shape), axis=axis + 1)

    m = pooled_axis(np.asarray(pattern, dtype=np.float32), bq, 0, np.nanmean)
    m = pooled_axis(m, bk, 1, np.nansum)

    def labels(tokens: list[str], b: int) -> tuple[list[str], list[str]]:
        if b == 1:
            return position_labels(tokens), [safe_label(_short(t)) for t in tokens]
        cats, texts = [], []
        for a in range(0, len(tokens), b):
            z = min(a + b, len(tokens)) - 1
            cats.append(f"{a}–{z} · {safe_label(' '.join(tokens[a:z + 1]))}")
            texts.append(f"{a}· {safe_label(_short(tokens[a]))}")
        return cats, texts

    return m, labels(query_tokens, bq), labels(key_tokens, bk), bq, bk


def ordinal(k: int) -> str:
    """2 -> "2nd", 11 -> "11th": how an English axis title says "every k-th label"."""
    return f"{k}{'nd' if k % 10 == 2 and k % 100 != 12 else 'rd' if k % 10 == 3 and k % 100 != 13 else 'th'}"




@speaks
def head_heatmap(pattern: np.ndarray, query_tokens: list[str], key_tokens: list[str],
                 title: str = "", log_color: bool = False,
                 axis_titles: tuple[str, str] | None = None,
                 value_title: str | None = None,
                 hover_words: tuple[str, str] | None = None, signed: bool = False,
                 width_px: float | None = None) -> go.Figure:
    """One head's pattern `[query_pos, key_pos]` with tokens on both axes and the weight on hover.

    Readable at any length: rows are 8–30 px (one focused query is a one-row strip), an axis longer
    than MAX_CELLS is pooled in blocks of positions (the title says so), and tick labels are thinned
    so that they never overlap in a figure width_px wide (default FIGURE_PX, the explorer's at 1280 px; a
    compare pane is narrower: compare_plots.PANE_PX). The payload is the float32 matrix plus one label per cell.
    `signed`: values of either sign (a measure such as gradient × input) on a red–blue scale centred on 0
    (no log scale); otherwise from 0 to the largest value, whatever its size (a norm is not at most 1).
    """
    if axis_titles is None:
        axis_titles = (t("query (attending)"), t("key (attended to)"))
        hover_words = hover_words or (t("query"), t("key"))
    value_title = value_title or t("weight")
    n_query, n_key = pattern.shape
    if len(query_tokens) != n_query or len(key_tokens) != n_key:
        raise ValueError(f"pattern is {pattern.shape} but got {len(query_tokens)} query and {len(key_tokens)} key tokens")
    weights, (qc, qt), (kc, kt), bq, bk = pool_pattern(pattern, query_tokens, key_tokens)
    rows, cols = weights.shape
    if bq > 1 or bk > 1:
        title = (t("{title} · pooled: {bq} × {bk} positions a cell", title=title, bq=bq, bk=bk) if title
                 else t("pooled: {bq} × {bk} positions a cell", bq=bq, bk=bk))
    q_word, k_word = hover_words or (axis_titles[0].split()[0], axis_titles[1].split()[0])
    trace = dict(x=kc, y=qc, colorscale="Blues", xgap=0, ygap=0,
                 hovertemplate=f"{q_word} %{{y}}<br>{k_word} %{{x}}<br>{value_title} %{{z:.4f}}<extra></extra>")
    largest = float(np.nanmax(np.abs(weights))) if weights.size and np.isfinite(weights).any() else 0.0
    if signed:
        reach = max(largest, 1e-9)
        trace.update(z=weights, zmin=-reach, zmax=reach, zmid=0.0, colorscale="RdBu",
                     colorbar={"title": {"text": value_title}})
    elif log_color:
        top = float(np.log10(largest)) if largest > 1 else 0.0  # weights end at 1; a norm may go past it
        trace.update(z=np.log10(np.clip(weights, 10 ** (top - 6), None)), zmin=top - 6, zmax=top, customdata=weights,
                     colorbar={"title": {"text": t("log₁₀ {value}", value=value_title)}},
                     hovertemplate=f"{q_word} %{{y}}<br>{k_word} %{{x}}<br>{value_title} %{{customdata:.4f}}<extra></extra>")
    else:
        zmax = max(largest, 1e-9)
        trace.update(z=weights, zmin=0.0, zmax=zmax, colorbar={"title": {"text": value_title},
                                                                "tickformat": plain_format(zmax)})
    row_px = float(np.clip(PLOT_PX / max(rows, cols), *ROW_PX)) if rows > 1 else float(ROW_PX[1])
    plot_h = rows * row_px
    # a focused query, or any plot too short for an upright colour bar's labels: a horizontal bar under it
    strip = rows <= 3 or plot_h < COLORBAR_MIN_PX
    trace["colorbar"].update(thickness=12, tickfont=TICK_FONT, **(
        {"orientation": "h", "y": -0.1, "yanchor": "top", "len": 0.5, "x": 1, "xanchor": "right", "nticks": 6,
         "title": {"text": trace["colorbar"]["title"]["text"], "side": "top"}} if strip else
        {"len": 1, "y": 1, "yanchor": "top"}))
    fig = go.Figure(go.Heatmap(**trace))
    y_step = label_step(rows, plot_h, LINE_PX)
    qv, qtext = _ticks(qc, qt, y_step)
    plot_w = plot_width(FIGURE_PX if width_px is None else width_px, qtext, trace["colorbar"]["title"]["text"],
                        bar=not strip)
    kv, ktext, x_step, upright = x_labels(kc, kt, plot_w)
    nth = ordinal if active() == "en" else str  # "every 3rd" in English, a plain number elsewhere
    label_h = LABEL_PX if upright else text_width(kt) + 8
    top = 36 + 22 + label_h  # title, axis title, tick labels: stacked, never on top of each other
    fig.update_layout(
        title={"text": safe_label(title), "font": TITLE_FONT, "x": 0, "xanchor": "left", "xref": "paper",
               "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8}},
        height=int(plot_h + top + (60 if strip else 16)), margin={"l": 10, "r": 10, "t": int(top), "b": 60 if strip else 16},
        xaxis={"title": {"text": (t("{title} (labels: every {nth})", title=axis_titles[1], nth=nth(x_step)) if x_step > 1 else axis_titles[1]),
                         "font": {"size": 13, "color": "#333"}, "standoff": 4},
               "type": "category", "tickvals": kv, "ticktext": ktext, "tickfont": TICK_FONT,
               "tickangle": 0 if upright else -90, "side": "top", "automargin": False},
        yaxis={"type": "category", "tickvals": qv, "ticktext": qtext, "tickfont": TICK_FONT,
               "autorange": "reversed", "automargin": True},
    )
    return y_title(fig, t("{title} (every {nth})", title=axis_titles[0], nth=nth(y_step)) if y_step > 1
                   else axis_titles[0], {"size": 13, "color": "#333"})




@speaks
def head_similarity_map(similarity: np.ndarray, head_names: list[str], title: str = "") -> go.Figure:
    """Heads against heads: the cosine similarity of their patterns, `[head, head]` in the given order."""
    head = t("head")
    fig = head_heatmap(similarity, head_names, head_names, title=title, axis_titles=(head, head),
                       value_title=t("cosine similarity"), hover_words=(head, head))
    fig.update_traces(hovertemplate="%{y} vs %{x}: %{z:.3f}<extra></extra>")
    return fig


HEAD_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"]


def head_colour(head: int) -> str:
    """The colour of a head wherever heads are told apart (lines, legend, the page's head chips)."""
    return HEAD_COLOURS[head % len(HEAD_COLOURS)]


LINE_BINS = ((0.05, 0.15, 1.0, 0.25), (0.15, 0.35, 2.0, 0.45), (0.35, 0.6, 3.5, 0.7), (0.6, 1.01, 5.0, 0.95))




@speaks
def head_view(layer_heads: np.ndarray, query_tokens: list[str], key_tokens: list[str], heads: list[int],
              focus: int | None = None, title: str = "") -> go.Figure:
    """bertviz's head view: queries on the left, keys on the right, a line per weight ≥ 0.05 coloured by head.

    layer_heads: [head, query_pos, key_pos] of one layer. focus: show only that query's lines. Lines are
    binned by weight into four widths and opacities (one trace each), so the figure stays small. The
    legend (one colour per head) sits under the title; token labels are thinned where rows are tight.
    """
    nq, nk = layer_heads.shape[-2:]
    fig = go.Figure()
    rows = [focus] if focus is not None else list(range(nq))
    for h in heads:
        colour = head_colour(h)
        for low, high, width, alpha in LINE_BINS:
            xs, ys = [], []
            for i in rows:
                for j in np.nonzero((layer_heads[h, i] >= low) & (layer_heads[h, i] < high))[0]:
                    xs += [0, 1, None]
                    ys += [-i, -int(j), None]
            if xs:
                fig.add_scatter(x=xs, y=ys, mode="lines", line={"color": colour, "width": width}, opacity=alpha,
                                hoverinfo="skip", showlegend=False, legendgroup=f"h{h}")
        fig.add_scatter(x=[None], y=[None], mode="lines", line={"color": colour, "width": 4}, name=t("head {head}", head=h),
                        legendgroup=f"h{h}")
    n = max(nq, nk)
    pitch = 22.0 if n <= 40 else max(10.0, 880.0 / n)  # px between rows
    step = label_step(n, n * pitch, LABEL_PX)

    def texts(tokens: list[str], keep: int | None = None) -> list[str]:
        return [safe_label(_short(t)) if (i % step == 0 or i == keep) else "" for i, t in enumerate(tokens)]

    fig.add_scatter(x=[0] * nq, y=[-i for i in range(nq)], mode="markers+text", text=texts(query_tokens, focus),
                    textposition="middle left", textfont=TICK_FONT,
                    marker={"size": 9 if pitch >= 16 else 6, "color": ["crimson" if i == focus else "#444" for i in range(nq)]},
                    customdata=list(range(nq)), hovertext=[safe_label(t) for t in query_tokens],
                    hovertemplate=t("query") + " %{customdata}: %{hovertext}<extra></extra>", name="queries", showlegend=False)
    fig.add_scatter(x=[1] * nk, y=[-j for j in range(nk)], mode="markers+text", text=texts(key_tokens),
                    textposition="middle right", textfont=TICK_FONT, marker={"size": 7 if pitch >= 16 else 5, "color": "#888"},
                    customdata=list(range(nk)), hovertext=[safe_label(t) for t in key_tokens],
                    hovertemplate=t("key") + " %{customdata}: %{hovertext}<extra></extra>", name="keys", showlegend=False)
    legend_rows = int(np.ceil(len(heads) / 8)) if heads else 0
    top = 34 + 26 * legend_rows
    fig.update_layout(title={"text": safe_label(title), "font": TITLE_FONT, "x": 0, "xanchor": "left", "xref": "paper",
                             "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 6}},
                      height=int(n * pitch + top + 12), margin={"l": 10, "r": 10, "t": top, "b": 12},
                      clickmode="event+select", showlegend=bool(heads),
                      xaxis={"visible": False, "range": [-0.6, 1.6], "fixedrange": True},
                      yaxis={"visible": False, "range": [-(n - 1) - 0.6, 0.6], "fixedrange": True},
                      legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom",
                              "font": {"size": 13, "color": "#1a1a1a"}})
    return fig




@speaks
def model_view(thumbs: np.ndarray, title: str = "", gap: int = 1, head_names: list[str] | None = None) -> go.Figure:
    """Every layer × head as a small heatmap in one mosaic; a clickable point sits on each thumbnail.

    thumbs: [layer, head, rows, cols] (already pooled on the device). Clicking selects a point whose
    customdata is [layer, head]. head_names: the columns' labels (default h0, h1, …).
    """
    layers, heads, r, c = thumbs.shape
    mosaic = np.full((layers * (r + gap), heads * (c + gap)), np.nan, dtype=np.float32)
    for l in range(layers):
        for h in range(heads):
            thumb = thumbs[l, h]
            mosaic[l * (r + gap): l * (r + gap) + r, h * (c + gap): h * (c + gap) + c] = thumb / max(thumb.max(), 1e-9)
    fig = go.Figure(go.Heatmap(z=mosaic, colorscale="Blues", showscale=False, hoverinfo="skip"))
    cx = [h * (c + gap) + (c - 1) / 2 for l in range(layers) for h in range(heads)]
    cy = [l * (r + gap) + (r - 1) / 2 for l in range(layers) for h in range(heads)]
    fig.add_scatter(x=cx, y=cy, mode="markers", marker={"size": 26, "symbol": "square", "opacity": 0.01},
                    customdata=[[l, h] for l in range(layers) for h in range(heads)],
                    hovertemplate=t("layer {layer} · head {head}<br>click to open", layer="%{customdata[0]}", head="%{customdata[1]}")
                    + "<extra></extra>",
                    showlegend=False)
    # the head labels sit on top: the title goes above them, not on them
    fig.update_layout(title={"text": safe_label(title), "font": TITLE_FONT, "y": 1, "yref": "container",
                             "yanchor": "top", "pad": {"t": 6}}, height=max(340, 70 * layers + 100),
                      margin={"l": 40, "r": 10, "t": 70, "b": 10}, clickmode="event+select", dragmode=False,
                      xaxis={"tickvals": [h * (c + gap) + (c - 1) / 2 for h in range(heads)], "tickfont": TICK_FONT,
                             "ticktext": head_names or [f"h{h}" for h in range(heads)], "side": "top", "showgrid": False},
                      yaxis={"tickvals": [l * (r + gap) + (r - 1) / 2 for l in range(layers)], "tickfont": TICK_FONT,
                             "ticktext": [f"L{l}" for l in range(layers)], "autorange": "reversed", "showgrid": False})
    return fig


def layer_head_chart(values: np.ndarray, title: str, colorscale: str = "Viridis") -> go.Figure:
    """A statistic per [layer, head] as a heatmap (layers down, heads across)."""
    layers, heads = values.shape
    fig = go.Figure(go.Heatmap(z=values.astype(np.float32), x=[f"h{h}" for h in range(heads)],
                               y=[f"L{l}" for l in range(layers)], colorscale=colorscale,
                               hovertemplate="%{y} %{x}: %{z:.3f}<extra></extra>"))
    fig.update_layout(title={"text": safe_label(title), "font": TITLE_FONT}, height=max(260, 36 * layers + 100),
                      margin={"l": 10, "r": 10, "t": 50, "b": 10}, xaxis={"tickfont": TICK_FONT},
                      yaxis={"autorange": "reversed", "tickfont": TICK_FONT})
    return fig


QK_LABELS = 30  # above this many points per kind, token names show on hover only (and for the focus)




@speaks
def qk_scatter(queries: np.ndarray, keys: np.ndarray, query_tokens: list[str], key_tokens: list[str],
               title: str = "", focus: int | None = None, query_positions: list[int] | None = None,
               key_positions: list[int] | None = None, method: str = "PCA") -> go.Figure:
    """Queries (circles) and keys (diamonds) of one head in one 2-D projection (`method`: PCA, t-SNE, UMAP),
    coloured by position.

    focus: a query drawn larger, with a red outline and its name, so its neighbours among the keys stand
    out. Beyond QK_LABELS points the names are on hover only, so the labels never pile up.
    *_positions: the positions the points stand for (when a window shows only some).
    """
    fig = go.Figure()
    labelled = max(len(query_tokens), len(key_tokens)) <= QK_LABELS
    for xy, tokens, symbol, name, where in ((queries, query_tokens, "circle", "query", query_positions),
                                            (keys, key_tokens, "diamond", "key", key_positions)):
        where = list(range(len(tokens))) if where is None else list(where)
        is_focus = [name == "query" and p == focus for p in where]
        word = t(ROLES[name])
        fig.add_scatter(x=xy[:, 0], y=xy[:, 1], mode="markers+text", name=word,
                        text=[safe_label(_short(t)) if (labelled or f) else "" for t, f in zip(tokens, is_focus)],
                        textposition="top center", textfont=TICK_FONT,
                        marker={"symbol": symbol, "size": [22 if f else (11 if labelled else 8) for f in is_focus],
                                "color": where, "colorscale": "Viridis",
                                "line": {"width": [3 if f else 1 for f in is_focus],
                                         "color": ["crimson" if f else "#333" for f in is_focus]}},
                        customdata=where, hovertext=[safe_label(token) for token in tokens],
                        hovertemplate=f"{word} %{{customdata}}: %{{hovertext}}<extra></extra>")
    if not labelled:
        title = (t("{title} · names on hover", title=title) if title
                 else t("names on hover"))
    fig.update_layout(title={"text": safe_label(title), "font": TITLE_FONT}, height=480,
                      margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom", "font": TICK_FONT},
                      xaxis={"title": {"text": _projection_axis(method, 1)}, "tickfont": TICK_FONT},
                      yaxis={"tickfont": TICK_FONT})
    return y_title(fig, _projection_axis(method, 2))




def _projection_axis(method: str, n: int) -> str:
    """"PC 1" for PCA's axes (principal components); t-SNE's and UMAP's axes are only their n-th dimension."""
    if method == "PCA":
        return t("PC 1") if n == 1 else t("PC 2")
    return t("{method} dimension {n}", method=method, n=n)

