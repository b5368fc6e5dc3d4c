"""Compare side by side: two panes (model, text, positions) on one colour scale, B − A on the aligned tokens,
and every head of A measured against every head of B."""
import logging
from functools import partial

import numpy as np
import streamlit as st

from attnviz.analysis import reduce
from attnviz.analysis.layer_pass import current
from attnviz.analysis.align import read_part
from attnviz.analysis.compare import relative_index
from attnviz.core.errors import AttnvizError
from attnviz.figures import compare_charts, compare_plots, plots, views
from attnviz.figures.compare_report import report_html
from attnviz.figures.export import npz_bytes
from attnviz.app.shell import screen
from attnviz.app.pages.compare import setups as compare_setups
from attnviz.app.shell import messages as errors
from attnviz.app.pages.compare import names, pane, patching
from attnviz.app.pipeline import load as pipeline
from attnviz.app.pipeline.one_pass import estimated, first_look, labelled, one_pass, read
from attnviz.app.shell import links as urlstate
from attnviz.app.pages.compare.cache import cached_comparison
from attnviz.app.pages.compare.changes import take_changes_click, what_changed
from attnviz.app.pages.compare.censuses import censuses, take_strips_click
from attnviz.app.widgets.figure_out import ImageFormat, show, take_click
from attnviz.app.shell.language import lang
from attnviz.i18n import fixed, N_, say, t
from attnviz.app.state import compare as K
from attnviz.app.state import sidebar as Sidebar
from attnviz.app.widgets.literal import message as literal_message
from attnviz.app.shell.sidebar import CUSTOM

log = logging.getLogger("attnviz.app")

SETUP_NAMES = {"two_models": N_("Two models, same text"), "two_texts": N_("Same model, two texts"), "checkpoint": N_("Checkpoint vs its untrained start"), "positions": N_("Positions intact vs shuffled")}
SETUP_NOTES = {"two_models": N_("B runs {model} on A's text."), "two_texts": N_("Same model; the texts differ in one word (he / she)."), "no_checkpoint": N_("No checkpoint found: train a model in the Training lab (or enter a checkpoint folder as A's model), then press this again."), "checkpoint": N_("A: the checkpoint; B: the same model before its first training step (its untrained start); both read the task's own sample input, as the Training lab's \"Open it in the explorer\" does."), "positions": N_("Same model and text; B's positional encoding is shuffled over positions (seed 0).")}
VIEW_NAMES = {"heatmap": N_("Heatmap"), "head_view": N_("Head view"), "model_view": N_("Model view"), "text": N_("Text"), "aggregates": N_("Aggregates"), "statistics": N_("Statistics"), "query_key": N_("Query–key"), "generate": N_("Generate")}
AGGREGATE_NAMES = {"mean": N_("mean over heads"), "max": N_("max over heads"), "rollout": N_("rollout"), "flow": N_("flow")}

# values stay English (kept in the session and the link: cview=Heatmap); people read the explorer's names for them
VIEWS = ["Heatmap", "Head view", "Model view", "Aggregates", "Statistics", "Query–key"]
VIEW_KEYS = {"Heatmap": "heatmap", "Head view": "head_view", "Model view": "model_view", "Aggregates": "aggregates",
             "Statistics": "statistics", "Query–key": "query_key"}
AGGREGATES = {"mean over heads": "mean", "max over heads": "max", "rollout": "rollout"}
STATISTICS = ["entropy", "mean distance", "first token", "self", "previous token"]


def take_distance_click() -> None:
    """A click on a cell of the distance matrix opens those two heads side by side (read before the pickers)."""
    clicked = take_click(K.DISTANCE_CHART, K.DISTANCE_SEEN)
    if clicked is not None and len(clicked) >= 4:
        la, ha, lb, hb = (int(v) for v in clicked[:4])
        st.session_state.update({K.LAYER_A: la, K.HEAD_A: ha, K.LAYER_B: lb, K.HEAD_B: hb, K.LOCK: False,
                                 K.VIEW: "Heatmap"})


def setups() -> None:
    st.pills(t("Quick set-ups"), list(compare_setups.SETUPS), key=K.SETUP, on_change=compare_setups.apply,
             format_func=lambda name, tr=fixed(): tr(SETUP_NAMES[name]), help=t("Each fills both panes; B otherwise starts as a copy of A."))
    note = st.session_state.pop(compare_setups.NOTE, None)
    if note:
        name, values = note
        st.info(t(SETUP_NOTES[name], **values))


