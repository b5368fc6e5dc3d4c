"""Compare side by side: two panes (model, text, positions) on one colour scale, B − A on the aligned tokens,
and every head of A measured against every head of B."""
import numpy as np
import streamlit as st

from attnviz.analysis import reduce
from attnviz.analysis.compare import relative_index
from attnviz.core.errors import AttnvizError
from attnviz.figures import compare_charts, compare_plots, plots, views
from attnviz.figures.compare_report import report_html
from attnviz.figures.export import npz_bytes
from attnviz.ui import compare_setups, pane, state, urlstate
from attnviz.ui.compare_cache import cached_comparison
from attnviz.ui.figure_out import show, take_click
from attnviz.ui.keys import Compare as K
from attnviz.ui.keys import Sidebar
from attnviz.ui.literal import escape
from attnviz.ui.sidebar import CUSTOM

VIEWS = ["Heatmap", "Head view", "Model view", "Aggregates", "Statistics", "Query–key"]
AGGREGATES = ["mean over heads", "max over heads", "rollout"]


def take_distance_click() -> None:
    """A click on a cell of the distance matrix opens those two heads side by side (read before the pickers)."""
    clicked = take_click(K.DISTANCE_CHART, K.DISTANCE_SEEN)
    if clicked is not None and len(clicked) >= 4:
        la, ha, lb, hb = (int(v) for v in clicked[:4])
        st.session_state.update({K.LAYER_A: la, K.HEAD_A: ha, K.LAYER_B: lb, K.HEAD_B: hb, K.LOCK: False,
                                 K.VIEW: "Heatmap"})


def setups() -> None:
    st.pills("Quick set-ups", list(compare_setups.SETUPS), key=K.SETUP, on_change=compare_setups.apply,
             help="Each fills both panes; B otherwise starts as a copy of A.")
    note = st.session_state.pop(compare_setups.NOTE, None)
    if note:
        st.info(note)


def panes(sel) -> tuple[list, list]:
    """Both panes' inputs, and each one's (model, capture) or None where it failed (the other keeps working)."""
    specs, loaded = [], []
    cols = st.columns(2, gap="large")
    for side, col in zip("ab", cols):
        with col:
            h1, h2 = st.columns([2, 1], vertical_alignment="bottom")
            h1.markdown(f"#### Pane {side.upper()}")
            if side == "b":
                h2.button("Copy A → B", on_click=pane.copy_a_to_b, key=K.COPY, width="stretch",
                          help="B becomes a copy of A: change one thing to see its effect.")
            p = pane.inputs(side)
            specs.append(p)
            loaded.append(pane.load(p, sel.device, sel.trust_remote_code))
    return specs, loaded


def _slider(label: str, n: int, key: str, where) -> int:
    if n <= 1:
        st.session_state.pop(key, None)
        return 0
    if not isinstance(st.session_state.get(key), int) or not 0 <= st.session_state[key] < n:
        st.session_state[key] = min(max(int(st.session_state.get(key) or 0), 0), n - 1)
    return where.slider(label, 0, n - 1, key=key)


def pickers(caps: list) -> tuple[int, int, int, int]:
    """Layer and head of A and of B: locked together (by relative depth) unless B is unlocked."""
    (la_n, ha_n), (lb_n, hb_n) = [tuple(c.shape("self")[:2]) if c else (1, 1) for c in caps]
    c0, c1, c2, c3, c4 = st.columns([3, 3, 3, 3, 3], vertical_alignment="center")
    lock = c0.toggle("Lock B to A", value=True, key=K.LOCK, disabled=not all(caps),
                     help="Locked: B's layer and head follow A's, matched by relative depth. Unlock to pick B's apart.")
    lock = lock and all(caps)  # with one pane failed, the other keeps its own pickers
    la, ha = _slider("Layer (A)", la_n, K.LAYER_A, c1), _slider("Head (A)", ha_n, K.HEAD_A, c2)
    if lock:
        lb, hb = relative_index(la, la_n, lb_n), relative_index(ha, ha_n, hb_n)
        st.session_state.update({K.LAYER_B: lb, K.HEAD_B: hb})
        c3.markdown(f"Layer (B): **{lb}**")
        c4.markdown(f"Head (B): **{hb}**")
    else:
        lb, hb = _slider("Layer (B)", lb_n, K.LAYER_B, c3), _slider("Head (B)", hb_n, K.HEAD_B, c4)
    if caps[0] and caps[1]:
        how = ("the same count on both sides, so layer i is layer i" if la_n == lb_n else
               f"A has {la_n} layers and B {lb_n}: B's layer = round(A's layer × {lb_n - 1}/{max(la_n - 1, 1)}), "
               "first to first, last to last")
        st.caption(f"Layers are matched by relative depth ({how}); heads by the same rule"
                   + (" (locked)." if lock else "; B is unlocked and picked by hand."))
    return la, ha, lb, hb


