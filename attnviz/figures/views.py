"""Each view drawn once: a capture and its options -> ViewResult(figure, table, caption).

The explorer, the command line's export and notebooks call these same functions.

    import attnviz
    from attnviz.figures import views
    cap = attnviz.capture(attnviz.load_model("minilm"), "The cat sat on the mat.")
    views.heatmap(cap, layer=2, head=5).show()           # or .figure, .table, .csv()
    opts = views.ViewOptions(layer=2, hide_special=True, renormalise=True)
    views.aggregate(cap, opts, how="rollout").table

A measure instead of the weights (figures.measured): the same views on `measured(cap, result)`; MEASURED says
which views draw it.

    views.heatmap(measured(cap, measure(model, prompt, "norm")), layer=2, head=5)
"""
from __future__ import annotations

from functools import wraps

import numpy as np
import pandas as pd

from attnviz.analysis import reduce
from attnviz.core.types import AttentionCapture
from attnviz.figures import plots
from attnviz.figures.measured import MeasuredCapture, measure_label, measure_of, measure_unit
from attnviz.figures.view_types import ViewOptions, ViewResult, is_square, kept, matrix_table, options
from attnviz.figures import words
from attnviz.i18n import N_, language, speaks, t

__all__ = ["MEASURED", "NAMES", "ViewOptions", "ViewResult", "aggregate", "build", "clusters", "difference", "generated_token",
           "head_view", "heatmap", "is_square", "kept", "model_view", "qk", "rollout", "statistic_names", "statistics"]

NAMES = ("heatmap", "head_view", "model_view", "rollout", "aggregate", "statistics", "clusters", "qk")
# the views that draw a measure given a measured capture (aggregate: its mean and max over heads; statistics: of
# the measure's row shares); rollout and flow combine weights, and query–key draws the vectors behind them
MEASURED = ("heatmap", "head_view", "model_view", "aggregate", "statistics", "clusters")
# English originals (msgids), for callers that quote them; a view says them in its options' language
NOTHING_LEFT = N_("No tokens are left to show: widen the window or show the special tokens.")
ROLLOUT_NEEDS_SQUARE = N_("Rollout multiplies a layer's attention by the next one's, so it needs square self-attention; pick self-attention.")
FLOW_NEEDS_SQUARE = N_("Attention flow needs square self-attention; pick self-attention.")
ROLLOUT_ABOUT = N_("Abnar & Zuidema (2020): each layer's head-averaged attention mixed half-and-half with the residual path, multiplied through the layers: how much each position draws on each input token.")
FLOW_ABOUT = N_("Abnar & Zuidema (2020): the maximum flow from each input token to each output position through every layer, with the head-averaged weights (and the residual) as capacities. ")
FLOW_NORMALISED = N_("Each row divided by its sum, as in the authors' code.")
FLOW_RAW = N_("Raw max-flow values, as the paper defines them: each input's flow is solved on its own, so a row can sum to more than 1. Turn on the toggle for the authors' row-normalised version.")
HEAD_VIEW_ABOUT = N_("Lines join each query (left) to the keys it attends to (right); thicker and darker is more weight (weights under 0.05 are not drawn). Click a token on the left to see only its attention.")
MEASURE_NO_ROLLOUT = N_("Rollout and flow combine attention weights layer by layer; for a measure carried across layers pick ALTI, rolled out, or value zeroing, rolled out.")
MEASURE_LINES = N_("Lines join each query (left) to the keys it draws on (right); thicker and darker is more {measure}, by size, against the largest drawn (under 5% of it is not drawn). Click a token on the left to see only its lines.")
MEASURE_SHARES = N_("Statistics of {measure}: each row is first divided by its sum (sizes, whatever their sign), so that every column reads the measure's shares as it would read weights. {then}")
STATISTICS_ABOUT = N_("Entropy in nats (low: a peaked head); mean distance in positions; the other columns are the average weight a query gives to that target (Clark et al. 2019).")