def present_controls(sel) -> tuple[list, list, tuple, str, dict]:
    """Presentation mode: each pane, the set-ups and the pickers folded into one row of popovers (every control
    still there), so the first figure starts on the first screen of a projector."""
    cols = st.columns([5, 5, 3, 3])
    specs = []
    for side, col in zip("ab", cols):
        with col.popover(pane.summary(side), width="stretch"):
            if side == "b":
                st.button(t("Copy A → B"), on_click=pane.copy_a_to_b, key=K.COPY, help=t("B becomes a copy of A: change one thing to see its effect."))
            specs.append(pane.inputs(side))
    with cols[2].popover(t("Quick set-ups"), width="stretch"):
        setups()  # no word of the sidebar here: presenting hides it
    # loaded outside the popovers: a pane's failure is said on the page, not inside a closed popover
    loaded = [pane.load(p, sel.device, sel.trust_remote_code) for p in specs]
    with cols[3].popover(t("Layer, head and view"), width="stretch"):
        picks = pickers([item[1] if item else None for item in loaded])
        view, options = view_controls()
    return specs, loaded, picks, view, options


def panes(sel) -> tuple[list, list]:
    """Both panes' inputs, and each one's (model, capture) or None where it failed (the other keeps working)."""
    specs, loaded = [], []
    cols = st.columns(2, gap="large")
    for side, col in zip("ab", cols):
        with col:
            h1, h2 = st.columns([2, 1], vertical_alignment="bottom")
            h1.markdown(t("#### Pane {side}", side=side.upper()))
            if side == "b":
                h2.button(t("Copy A → B"), on_click=pane.copy_a_to_b, key=K.COPY, width="stretch",
                          help=t("B becomes a copy of A: change one thing to see its effect."))
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
    st.session_state.setdefault(K.LOCK, True)  # not value=True: a link sets this key (lock=0), and both would warn
    lock = c0.toggle(t("Lock B to A"), key=K.LOCK, disabled=not all(caps), help=t("Locked: B's layer and head follow A's, matched by relative depth. Unlock to pick B's apart."))
    lock = lock and all(caps)  # with one pane failed, the other keeps its own pickers
    la = _slider(t("Layer ({side})", side="A"), la_n, K.LAYER_A, c1)
    ha = _slider(t("Head ({side})", side="A"), ha_n, K.HEAD_A, c2)
    if lock:
        lb, hb = relative_index(la, la_n, lb_n), relative_index(ha, ha_n, hb_n)
        st.session_state.update({K.LAYER_B: lb, K.HEAD_B: hb})
        c3.markdown(t("Layer ({side}): **{value}**", side="B", value=lb))
        c4.markdown(t("Head ({side}): **{value}**", side="B", value=hb))
    else:
        lb = _slider(t("Layer ({side})", side="B"), lb_n, K.LAYER_B, c3)
        hb = _slider(t("Head ({side})", side="B"), hb_n, K.HEAD_B, c4)
    if caps[0] and caps[1]:
        how = (t("the same count on both sides, so layer i is layer i") if la_n == lb_n else
               t("A has {a} layers and B {b}: B's layer = round(A's layer × {num}/{den}), first to first, last to last", a=la_n, b=lb_n, num=lb_n - 1, den=max(la_n - 1, 1)))
        st.caption(t("Layers are matched by relative depth ({how}); heads by the same rule (locked).", how=how) if lock else t("Layers are matched by relative depth ({how}); heads by the same rule; B is unlocked and picked by hand.", how=how))
    return la, ha, lb, hb


def view_controls() -> tuple[str, dict]:
    tr = fixed()
    view = st.radio(t("View (each pane, through the explorer's own view functions)"), VIEWS, horizontal=True, key=K.VIEW,
                    format_func=lambda v: tr(VIEW_NAMES[VIEW_KEYS[v]]))
    options: dict = {}
    if view == "Heatmap":
        options["log"] = st.toggle(t("Log colour scale"), key=K.LOG, help=t("Shows small weights that a linear scale hides."))
    elif view == "Aggregates":
        options["how"] = st.radio(t("Aggregate"), list(AGGREGATES), horizontal=True, key=K.AGGREGATE,
                                  format_func=lambda a: tr(AGGREGATE_NAMES[AGGREGATES[a]]))
    elif view == "Statistics":
        options["stat"] = st.selectbox(t("Statistic"), STATISTICS, key=K.STAT,
                                       format_func=partial(views.stat_label))
    return view, options


