"""The heatmap of a long input: the head's overview pooled to the screen, any region redrawn from the queries and keys
at full resolution or pooled (drawn as a box on the figure, or typed as four positions), a minimap that says where
the region lies, and the region and pooling in the link (state.explorer.REGION and POOL)."""
from __future__ import annotations

import re

import streamlit as st

from attnviz.analysis.zoom import SCREEN, overview, region
from attnviz.app.pages.explorer import sinks as sink_views
from attnviz.app.shell import screen
from attnviz.app.state import explorer as K
from attnviz.app.widgets.figure_out import show as show_figure
from attnviz.core.types import AttentionCapture
from attnviz.figures.views import ViewOptions
from attnviz.figures.zoomed import colour_cap, minimap, zoomed_heatmap
from attnviz.i18n import N_, fixed, t, tn
from attnviz.models.loading import LoadedModel

ZOOM_FROM = 512  # key positions past which the heatmap view is an overview that zooms (below: a cell per token)
MINI = 96  # the minimap's cells a side
POOLS = ("max", "mean")
POOL_NAMES = {"max": N_("max"), "mean": N_("mean")}
_REGION = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*,\s*(\d+)\s*-\s*(\d+)\s*$")


def is_long(cap: AttentionCapture, kind: str) -> bool:
    """Whether this view of the capture is drawn as an overview that zooms."""
    return len(cap.axes(kind)[1]) > ZOOM_FROM


def region_text(rows: tuple[int, int], cols: tuple[int, int]) -> str:
    """The link's region: first and last positions, both included ("0-511,0-511")."""
    return f"{rows[0]}-{rows[1] - 1},{cols[0]}-{cols[1] - 1}"