def _in_options_language(view):
    """A view's words (titles, axes, hover, table headers, caption) in its options' language (None: the active one)."""
    @wraps(view)
    def said(cap, opts: ViewOptions | None = None, /, **changes) -> ViewResult:
        o = options(opts, changes)
        with language(o.lang):
            return view(cap, o)
    return said


def _kind(o: ViewOptions) -> str:
    return words.kind(o.kind)


@speaks
def stat_label(name: str) -> str:
    """A head statistic's name as a person reads it (the name itself stays the key in tables and links)."""
    return words.statistic(name)


def _named(cap: AttentionCapture, title: str) -> str:
    """A title, led by the measure's name when the capture draws a measure."""
    m = measure_of(cap)
    return title if m is None else t("{measure} · {title}", measure=measure_label(m.method), title=title)


def _per_head(cap: AttentionCapture) -> bool:
    m = measure_of(cap)
    return m is None or m.per_head


def _signed(cap: AttentionCapture) -> bool:
    return isinstance(cap, MeasuredCapture) and cap.signed


def _head(cap: AttentionCapture, o: ViewOptions) -> int:
    """The head drawn: a measure of the whole layer has one."""
    return o.head if _per_head(cap) else 0


def _unit(cap: AttentionCapture) -> str | None:
    """The colour bar's title: the measure's unit (None: the weight's)."""
    m = measure_of(cap)
    return None if m is None else measure_unit(m.method)


def _title(o: ViewOptions, cap: AttentionCapture | None = None) -> str:
    if cap is not None and not _per_head(cap):
        return _named(cap, t("{kind} · layer {layer}", kind=_kind(o), layer=o.layer))
    title = t("{kind} · layer {layer} · head {head}", kind=_kind(o), layer=o.layer, head=o.head)
    return title if cap is None else _named(cap, title)


def _shown(cap: AttentionCapture, o: ViewOptions, matrix: np.ndarray) -> tuple[np.ndarray, list[str], list[str]]:
    """A [query_pos, key_pos] matrix after the window, the special-token filter and the focus (a signed measure's
    rows are never renormalised: they have no shares)."""
    rows, cols = kept(cap, o)
    if not cols:
        raise ValueError(t("No tokens are left to show: widen the window or show the special tokens."))
    query_tokens, key_tokens = cap.axes(o.kind)
    m = reduce.restrict(matrix, rows, cols, renormalise=o.renormalise and not _signed(cap))
    q_tok, k_tok = [query_tokens[i] for i in rows], [key_tokens[i] for i in cols]
    if o.focus is not None and o.focus in rows:
        r = rows.index(o.focus)
        return m[r:r + 1], [q_tok[r]], k_tok
    return m, q_tok, k_tok