def _pane_view(cap, view: str, layer: int, head: int, options: dict):
    """What the explorer's own view function draws for one pane, and the matrix behind it (or None): the view's
    table holds it, so nothing is computed twice."""
    q, k = cap.axes("self")
    o = views.ViewOptions(width=screen.pane_px())  # labels laid out for a pane's width: none overlap
    if view == "Heatmap":
        drawn = views.heatmap(cap, o, layer=layer, head=head, log_color=options["log"])
    elif view == "Aggregates":
        drawn = (views.rollout(cap, o, layer=layer) if options["how"] == "rollout" else
                 views.aggregate(cap, o, layer=layer, how=AGGREGATES[options["how"]]))
    else:
        if view == "Head view":
            drawn = views.head_view(cap, o, layer=layer)
        elif view == "Model view":
            drawn = views.model_view(cap, o)
        elif view == "Statistics":
            drawn = views.statistics(cap, o, stat=options["stat"])
        else:
            drawn = views.qk(cap, o, layer=layer, head=head) if "self" in cap.qk else None
        return drawn, None, q, k
    return drawn, drawn.table.to_numpy(), q, k


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


def pane_views(loaded: list, picks: tuple, view: str, options: dict, img_format: str, models: list[str]) -> None:
    """Each pane's view side by side; heatmaps on one colour scale, stated above them. models: each pane's model as
    its downloads name it."""
    la, ha, lb, hb = picks
    built = [_pane_view(item[1], view, layer, head, options) if item else (None, None, [], [])
             for item, (layer, head) in zip(loaded, ((la, ha), (lb, hb)))]
    matrices = [m for _d, m, _q, _k in built if m is not None]
    if matrices and not options.get("log"):
        zmax = compare_plots.shared_scale(*matrices)
        for drawn, *_rest in built:
            if drawn is not None:
                compare_plots.on_scale(_figure(drawn), zmax)
        st.caption(t("One colour scale for both panes: 0 (white) to {zmax} (darkest), the larger maximum of the two matrices shown, so equal colours mean equal weights.", zmax=f"{zmax:.3f}"))
    elif view == "Statistics":
        figs = [_figure(d) for d, *_rest in built if d is not None]
        values = [v for f in figs for v in _zrange(f)]
        if values:
            for fig in figs:
                fig.update_traces(zmin=min(values), zmax=max(values))
            st.caption(t("One colour scale for both panes: {low} to {high}.", low=f"{min(values):.3f}", high=f"{max(values):.3f}"))
    elif view == "Model view":
        st.caption(t("Each thumbnail is scaled to its own maximum (as on the explorer): compare shapes here, weights in the heatmap."))
    # side by side on a projector too: a class compares the two at a glance, both on the first screen
    cols = screen.side_by_side(2)
    for side, col, (drawn, matrix, q, k) in zip("ab", cols, built):
        with col:
            if drawn is None:
                if loaded["ab".index(side)]:
                    st.info(t("Pane {side}: this capture kept no query and key vectors.", side=side.upper()))
                continue
            if screen.presenting():
                st.markdown(t("**Pane {side}**", side=side.upper()))
            layer, head = picks[:2] if side == "a" else picks[2:]
            stem = names.pane_stem(models["ab".index(side)], side, view, layer, head, AGGREGATES.get(options.get("how")))
            if view in ("Model view", "Statistics"):  # a long input's first look: said, with its exact pass
                src = loaded["ab".index(side)][1].source("self")
                first_look(src, K.exact_pass(side))
                if estimated(src):
                    labelled(_figure(drawn), src, img_format)
                    stem = f"{stem}-first-look"
            show(_figure(drawn), K.figure(side, view), _csv(drawn, matrix, q, k), img_format=img_format,
                 name=stem, presented=screen.pane_height())


def difference(result, picks: tuple, img_format: str, models: tuple[str, str]) -> None:
    la, ha, lb, hb = picks
    st.subheader(t("Difference B − A on the aligned tokens"))
    al = result.alignment
    st.caption(t("{n} aligned units: tokens of A and B that cover the same characters are one unit (a word split in two by one tokeniser and kept whole by the other is one row). A unit's row is the mean of its tokens' rows, its column the sum of its tokens' columns.", n=len(al.units)))
    if not al.comparable:
        st.info(say(al.reason()))
        return
    diff = result.diff(la, ha, lb, hb)
    fig = compare_plots.difference_heatmap(diff, result.labels, t("B layer {lb} head {hb} − A layer {la} head {ha}", la=la, ha=ha, lb=lb, hb=hb))
    show(fig, K.DIFFERENCE_CHART, lambda: plots.to_csv(diff, result.labels, result.labels), img_format=img_format,
         name=names.difference_stem(*models, picks))
    st.caption(t("Red: B gives more weight; blue: A does; white: the same. The colour scale is centred on zero."))