def view_controls() -> tuple[str, dict]:
    view = st.radio("View (each pane, through the explorer's own view functions)", VIEWS, horizontal=True, key=K.VIEW)
    options: dict = {}
    if view == "Heatmap":
        options["log"] = st.toggle("Log colour scale", key=K.LOG)
    elif view == "Aggregates":
        options["how"] = st.radio("Aggregate", AGGREGATES, horizontal=True, key=K.AGGREGATE)
    elif view == "Statistics":
        options["stat"] = st.selectbox("Statistic", ["entropy", "mean distance", "first token", "self", "previous token"],
                                       key=K.STAT)
    return view, options


def _pane_view(cap, view: str, layer: int, head: int, options: dict):
    """What the explorer's own view function draws for one pane, and the matrix behind it (or None)."""
    q, k = cap.axes("self")
    if view == "Heatmap":
        return views.heatmap(cap, layer=layer, head=head, log_color=options["log"]), cap.head("self", layer, head), q, k
    if view == "Aggregates":
        stack = cap.attention["self"]
        if options["how"] == "rollout":
            return views.rollout(cap, layer=layer), reduce.rollout(stack)[layer], q, k
        how = "mean" if options["how"].startswith("mean") else "max"
        return views.aggregate(cap, layer=layer, how=how), reduce.aggregate(stack, how)[layer], q, k
    if view == "Head view":
        drawn = views.head_view(cap, layer=layer)
    elif view == "Model view":
        drawn = views.model_view(cap)
    elif view == "Statistics":
        drawn = views.statistics(cap, stat=options["stat"])
    else:
        drawn = views.qk(cap, layer=layer, head=head) if "self" in cap.qk else None
    return drawn, None, q, k


def _figure(drawn):
    """The plotly figure of what a view function returned (a figure, or a result holding one)."""
    return getattr(drawn, "figure", drawn)


def _csv(drawn, matrix, q, k):
    """The CSV behind a view: the view's own table where it has one, else the matrix it draws (or None)."""
    if getattr(drawn, "table", None) is not None:
        return drawn.csv
    return (lambda: plots.to_csv(matrix, q, k)) if matrix is not None else None


def _zrange(fig) -> tuple[float, float]:
    z = np.asarray(fig.data[0].z, dtype=float)
    return float(np.nanmin(z)), float(np.nanmax(z))