@_in_options_language
def heatmap(cap: AttentionCapture, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """One head, tokens on both axes; the table is the matrix drawn."""
    o = options(opts, changes)
    m, q_tok, k_tok = _shown(cap, o, cap.head(o.kind, o.layer, _head(cap, o)))
    signed = _signed(cap)
    fig = plots.head_heatmap(m, q_tok, k_tok, _title(o, cap), o.log_color and not signed, value_title=_unit(cap),
                             signed=signed, width_px=o.width)
    return ViewResult(fig, matrix_table(m, q_tok, k_tok))


def difference(cap: AttentionCapture, other: AttentionCapture, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """|other − cap| for one head of two captures of the same tokens (positions altered, another checkpoint)."""
    o = options(opts, changes)
    with language(o.lang):
        return _difference(cap, other, o)


def _difference(cap: AttentionCapture, other: AttentionCapture, o: ViewOptions) -> ViewResult:
    if cap.axes(o.kind) != other.axes(o.kind):
        raise ValueError(t("The two captures have different tokens; a difference needs the same tokens in both."))
    head = _head(cap, o)
    m, q_tok, k_tok = _shown(cap, o, np.abs(other.head(o.kind, o.layer, head) - cap.head(o.kind, o.layer, head)))
    return ViewResult(plots.head_heatmap(m, q_tok, k_tok, title=_named(cap, t("|difference|")), value_title=_unit(cap),
                                         width_px=o.width), matrix_table(m, q_tok, k_tok))


@_in_options_language
def head_view(cap: AttentionCapture, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """All (or the chosen) heads of a layer as coloured lines between the tokens (bertviz's head view).

    The table lists every weight of the drawn heads and rows: head, query, key, weight.
    """
    o = options(opts, changes)
    rows, cols = kept(cap, o)
    if not cols:
        raise ValueError(t("No tokens are left to show: widen the window or show the special tokens."))
    query_tokens, key_tokens = cap.axes(o.kind)

    def shown(source) -> np.ndarray:  # only the shown query rows are computed (a q/k capture computes them on demand)
        block = source.rows(o.layer, rows[0], rows[-1] + 1).cpu().numpy()
        return block[:, [r - rows[0] for r in rows]][:, :, cols]  # [head, q, k]

    layer_heads = shown(cap.source(o.kind))
    q_tok, k_tok = [query_tokens[i] for i in rows], [key_tokens[i] for i in cols]
    focus = rows.index(o.focus) if o.focus is not None and o.focus in rows else None
    n_heads = layer_heads.shape[0]
    heads = [h for h in o.heads if h < n_heads] if o.heads is not None else list(range(n_heads))
    shown_rows = [focus] if focus is not None else list(range(len(rows)))
    m = measure_of(cap)
    lines = layer_heads
    if m is not None:  # a measure has no scale of its own: the largest drawn value is a full line
        sizes = shown(cap.magnitude())
        picked = sizes[heads][:, shown_rows] if heads else sizes[:0]
        top = float(np.nanmax(picked)) if picked.size and np.isfinite(picked).any() else 0.0
        lines = np.nan_to_num(sizes / top) if top > 0 else np.zeros_like(sizes)
    fig = plots.head_view(lines, q_tok, k_tok, heads, focus=focus,
                          title=_named(cap, t("{kind} · layer {layer}", kind=_kind(o), layer=o.layer)))
    value = words.column("weight") if m is None else measure_label(m.method)
    table = pd.DataFrame([(h, f"{rows[i]}:{q_tok[i]}", f"{cols[j]}:{k_tok[j]}", float(layer_heads[h, i, j]))
                          for h in heads for i in shown_rows for j in range(len(cols))],
                         columns=[*(words.column(c) for c in ("head", "query", "key")), value])
    caption = (t("Lines join each query (left) to the keys it attends to (right); thicker and darker is more weight (weights under 0.05 are not drawn). Click a token on the left to see only its attention.") if m is None
               else t(MEASURE_LINES, measure=measure_label(m.method)))
    return ViewResult(fig, table, caption)


@_in_options_language
def model_view(cap: AttentionCapture, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """Every layer × head, pooled on the capture's device to at most size × size cells each (all positions)."""
    o = options(opts, changes)
    rows = (o.focus, o.focus + 1) if o.focus is not None else None
    source = cap.magnitude() if isinstance(cap, MeasuredCapture) else cap.source(o.kind)
    thumbs = reduce.pooled(source, o.size, rows=rows)
    n_q, n_k = (len(tokens) for tokens in cap.axes(o.kind))
    layers, heads, r, c = thumbs.shape
    caption = (t("Every layer × head ({layers} × {heads}), each scaled to its own maximum, pooled on {device} to {rows} × {cols} cells. Click a thumbnail to open that head.", layers=layers, heads=heads, device=cap.device, rows=r,
                      cols=c) if max(n_q, n_k) > o.size else t("Every layer × head ({layers} × {heads}), each scaled to its own maximum. Click a thumbnail to open that head.", layers=layers,
                                                                     heads=heads))
    fig = plots.model_view(thumbs, title=_named(cap, t("{kind}: all heads", kind=_kind(o))),
                           head_names=None if _per_head(cap) else [t("all heads")])
    return ViewResult(fig, None, caption)


@_in_options_language
def aggregate(cap: AttentionCapture, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """A layer's heads combined (how: mean, max), rollout through the layer, or attention flow to the last."""
    o = options(opts, changes)
    stack = cap.source(o.kind)
    caption = ""
    if o.how not in ("mean", "max") and measure_of(cap) is not None:
        raise ValueError(t(MEASURE_NO_ROLLOUT))
    if o.how in ("mean", "max"):
        matrix, label = reduce.aggregate(stack, o.how, o.layer), (t("mean over heads · layer {layer}", layer=o.layer) if o.how == "mean" else
                                                              t("max over heads · layer {layer}", layer=o.layer))
    elif o.how == "rollout":
        if not is_square(o.kind):
            raise ValueError(t("Rollout multiplies a layer's attention by the next one's, so it needs square self-attention; pick self-attention."))
        r = reduce.rollout(stack)
        layer = o.layer % r.shape[0]  # -1: the last layer
        matrix, label = r[layer], t("rollout through layer {layer}", layer=layer)
        caption = t("Abnar & Zuidema (2020): each layer's head-averaged attention mixed half-and-half with the residual path, multiplied through the layers: how much each position draws on each input token.")
    elif o.how == "flow":
        if not is_square(o.kind):
            raise ValueError(t("Attention flow needs square self-attention; pick self-attention."))
        matrix = reduce.flow(stack, normalise=o.flow_normalise)
        label = (t("attention flow to the last layer, rows normalised") if o.flow_normalise
                 else t("attention flow to the last layer, raw max-flow"))
        caption = t(FLOW_ABOUT) + t(FLOW_NORMALISED if o.flow_normalise else FLOW_RAW)
    else:
        raise ValueError(f"unknown aggregate {o.how!r}; choose mean, max, rollout or flow")
    m, q_tok, k_tok = _shown(cap, o, matrix)
    fig = plots.head_heatmap(m, q_tok, k_tok, title=_named(cap, label), value_title=_unit(cap), signed=_signed(cap),
                             width_px=o.width)
    return ViewResult(fig, matrix_table(m, q_tok, k_tok), caption)


def rollout(cap: AttentionCapture, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """Attention rollout through `layer` (-1: the last)."""
    return aggregate(cap, options(opts or ViewOptions(layer=-1), {**changes, "how": "rollout"}))


def _clustering(cap: AttentionCapture, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(head similarity [layer·head, layer·head], leaf order, cluster label per head): of the sizes, for a measure
    (a layer it has not computed, value zeroing's, is like no other head)."""
    sim = reduce.head_similarity(cap.magnitude() if isinstance(cap, MeasuredCapture) else cap.source(kind))
    sim = np.nan_to_num(sim, nan=0.0)
    order, labels = reduce.cluster_order(sim)
    return sim, order, labels


def statistic_names(cap: AttentionCapture, kind: str = "self") -> list[str]:
    """The statistics `statistics` offers for this capture and kind, without computing them (for a picker)."""
    names = ["entropy", "mean distance", "first token"]
    if kind != "cross":
        names += ["self", "previous token"]
    if kind == "self" and cap.special and any(cap.special):
        names.append("special tokens")
    return names


@_in_options_language
def statistics(cap: AttentionCapture, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """One head statistic per [layer, head] as a chart; the table holds every statistic and cluster per head."""
    o = options(opts, changes)
    shares = cap.shares() if isinstance(cap, MeasuredCapture) else None
    stats = reduce.head_statistics(cap, o.kind, source=shares)
    if o.stat not in stats:
        raise ValueError(f"unknown statistic {o.stat!r}; choose one of {', '.join(stats)}")
    _, _, labels = _clustering(cap, o.kind)
    layers, heads = stats[o.stat].shape
    col = words.column
    table = pd.DataFrame({col("layer"): np.repeat(np.arange(layers), heads), col("head"): np.tile(np.arange(heads), layers),
                          **{words.statistic(name): values.reshape(-1) for name, values in stats.items()},
                          col("cluster"): labels})
    title = _named(cap, t("{stat} per head", stat=words.statistic(o.stat)))
    caption = t("Entropy in nats (low: a peaked head); mean distance in positions; the other columns are the average weight a query gives to that target (Clark et al. 2019).")
    m = measure_of(cap)
    if m is not None:
        caption = t(MEASURE_SHARES, measure=measure_label(m.method), then=caption)
    return ViewResult(plots.layer_head_chart(stats[o.stat], title), table, caption)


@_in_options_language
def clusters(cap: AttentionCapture, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """Heads' pattern similarity in clustered order; the caption says how many clusters a 0.5 cut gives."""
    o = options(opts, changes)
    sim, order, labels = _clustering(cap, o.kind)
    heads = cap.shape(o.kind)[1]
    names = [f"L{i // heads}h{i % heads}" for i in order]
    ordered = sim[np.ix_(order, order)].clip(0, 1)
    fig = plots.head_similarity_map(ordered, names, title=_named(cap, t("cosine similarity of head patterns (clustered order)")))
    return ViewResult(fig, matrix_table(ordered, names, names), t("{n} clusters at a 0.5 cut", n=labels.max()))


@_in_options_language
def qk(cap: AttentionCapture, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """A head's queries and keys projected together to 2-D (PCA, t-SNE or UMAP); the table has the points."""
    o = options(opts, changes)
    if o.kind not in cap.qk:
        raise ValueError(t("This capture kept no query and key vectors."))
    qxy, kxy, ratio = reduce.qk_projection(cap, o.kind, o.layer, o.head, o.method)
    query_tokens, key_tokens = cap.axes(o.kind)
    caption = (t("The head's queries (circles) and keys (diamonds) projected together on their first two principal axes ({a} + {b} of the variance), coloured by position. Queries near a key have a large dot product with it.", a=f"{ratio[0]:.0%}", b=f"{ratio[1]:.0%}") if ratio is not None
               else t("The head's queries (circles) and keys (diamonds) projected together by {method}, coloured by position. Queries near a key have a large dot product with it.", method=o.method))
    rows, cols = kept(cap, o)  # the window and hidden special tokens apply here too (projected over all)
    role = {name: words.column(name) for name in ("query", "key")}
    table = pd.DataFrame([(role["query"], i, query_tokens[i], *qxy[i]) for i in rows]
                         + [(role["key"], j, key_tokens[j], *kxy[j]) for j in cols],
                         columns=[words.column(c) for c in ("role", "pos", "token")] + ["x", "y"])
    fig = plots.qk_scatter(qxy[rows], kxy[cols], [query_tokens[i] for i in rows], [key_tokens[j] for j in cols],
                           title=_title(o), focus=o.focus, query_positions=rows, key_positions=cols,
                           method=o.method)
    return ViewResult(fig, table, caption)


@_in_options_language
def generated_token(gen: AttentionCapture, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """Where each head of `layer` looked when token `focus` of a generated sequence was the newest query."""
    o = options(opts, changes)
    pos = o.focus if o.focus is not None else len(gen.tokens) - 1
    row = gen.source("self").rows(o.layer, pos, pos + 1)[:, 0, : pos + 1].cpu().numpy()  # [head, key_pos]
    heads = [t("head {head}", head=h) for h in range(row.shape[0])]
    keys = gen.tokens[: pos + 1]
    title = _named(gen, t("layer {layer}: attention of “{token}”", layer=o.layer, token=plots.safe_label(gen.tokens[pos])))
    fig = plots.head_heatmap(row, heads, keys, title=title,
                             axis_titles=(t("head"), t("key (attended to)")),
                             hover_words=(t("head"), t("key")), value_title=_unit(gen), signed=_signed(gen))
    caption = t("Token {pos} “{token}” was written after reading tokens 0–{last}; below, where each head of layer {layer} looked when it was the newest query.", pos=pos, token=gen.tokens[pos], last=pos - 1, layer=o.layer)
    return ViewResult(fig, matrix_table(row, heads, keys), caption)


def build(cap: AttentionCapture, name: str, opts: ViewOptions | None = None, **changes) -> ViewResult:
    """A view by name (see NAMES) with its options."""
    if name not in NAMES:
        raise ValueError(f"unknown view {name!r}; choose one of {', '.join(NAMES)}")
    return globals()[name](cap, opts, **changes)