def distances(result, img_format: str, models: tuple[str, str]) -> None:
    if not result.alignment.comparable:
        return
    st.subheader(t("Which head of B does what a head of A does?"))
    st.caption(t("Jensen–Shannon divergence (base 2) between the two heads' attention rows on the aligned tokens, averaged over queries: 0 for identical heads, 1 for heads that attend to disjoint tokens. Each A head's closest B head is ringed in red. Click a cell to open both heads side by side."))
    fig = compare_plots.distance_matrix(result.distances, result.shape_a, result.shape_b, result.best_a,
                                        t("A heads (rows) × B heads (columns)"))
    rows = [f"A L{i // result.shape_a[1]} h{i % result.shape_a[1]}" for i in range(result.distances.shape[0])]
    cols = [f"B L{j // result.shape_b[1]} h{j % result.shape_b[1]}" for j in range(result.distances.shape[1])]
    show(fig, K.DISTANCE_CHART, lambda: plots.to_csv(result.distances, rows, cols), img_format=img_format,
         name=names.distances_stem(*models),
         on_select="rerun", selection_mode="points")


def statistics(caps: list, view: str) -> None:
    st.subheader(t("Head statistics of A and B"))
    for side, cap in zip("ab", caps):
        src = cap.source("self")
        if view in ("Model view", "Statistics"):  # the pane's button, above its figure, makes it exact
            if estimated(src):
                st.caption(t("Pane {side}: {how}", side=side.upper(), how=read(current(src))))
        else:
            first_look(src, K.exact_pass(side), side=side.upper())
    frame = compare_charts.statistics_frame(reduce.head_statistics(caps[0]), reduce.head_statistics(caps[1]))
    names = [c for c in frame.columns if c not in ("head id", "side", "layer", "head", "relative depth")]
    stat = st.selectbox(t("Statistic"), names, key=K.STAT_PICK, format_func=partial(views.stat_label))
    event = st.session_state.get(K.STAT_CHART)
    inside = compare_charts.brushed(frame, stat, (event or {}).get("selection") if isinstance(event, dict) else
                                    getattr(event, "selection", None))
    rows = ((st.session_state.get(K.STAT_TABLE) or {}).get("selection") or {}).get("rows", [])
    picked = [inside["head id"].iloc[r] for r in rows if r < len(inside)]
    st.altair_chart(compare_charts.statistics_chart(frame, stat, picked), key=K.STAT_CHART,
                    on_select="rerun", width="stretch")
    st.caption(t("Drag a box on the chart to list those heads below (double-click to clear it); select rows of the table to enlarge them on the chart. Entropy in nats; mean distance in positions; the others are the average weight a query gives to that target."))
    if len(inside) < len(frame):
        shown = ", ".join(inside["head id"].head(12)) + (", …" if len(inside) > 12 else "")
        st.markdown(t("**{n} of {total} heads in the box:** {heads}", n=len(inside), total=len(frame), heads=shown))
    # the columns keep their English names in the frame (the brush reports them); the table shows them translated
    headers = {"head id": t("head id"), "side": t("side"), "layer": t("layer"),
               "head": t("head"), "relative depth": t("relative depth"),
               **{n: views.stat_label(n) for n in names}}
    st.dataframe(inside.round(4).rename(columns=headers), hide_index=True, width="stretch", key=K.STAT_TABLE,
                 on_select="rerun", selection_mode="multi-row")


def exports(specs: list, loaded: list, result, models: list[str], changes=None, made=None) -> None:
    st.divider()
    cols = st.columns(3)
    for side, col, item in zip("ab", cols, loaded):
        if item:
            model, cap = item
            col.download_button(t("Capture {side} as NPZ", side=side.upper()), lambda m=model, c=cap: npz_bytes(c, m.info),
                                file_name=names.capture_name(models["ab".index(side)], side), mime="application/octet-stream",
                                key=K.npz(side))
    if result is not None and all(loaded):
        (ma, ca), (mb, cb) = loaded
        cols[2].download_button(t("Comparison report (HTML, offline)"),
                                # the language is read now: the callable runs at download time, outside this run
                                # the texts as far as the models read them: a pasted book is not copied in
                                lambda lg=lang(): report_html(result, ma.info.name, mb.info.name,
                                                              read_part(ca.text, ca.spans), read_part(cb.text, cb.spans),
                                                              ca.tokens, cb.tokens, changes=changes, censuses=made,
                                                              lang=lg),
                                file_name=names.report_name(*models), mime="text/html",
                                key=K.REPORT)