def pane_views(loaded: list, picks: tuple, view: str, options: dict, img_format: str) -> None:
    """Each pane's view side by side; heatmaps on one colour scale, stated above them."""
    la, ha, lb, hb = picks
    built = [_pane_view(item[1], view, layer, head, options) if item else (None, None, [], [])
             for item, (layer, head) in zip(loaded, ((la, ha), (lb, hb)))]
    matrices = [m for _d, m, _q, _k in built if m is not None]
    if matrices and not options.get("log"):
        zmax = compare_plots.shared_scale(*matrices)
        for drawn, *_rest in built:
            if drawn is not None:
                compare_plots.on_scale(_figure(drawn), zmax)
        st.caption(f"One colour scale for both panes: 0 (white) to {zmax:.3f} (darkest), the larger maximum of the "
                   "two matrices shown, so equal colours mean equal weights.")
    elif view == "Statistics":
        figs = [_figure(d) for d, *_rest in built if d is not None]
        values = [v for f in figs for v in _zrange(f)]
        if values:
            for fig in figs:
                fig.update_traces(zmin=min(values), zmax=max(values))
            st.caption(f"One colour scale for both panes: {min(values):.3f} to {max(values):.3f}.")
    elif view == "Model view":
        st.caption("Each thumbnail is scaled to its own maximum (as on the explorer): compare shapes here, weights in "
                   "the heatmap.")
    cols = st.columns(2, gap="large")
    for side, col, (drawn, matrix, q, k) in zip("ab", cols, built):
        with col:
            if drawn is None:
                if loaded["ab".index(side)]:
                    st.info(f"Pane {side.upper()}: this capture kept no query and key vectors.")
                continue
            show(_figure(drawn), K.figure(side, view), _csv(drawn, matrix, q, k), img_format=img_format)


def difference(result, picks: tuple, img_format: str) -> None:
    la, ha, lb, hb = picks
    st.subheader("Difference B − A on the aligned tokens")
    al = result.alignment
    st.caption(f"{len(al.units)} aligned units: tokens of A and B that cover the same characters are one unit (a word "
               "split in two by one tokeniser and kept whole by the other is one row). A unit's row is the mean of its "
               "tokens' rows, its column the sum of its tokens' columns.")
    if not al.comparable:
        st.info(al.reason())
        return
    diff = result.diff(la, ha, lb, hb)
    fig = compare_plots.difference_heatmap(diff, result.labels, f"B layer {lb} head {hb} − A layer {la} head {ha}")
    show(fig, K.DIFFERENCE_CHART, lambda: plots.to_csv(diff, result.labels, result.labels), img_format=img_format)
    st.caption("Red: B gives more weight; blue: A does; white: the same. The colour scale is centred on zero.")


def distances(result, img_format: str) -> None:
    if not result.alignment.comparable:
        return
    st.subheader("Which head of B does what a head of A does?")
    st.caption("Jensen–Shannon divergence (base 2) between the two heads' attention rows on the aligned tokens, "
               "averaged over queries: 0 for identical heads, 1 for heads that attend to disjoint tokens. Each A head's "
               "closest B head is ringed in red. Click a cell to open both heads side by side.")
    fig = compare_plots.distance_matrix(result.distances, result.shape_a, result.shape_b, result.best_a,
                                        "A heads (rows) × B heads (columns)")
    rows = [f"A L{i // result.shape_a[1]} h{i % result.shape_a[1]}" for i in range(result.distances.shape[0])]
    cols = [f"B L{j // result.shape_b[1]} h{j % result.shape_b[1]}" for j in range(result.distances.shape[1])]
    show(fig, K.DISTANCE_CHART, lambda: plots.to_csv(result.distances, rows, cols), img_format=img_format,
         on_select="rerun", selection_mode="points")


def statistics(caps: list) -> None:
    st.subheader("Head statistics of A and B")
    frame = compare_charts.statistics_frame(reduce.head_statistics(caps[0]), reduce.head_statistics(caps[1]))
    names = [c for c in frame.columns if c not in ("head id", "side", "layer", "head", "relative depth")]
    stat = st.selectbox("Statistic", names, key=K.STAT_PICK)
    event = st.session_state.get(K.STAT_CHART)
    inside = compare_charts.brushed(frame, stat, (event or {}).get("selection") if isinstance(event, dict) else
                                    getattr(event, "selection", None))
    rows = ((st.session_state.get(K.STAT_TABLE) or {}).get("selection") or {}).get("rows", [])
    picked = [inside["head id"].iloc[r] for r in rows if r < len(inside)]
    st.altair_chart(compare_charts.statistics_chart(frame, stat, picked), key=K.STAT_CHART, on_select="rerun",
                    width="stretch")
    st.caption("Drag a box on the chart to list those heads below (double-click to clear it); select rows of the "
               "table to enlarge them on the chart. Entropy in nats; mean distance in positions; the others are the "
               "average weight a query gives to that target.")
    if len(inside) < len(frame):
        shown = ", ".join(inside["head id"].head(12)) + (", …" if len(inside) > 12 else "")
        st.markdown(f"**{len(inside)} of {len(frame)} heads in the box:** {shown}")
    st.dataframe(inside.round(4), hide_index=True, width="stretch", key=K.STAT_TABLE, on_select="rerun",
                 selection_mode="multi-row")