def parse_region(text: str | None, n_q: int, n_k: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(rows, cols), each [start, stop), from the link's "q0-q1,k0-k1" (both ends included), kept inside the
    capture; None for a malformed or empty region."""
    m = _REGION.match(text or "")
    if not m:
        return None
    q0, q1, k0, k1 = (int(g) for g in m.groups())
    q0, k0 = min(q0, n_q - 1), min(k0, n_k - 1)
    q1, k1 = min(q1, n_q - 1), min(k1, n_k - 1)
    if q1 < q0 or k1 < k0:
        return None
    return (q0, q1 + 1), (k0, k1 + 1)


def _set_region(rows: tuple[int, int], cols: tuple[int, int]) -> None:
    s = st.session_state
    s[K.Q0], s[K.Q1], s[K.K0], s[K.K1] = rows[0], rows[1] - 1, cols[0], cols[1] - 1


def _whole(n_q: int, n_k: int) -> None:
    """The reset button's callback: the whole head again."""
    _set_region((0, n_q), (0, n_k))


def _start(n_q: int, n_k: int) -> None:
    """Before the inputs are drawn: the link's region on a first visit, a box drawn on the figure, and values kept for
    another text brought inside this one."""
    s = st.session_state
    if K.Q0 not in s:
        found = parse_region(s.get(K.REGION), n_q, n_k)
        if s.get(K.REGION) and found is None:
            st.warning(t("The link's region {region} is not first-last,first-last inside the text: showing the whole "
                         "head.", region=s.get(K.REGION)))
        _set_region(*(found or ((0, n_q), (0, n_k))))
    old = s.get(K.ZOOM_FOR)
    if old is not None and tuple(old) != (n_q, n_k) and (s[K.Q0], s[K.Q1], s[K.K0], s[K.K1]) == (0, old[0] - 1, 0, old[1] - 1):
        _whole(n_q, n_k)  # the whole head of the last text: the whole head of this one
    s[K.ZOOM_FOR] = (n_q, n_k)
    box = _new_box()
    if box is not None:
        (y0, y1), (x0, x1) = box
        rows = (max(0, int(y0)), min(n_q, int(-(-y1 // 1))))
        cols = (max(0, int(x0)), min(n_k, int(-(-x1 // 1))))
        if rows[1] > rows[0] and cols[1] > cols[0]:
            _set_region(rows, cols)
    for first, last, n in ((K.Q0, K.Q1, n_q), (K.K0, K.K1, n_k)):
        a = min(max(0, int(s.get(first) or 0)), n - 1)
        b = min(max(a, int(s.get(last) if s.get(last) is not None else n - 1)), n - 1)
        s[first], s[last] = a, b


def _new_box() -> tuple[tuple[float, float], tuple[float, float]] | None:
    """((query from, to), (key from, to)) of a box just drawn on the figure, in positions; None if none is new."""
    event = st.session_state.get(K.ZOOM_CHART)
    selection = event.get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", None)
    boxes = (selection or {}).get("box", []) if isinstance(selection, dict) else getattr(selection, "box", []) or []
    if not boxes:
        return None
    box = boxes[-1]
    signature = repr(box)
    if st.session_state.get(K.ZOOM_SEEN) == signature:
        return None
    st.session_state[K.ZOOM_SEEN] = signature
    xs, ys = sorted(float(v) for v in box["x"]), sorted(float(v) for v in box["y"])
    return (ys[0], ys[1]), (xs[0], xs[1])


def zoom_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    """The overview of one head, any region of it, and where the region lies."""
    src = cap.source(opts.kind)
    query_tokens, key_tokens = cap.axes(opts.kind)
    n_q, n_k = len(query_tokens), len(key_tokens)
    _start(n_q, n_k)
    tr = fixed()
    c = st.columns([3, 2, 2, 2, 2, 2], vertical_alignment="bottom")
    how = c[0].radio(t("Each cell shows the"), POOLS, horizontal=True, key=K.POOL,
                     format_func=lambda p: tr(POOL_NAMES[p]),
                     help=t("Pooled cells hold many weights: max keeps a sharp diagonal visible however far out one "
                            "zooms; mean is what a cell holds on average."))
    c[1].number_input(t("Queries from"), 0, n_q - 1, key=K.Q0, persist_state=K.Q0.keep)
    c[2].number_input(t("to"), 0, n_q - 1, key=K.Q1, persist_state=K.Q1.keep)
    c[3].number_input(t("Keys from"), 0, n_k - 1, key=K.K0, persist_state=K.K0.keep)
    c[4].number_input(t("to"), 0, n_k - 1, key=K.K1, persist_state=K.K1.keep)
    c[5].button(t("Whole head"), key=K.ZOOM_RESET, on_click=_whole, args=(n_q, n_k))
    s = st.session_state
    q0, q1, k0, k1 = int(s[K.Q0]), int(s[K.Q1]), int(s[K.K0]), int(s[K.K1])
    if q1 < q0 or k1 < k0:
        st.warning(t("A region's last position lies before its first: showing the whole head."))
        q0, q1, k0, k1 = 0, n_q - 1, 0, n_k - 1
    rows, cols = (q0, q1 + 1), (k0, k1 + 1)
    aside = sink_views.aside_switch(cap, opts.kind)
    marks = aside or sink_views.marked(cap, opts.kind)
    whole = rows == (0, n_q) and cols == (0, n_k)
    if whole:
        z = overview(src, opts.layer, opts.head, SCREEN, how, aside)
    else:
        size = (SCREEN if rows[1] - rows[0] > SCREEN else None, SCREEN if cols[1] - cols[0] > SCREEN else None)
        z = region(src, opts.layer, opts.head, rows, cols, size, how, aside)
    title = t("{kind} · layer {layer} · head {head}", kind=_kind(opts.kind), layer=opts.layer, head=opts.head)
    fig = zoomed_heatmap(z, query_tokens, key_tokens, title, sinks=marks)
    main, side = st.columns([3, 1]) if screen.for_the_desk() else (st.container(), None)
    with main:
        show_figure(fig, K.ZOOM_CHART, None, img_format, on_select="rerun", selection_mode="box")
    with side or st.container():
        mini = overview(src, opts.layer, opts.head, MINI, "max", aside)
        st.plotly_chart(minimap(mini, rows, cols, marks), key=K.MINIMAP, config={"displayModeBar": False},
                        width="stretch")
    wq, wk = z.cell
    st.caption(t("Queries {q0}–{q1} × keys {k0}–{k1} of {n} positions, {cells}. Drag a box on the figure to zoom "
                 "into it (as deep as single tokens), or type the positions; the red triangles mark the sinks.",
                 q0=q0, q1=q1, k0=k0, k1=k1, n=f"{n_k:,}",
                 cells=t("one cell per token") if (wq, wk) == (1, 1) else
                 t("each cell {q} × {k} positions", q=wq, k=wk)))
    stop = colour_cap(z.values)  # where the figure's colours stop, said under it
    if stop is not None:
        above = int((z.values > stop).sum())
        st.caption(tn("The colours stop at {cap}, the 99th percentile of the cells with weight: {n} cell above it (up "
                      "to {top}) is drawn darkest. Hover a cell for its value.",
                      "The colours stop at {cap}, the 99th percentile of the cells with weight: {n} cells above it (up "
                      "to {top}) are drawn darkest. Hover a cell for its value.", above,
                      cap=f"{stop:.3g}", n=f"{above:,}", top=f"{float(z.values.max()):.3g}"))


def _kind(kind: str) -> str:
    from attnviz.figures import words

    return words.kind(kind)


def link_values(cap: AttentionCapture, kind: str) -> dict:
    """What the link keeps of the zoom: the region (when it is not the whole head) and the pooling."""
    s = st.session_state
    if K.Q0 not in s:
        return {K.REGION: s.get(K.REGION), K.POOL: s.get(K.POOL)}
    n_q, n_k = (len(tokens) for tokens in cap.axes(kind))
    rows, cols = (int(s[K.Q0]), int(s[K.Q1]) + 1), (int(s[K.K0]), int(s[K.K1]) + 1)
    whole = rows == (0, n_q) and cols == (0, n_k)
    return {K.REGION: None if whole else region_text(rows, cols), K.POOL: s.get(K.POOL)}
