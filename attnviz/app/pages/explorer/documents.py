"""Views for documents on the explorer: the sentence map (attention pooled to sentences or paragraphs; "which
sentences does this sentence read?") and, for a long input, the text view of the whole document with its top keys."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import streamlit as st

from attnviz.analysis.documents import in_context, shading, top_keys, unit_attention, unit_ranges, units_read
from attnviz.app.pages.explorer import sinks as sink_views
from attnviz.app.shell import messages, screen
from attnviz.app.state import explorer as K
from attnviz.app.widgets import document
from attnviz.app.widgets.figure_out import show as show_figure
from attnviz.app.widgets.literal import escape
from attnviz.core.sources import AttentionSource
from attnviz.core.types import AttentionCapture
from attnviz.figures.documents import top_keys_table, unit_labels, unit_map, unit_row
from attnviz.figures.views import ViewOptions
from attnviz.i18n import N_, fixed, t
from attnviz.models.loading import LoadedModel

MAX_UNITS = 512  # past this many sentences the map is drawn by paragraphs (a cell would be under a pixel)
KEPT_MAPS = 8  # unit maps kept per capture (each at most 512 × 512 float32: 1 MB)
LEVELS = ("sentence", "paragraph")
LEVEL_NAMES = {"sentence": N_("sentences"), "paragraph": N_("paragraphs")}
MAP_TITLES = {"sentence": N_("Sentence map · {who}"), "paragraph": N_("Paragraph map · {who}")}
ROW_QUESTIONS = {"sentence": N_("Which sentences does this sentence read?"),
                 "paragraph": N_("Which paragraphs does this paragraph read?")}
SHADES = ("token", "sentence")
SHADE_NAMES = {"token": N_("the token's attention"), "sentence": N_("its sentence's attention (mean of its tokens)")}


def _units(cap: AttentionCapture, level: str) -> tuple[np.ndarray, list[tuple[int, int]]] | None:
    """The units of the capture's tokens, or None (with a message) for a capture without the text's characters."""
    try:
        return units_read(cap, level)
    except ValueError as exc:
        st.info(escape(messages.say(exc)))
        return None


def _unit_map(src: AttentionSource, layer: int, head: int | None, units: np.ndarray, n_units: int,
              level: str, aside: tuple[int, ...]) -> np.ndarray:
    """[query unit, key unit] of one head or the mean of the layer's heads, kept on the capture (the layer's map
    reads every head's rows: seconds at 8,192 tokens)."""
    kept = src.memo.setdefault(("unit maps",), OrderedDict())
    key = (layer, head, level, n_units, aside)
    hit = kept.get(key)
    if hit is not None:
        return hit
    s = unit_attention(src, layer, units, n_units, heads=None if head is None else [head], aside=aside)
    value = s.mean(axis=0) if head is None else s[0]
    kept[key] = value
    while len(kept) > KEPT_MAPS:
        try:
            kept.popitem(last=False)
        except KeyError:
            break
    return value


def sentences_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    """The sentence map of a head (or the layer), one sentence's row as bars, the units that hold sinks marked."""
    if cap.axes(opts.kind)[0] != cap.axes(opts.kind)[1]:
        st.info(t("The sentence map needs self-attention (the same text on both sides): pick a self-attention kind."))
        return
    tr = fixed()
    c1, c2, c3 = st.columns(3)
    level = c1.radio(t("Units"), LEVELS, horizontal=True, key=K.UNIT, format_func=lambda u: tr(LEVEL_NAMES[u]))
    mean = c2.toggle(t("Mean over the layer's heads"), key=K.UNIT_MEAN)
    aside = sink_views.aside_switch(cap, opts.kind, c3)
    found = _units(cap, level)
    if found is None:
        return
    units, spans = found
    if level == "sentence" and len(spans) > MAX_UNITS:
        st.info(t("{n} sentences are more than a map shows ({most}): drawn by paragraphs.", n=len(spans),
                  most=MAX_UNITS))
        level = "paragraph"
        units, spans = units_read(cap, level)
    n_units = len(spans)
    if n_units == 0:
        st.info(t("The text has no sentences to map."))
        return
    src = cap.source(opts.kind)
    with st.spinner(t("Pooling the attention to {n} units…", n=n_units)):
        values = _unit_map(src, opts.layer, None if mean else opts.head, units, n_units, level, aside)
    labels = unit_labels(cap.text, spans)
    marked = sink_views.unit_marks(units, aside or sink_views.marked(cap, opts.kind))
    _take_row_click(n_units)
    default = n_units - 1
    chosen = st.session_state.get(K.SENTENCE)
    if chosen is None or not 0 <= int(chosen) < n_units:
        st.session_state[K.SENTENCE] = default
    who = t("mean of layer {layer}'s heads", layer=opts.layer) if mean else \
        t("layer {layer} · head {head}", layer=opts.layer, head=opts.head)
    title = t(MAP_TITLES[level], who=who)
    row = st.selectbox(t(ROW_QUESTIONS[level]), list(range(n_units)), key=K.SENTENCE,
                       persist_state=K.SENTENCE.keep, format_func=lambda i: labels[i])
    left, right = screen.stacked(2, [3, 2])
    with left:
        show_figure(unit_map(values, labels, title, marked, row), K.UNIT_CHART, None, img_format, on_select="rerun",
                    selection_mode="points")
    with right:
        st.plotly_chart(screen.figure(unit_row(values[row], labels, row, marked, level)), key=K.UNIT_ROW_CHART)
    a, b = spans[row]
    st.caption(t("“{unit}”", unit=escape(cap.text[a:b][:400])))
    st.caption(t("Each row is one unit's tokens, their weights summed over each unit of keys and renormalised to "
                 "one: how that unit divides its attention among the units. ▼ marks a unit that holds a sink. "
                 "Click a row to read it."))


