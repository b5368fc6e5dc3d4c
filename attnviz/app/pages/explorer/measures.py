"""The explorer's measure: a picker beside the view picker, and what the views then draw — the attention weights, or
a measure on the same grid (norm, ALTI, value zeroing, gradient × input) with its paragraph, a badge saying how far
it agrees with the weights, a clickable layer × head chart of that agreement, and the share it gives the special
tokens set beside the weights' share (agreement compares orders, so a head that rests on [SEP] and moves nothing
from it can still agree).

Value zeroing, the costly one, computes the layer a view shows first; every layer (the model view, the statistics,
the rollout) waits for a button. Where the model cannot give a measure, the page says why and shows the weights."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from attnviz.analysis.availability import why_not
from attnviz.analysis.measures import METHODS, MeasureResult
from attnviz.analysis.measures.about import ABOUT, AGREEMENT_ABOUT, NAMES
from attnviz.analysis.measures.sinks import sink_keys, sink_shares
from attnviz.app.widgets import target
from attnviz.app.pipeline import load as pipeline
from attnviz.app.pipeline import measures as computed
from attnviz.app.state import explorer as K
from attnviz.app.widgets.figure_out import show as show_figure
from attnviz.app.widgets.figure_out import part_of, take_click
from attnviz.app.widgets.fit import fit_choice
from attnviz.app.widgets.literal import escape, said
from attnviz.core.types import AttentionCapture
from attnviz.figures import views
from attnviz.figures.export import export_name
from attnviz.figures.agreement import agreement_badge, agreement_chart, rho_at
from attnviz.figures.measured import measure_label, measured
from attnviz.figures.sinks import sink_words
from attnviz.figures.views import ViewOptions
from attnviz.i18n import fixed, t
from attnviz.models.loading import LoadedModel

# the explorer's views that draw a measure (views.MEASURED, by the explorer's names for them)
MEASURED_VIEWS = {"Heatmap": "heatmap", "Head view": "head_view", "Model view": "model_view", "Aggregates": "aggregate",
                  "Statistics": "statistics"}
DRAWN = [view for view, name in MEASURED_VIEWS.items() if name in views.MEASURED]
EVERY_LAYER = ("Model view", "Statistics")  # views over every layer: value zeroing must have run them all
BADGED = ("Heatmap", "Head view", "Aggregates")  # one head, or one layer, shown: the badge says its agreement


@dataclass
class Shown:
    """What the views draw this run: `cap` (the capture, or the capture drawn with a measure; None while a button
    waits), and for a measure its result, the weights' and their agreement (ρ per head, or per layer)."""

    cap: AttentionCapture | None
    method: str = "weight"
    result: MeasureResult | None = None
    weight: MeasureResult | None = None
    rho: np.ndarray | None = None
    target_drawn: bool = False  # the target's inputs were drawn (the causal section then reads them)


def picker(where=None) -> str:
    """The measure picker (in `where`, default the page), and under it the chosen measure's paragraph."""
    fit_choice(K.MEASURE, list(METHODS), "measure")
    tr = fixed()
    method = (where or st).selectbox(t("Measure"), list(METHODS), key=K.MEASURE, persist_state=K.MEASURE.keep,
                                     format_func=lambda m: tr(NAMES[m]),
                                     help=t("What the views draw: the attention weights, or a measure of what the "
                                            "heads move or of what the output depends on, on the same grid."))
    return method


def about(method: str) -> None:
    """What the measure answers and what it cannot, with its paper (the weights need no paragraph of their own)."""
    if method != "weight":
        st.caption(t(ABOUT[method]))


def download_stem(model: str, view: str, opts: ViewOptions, method: str, per_head: bool = True) -> str | None:
    """What a view's downloads are called when they hold a measure (all-minilm-l6-v2-norm-heatmap-L3-H9); None for
    the weights, whose files keep their charts' names. view: its key (heatmap, head_view, aggregates, …)."""
    if method == "weight":
        return None
    layer = opts.layer if view in ("heatmap", "head_view", "aggregates") else None
    head = opts.head if view == "heatmap" and per_head else None
    return export_name(model, view, "csv", layer, head, opts.kind, method).removesuffix(".csv")


def apply_clicks() -> None:
    """A click on the agreement chart opens that head (or that layer) in the heatmap."""
    clicked = take_click(K.AGREEMENT_CHART, K.AGREEMENT_SEEN)
    if clicked is not None and len(clicked) == 2:
        st.session_state[K.LAYER] = int(clicked[0])
        if int(clicked[1]) >= 0:
            st.session_state[K.HEAD] = int(clicked[1])
        st.session_state[K.VIEW] = "Heatmap"