def publish(specs: list, view: str, picks: tuple) -> None:
    params: dict = {}
    for p in specs:
        params.update({K.pane(p.side, "model"): p.choice, K.pane(p.side, "text"): p.text,
                       K.pane(p.side, "path"): p.path if p.choice in (CUSTOM, pane.UNTRAINED) else None,
                       K.pane(p.side, "pos"): p.positions if p.positions != "normal" else None,
                       K.pane(p.side, "target"): p.target or None})
    la, ha, lb, hb = picks
    lock = bool(st.session_state.get(K.LOCK, True))
    params.update({K.VIEW: view, K.LAYER_A: la, K.HEAD_A: ha, K.LAYER_B: None if lock else lb,
                   K.HEAD_B: None if lock else hb, K.LOCK: None if lock else False})
    link = urlstate.publish(params)
    urlstate.show_link(link, t("both panes, the view, layers and heads"), heading=t("this comparison"),
                       texts={"text A": str(st.session_state.get(pane.key("a", "text")) or ""),
                              "text B": str(st.session_state.get(pane.key("b", "text")) or "")},
                       carry=t("whoever opens the link pastes them into the boxes Text A and Text B"))


def picker_note() -> None:
    """Which model picker applies here: the panes' (the sidebar's filled pane A once)."""
    st.caption(t("On this page each pane's own model and text apply, not the sidebar's: the sidebar's model and text filled pane A when this page first opened, and its device runs both panes."))


def main() -> None:
    take_distance_click()
    patching.take_patch_click()
    take_changes_click()
    take_strips_click()
    st.title(t("Compare side by side"))
    sel = pipeline.selection()
    pane.start(st.session_state.get(Sidebar.MODEL) or sel.spec, st.session_state.get(Sidebar.PATH) or "", sel.text,
               sel.target)
    if screen.presenting():
        specs, loaded, picks, view, options = present_controls(sel)
    else:
        st.caption(t("Two panes, each with its own model, text and positions; B starts as a copy of A, so changing one thing shows its effect. Tokens are aligned by the characters they cover, so two different tokenisers can be compared."))
        picker_note()
        setups()
        specs, loaded = panes(sel)
        st.divider()
        picks = pickers([item[1] if item else None for item in loaded])
        view, options = view_controls()
    caps = [item[1] if item else None for item in loaded]
    img_format = st.sidebar.radio(t("Image format of the figures' camera button"), ["png", "svg"], horizontal=True, key=K.IMAGE_FORMAT)
    models = [p.spec for p in specs]  # as the visitor named them (minilm, a folder's name), for file names
    if view in ("Model view", "Statistics") or all(caps):  # every head at once: a long input's first look, or exact
        for cap in caps:
            if cap is not None:
                one_pass(cap.source("self"))
    pane_views(loaded, picks, view, options, img_format, models)
    result = changes = made = None
    if all(caps):
        try:
            result = cached_comparison(*(p.request(sel.device, sel.trust_remote_code) for p in specs))
        except (AttnvizError, ValueError) as exc:  # a refusal, said on the page: a note in the log, no traceback
            log.info("compare refused: %s", exc)
            st.warning(literal_message(t("The two panes cannot be compared: {detail}", detail=errors.say(exc))))
        if result is not None:
            changes = what_changed(result, caps, ImageFormat(img_format, names.pair(*models, "what-changed")))
            if not changes.identical:  # identical: the note above says so, instead of a blank map
                difference(result, picks, img_format, tuple(models))
            distances(result, img_format, tuple(models))
            made = censuses(specs, loaded, sel.device, sel.trust_remote_code,
                            ImageFormat(img_format, names.pair(*models, "head-types")))
            statistics(caps, view)
        patching.section(specs, loaded, ImageFormat(img_format, names.pair(*models, "patching")))
    else:
        failed = [p.name for p, item in zip(specs, loaded) if not item]
        st.info(t("The comparison (difference, head distances, statistics) needs both panes; pane {side} did not load (its message is above). The other pane works on its own.", side=failed[0]) if len(failed) == 1 else t("The comparison (difference, head distances, statistics) needs both panes; neither loaded (their messages are above).", side=failed[0]))
    exports(specs, loaded, result, models, changes, made)
    publish(specs, view, picks)


main()