def _take_row_click(n_units: int) -> None:
    """A click on the map picks that row (read before the picker is drawn)."""
    event = st.session_state.get(K.UNIT_CHART)
    selection = event.get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", None)
    points = (selection or {}).get("points", []) if isinstance(selection, dict) else \
        getattr(selection, "points", []) or []
    if not points:
        return
    point = points[0]
    signature = repr(point)
    if st.session_state.get(K.UNIT_SEEN) == signature:
        return
    st.session_state[K.UNIT_SEEN] = signature
    y = point.get("y") if isinstance(point, dict) else None
    if y is not None and 0 <= int(y) < n_units:
        st.session_state[K.SENTENCE] = int(y)


def _chosen_token() -> None:
    """A token clicked in the document becomes the chosen query."""
    value = getattr(st.session_state.get(K.DOCUMENT), "token", None)
    if value is not None:
        st.session_state[K.TOKEN] = int(value)


def document_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    """The whole document shaded by the chosen token's (or its sentence's) attention, and its strongest keys."""
    query_tokens, key_tokens = cap.axes(opts.kind)
    if query_tokens != key_tokens:
        st.info(t("The text view needs self-attention (the same words on both sides): pick a self-attention kind."))
        return
    n = len(key_tokens)
    if st.session_state.get(K.TOKEN) is None or not 0 <= int(st.session_state[K.TOKEN]) < n:
        st.session_state[K.TOKEN] = n - 1
    tr = fixed()
    c1, c2, c3, c4 = st.columns([2, 3, 2, 2], vertical_alignment="bottom")
    q = int(c1.number_input(t("Query token"), 0, n - 1, key=K.TOKEN, persist_state=K.TOKEN.keep,
                            help=t("Or click a token in the text.")))
    by = c2.radio(t("Shade by"), SHADES, horizontal=True, key=K.SHADE_BY, format_func=lambda s: tr(SHADE_NAMES[s]))
    mean = c3.toggle(t("Mean over the layer's heads"), key=K.TEXT_MEAN)
    k = int(c4.number_input(t("Top keys listed"), 1, 50, 10, key=K.TOP_K))
    aside = sink_views.aside_switch(cap, opts.kind)
    rows = (q, q + 1)
    if by == "sentence" and cap.spans and cap.text:
        units, _ = units_read(cap, "sentence")
        if units[q] >= 0:
            ranges = unit_ranges(units, int(units.max()) + 1)
            rows = tuple(int(v) for v in ranges[units[q]])
    src = cap.source(opts.kind)
    heads = range(src.shape[1]) if mean else [opts.head]
    values = np.mean([shading(src, opts.layer, h, rows, aside) for h in heads], axis=0)
    if rows == (q, q + 1) and not mean:
        positions, weights = top_keys(src, opts.layer, opts.head, q, k, aside)
    else:
        positions = np.argsort(-values, kind="stable")[:k]
        weights = values[positions]
    marks = aside or sink_views.marked(cap, opts.kind)
    document.text(cap, K.DOCUMENT, screen.text_px() - 4, _chosen_token)
    document.shade(cap, K.DOC_SHADE, values, rows, int(positions[0]) if len(positions) else q, marks)
    who = t("the mean of layer {layer}'s heads", layer=opts.layer) if mean else \
        t("head {head} of layer {layer}", head=opts.head, layer=opts.layer)
    what = t("token {q} “{token}”", q=q, token=escape(key_tokens[q])) if rows == (q, q + 1) else \
        t("tokens {a}–{b} (the sentence of token {q})", a=rows[0], b=rows[1] - 1, q=q)
    st.caption(t("{n} tokens, each shaded by how much {what} attends to it ({who}); outlined: the query, "
                 "dotted: the sinks. The text scrolls to the strongest key. Click a token to choose it.",
                 n=f"{n:,}", what=what, who=who))
    st.markdown(t("**The {k} keys it weighs most**", k=len(positions)))
    screen.table(st, top_keys_table(in_context(key_tokens, positions, weights)), hide_index=True)