def exports(specs: list, loaded: list, result) -> None:
    st.divider()
    cols = st.columns(3)
    for side, col, item in zip("ab", cols, loaded):
        if item:
            model, cap = item
            col.download_button(f"Capture {side.upper()} as NPZ", lambda m=model, c=cap: npz_bytes(c, m.info),
                                file_name=f"attnviz-capture-{side}.npz", mime="application/octet-stream",
                                key=K.npz(side))
    if result is not None and all(loaded):
        (ma, ca), (mb, cb) = loaded
        cols[2].download_button("Comparison report (HTML, offline)",
                                lambda: report_html(result, ma.info.name, mb.info.name, ca.text, cb.text, ca.tokens,
                                                    cb.tokens), file_name="attnviz-compare.html", mime="text/html",
                                key=K.REPORT)


def publish(specs: list, view: str, picks: tuple) -> None:
    params: dict = {}
    for p in specs:
        params.update({f"{p.side}_model": p.choice, f"{p.side}_text": p.text,
                       f"{p.side}_path": p.path if p.choice in (CUSTOM, pane.UNTRAINED) else None,
                       f"{p.side}_pos": p.positions if p.positions != "normal" else None})
    la, ha, lb, hb = picks
    lock = bool(st.session_state.get(K.LOCK, True))
    params.update(cview=view, la=la, ha=ha, lb=None if lock else lb, hb=None if lock else hb, lock=None if lock else False)
    link = urlstate.publish(params)
    urlstate.show_link(link, "both panes, the view, layers and heads", heading="this comparison",
                       texts={"text A": str(st.session_state.get(pane.key("a", "text")) or ""),
                              "text B": str(st.session_state.get(pane.key("b", "text")) or "")},
                       carry="whoever opens the link pastes them into the boxes Text A and Text B")


def main() -> None:
    take_distance_click()
    st.title("Compare side by side")
    st.caption("Two panes, each with its own model, text and positions; B starts as a copy of A, so changing one "
               "thing shows its effect. Tokens are aligned by the characters they cover, so two different tokenisers "
               "can be compared.")
    sel = state.selection()
    pane.start(st.session_state.get(Sidebar.MODEL) or sel.spec, st.session_state.get(Sidebar.PATH) or "", sel.text)
    setups()
    specs, loaded = panes(sel)
    pane.remember()
    caps = [item[1] if item else None for item in loaded]
    st.divider()
    picks = pickers(caps)
    view, options = view_controls()
    img_format = st.sidebar.radio("Image format of the figures' camera button", ["png", "svg"], horizontal=True,
                                  key=K.IMAGE_FORMAT)
    pane_views(loaded, picks, view, options, img_format)
    result = None
    if all(caps):
        try:
            result = cached_comparison(specs[0].cache_key(sel.device, sel.trust_remote_code),
                                       specs[1].cache_key(sel.device, sel.trust_remote_code))
        except (AttnvizError, ValueError) as exc:
            st.warning(escape(f"The two panes cannot be compared: {exc}"))
        if result is not None:
            difference(result, picks, img_format)
            distances(result, img_format)
            statistics(caps)
    else:
        failed = " and ".join(p.name for p, item in zip(specs, loaded) if not item)
        st.info(f"The comparison (difference, head distances, statistics) needs both panes; pane {failed} did not "
                "load (its message is above). The other pane works on its own.")
    exports(specs, loaded, result)
    publish(specs, view, picks)


main()