def shown(model: LoadedModel, cap: AttentionCapture, view: str, view_words: str, opts: ViewOptions) -> Shown:
    """What the views draw for the measure picked, computing it (cached) where the model gives it."""
    method = st.session_state.get(K.MEASURE) or "weight"
    if method == "weight":
        return Shown(cap)
    words = measure_label(method)
    if view not in DRAWN:
        st.info(t("The {view} view draws the attention weights only; the {measure} measure is drawn by the heatmap, "
                  "the head view, the model view, the aggregates (mean and max) and the statistics.",
                  view=view_words, measure=words))
        return Shown(cap)
    spec = METHODS[method]
    why = why_not(model, method, opts.kind, target.kind_of(model) if spec.needs_target else None)
    prompt = computed.prompt_of(model, cap, pipeline.selection().target) if why is None else None
    why = why or computed.decoder_matches(model, cap, prompt, opts.kind)
    n_tokens = max(len(prompt.ids), len(prompt.decoder_ids or ())) if prompt else 0
    why = why or computed.too_long(method, words, n_tokens)
    if why is not None:
        return _instead(cap, said(why))
    chosen = None
    if spec.needs_target:
        target.inputs(model, K.TARGET)
        chosen = target.chosen(model, prompt, K.TARGET)
        if isinstance(chosen, str):
            return _instead(cap, chosen, target_drawn=True)
    aim = chosen.target if chosen else None
    layers = [opts.layer] if method == "value-zeroing" and view not in EVERY_LAYER else None
    if layers is None and method.startswith("value-zeroing") and \
            not computed.has(computed.measure_key(model, prompt, method, opts.kind, aim)):
        if not _every_layer_asked(cap.shape(opts.kind)[0], n_tokens):
            return Shown(None, method, target_drawn=chosen is not None)
    doing = (t("Value zeroing of layer {layer}: the layer runs again once per token…", layer=opts.layer) if layers
             else t("Computing the {measure} measure…", measure=words))
    with st.spinner(doing):
        result = computed.measured_values(model, prompt, method, opts.kind, target=aim, layers=layers)
        weight = computed.measured_values(model, prompt, "weight", opts.kind)
        rho = computed.agreement_with_weights(model, prompt, result, weight)
    try:
        drawn = measured(cap, result)
    except ValueError as exc:  # other tokens than the capture's (said in the page's language)
        return _instead(cap, str(exc))
    if chosen is not None:
        st.caption(t("Target: {target} = {value} on this text.", target=chosen.words,
                     value=f"{result.target_value:.4f}"))
    return Shown(drawn, method, result, weight, rho, target_drawn=chosen is not None)


def _instead(cap: AttentionCapture, why: str, target_drawn: bool = False) -> Shown:
    """why: a sentence ready for markdown (what it quotes already escaped)."""
    st.info(t("{why} The views show the attention weights instead.", why=why))
    return Shown(cap, target_drawn=target_drawn)


def _every_layer_asked(n_layers: int, n_tokens: int) -> bool:
    """Value zeroing of every layer waits for a button that says what it costs."""
    st.info(t("Value zeroing of every layer runs each of the {layers} layers again once per token ({n} tokens): "
              "about {n} forward passes of the whole model, seconds to minutes on a CPU. The heatmap, the head view "
              "and the aggregates compute only the layer they show.", layers=n_layers, n=n_tokens))
    return st.button(t("Compute value zeroing for every layer"), key=K.MEASURE_ALL, type="primary")


def badge(shown: Shown, view: str, opts: ViewOptions) -> None:
    """How far the measure of the head (or layer) shown agrees with its weights, in a few words."""
    if shown.rho is not None and view in BADGED:
        st.badge(agreement_badge(rho_at(shown.rho, opts.layer, opts.head)), icon=":material/compare_arrows:",
                 color="violet")


def agreement_section(shown: Shown, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    """The agreement of every head (or layer) with its weights, a click opening it; then where the head shown
    looks and what it moves, on the special tokens (for measures that are never negative)."""
    if shown.result is None:
        return
    words = measure_label(shown.method)
    st.subheader(t("Does the {measure} measure agree with the weights?", measure=words))
    show_figure(agreement_chart(shown.rho, shown.method), K.AGREEMENT_CHART, None, img_format,
                name=part_of(img_format, f"{shown.method}-agreement"), on_select="rerun",
                selection_mode="points")
    st.caption(t(AGREEMENT_ABOUT))
    if METHODS[shown.method].signed:
        return
    keys_side = cap.axes(opts.kind)[1]
    special = cap.special if opts.kind in ("self", "cross") else []
    keys = sink_keys(special)
    w, m = sink_shares(shown.weight.values, shown.result.values, keys)
    sinks = sink_words(keys_side, special)
    if shown.result.per_head:
        st.markdown(t("**Where it looks, and what it moves:** layer {layer} · head {head} gives {weight} of its "
                      "attention weight to {tokens}; {share} of its {measure} comes from them.", layer=opts.layer,
                      head=opts.head, weight=f"{w[opts.layer, opts.head]:.0%}", tokens=escape(sinks),
                      share=f"{m[opts.layer, opts.head]:.0%}", measure=words))
    else:
        st.markdown(t("**Where it looks, and what it moves:** the heads of layer {layer} give {weight} of their "
                      "attention weight to {tokens} on average; {share} of the layer's {measure} comes from them.",
                      layer=opts.layer, weight=f"{w[opts.layer]:.0%}", tokens=escape(sinks),
                      share=f"{m[opts.layer]:.0%}", measure=words))
