"""The guided lesson's step "where a head looks is not what it does": in a real model, the head that gives the
special tokens (or the first token) most of its weight while moving least from them, its weights beside its norm
(Kobayashi et al. 2020), and per layer the share of each that goes to those tokens."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from attnviz.analysis.measures.sinks import looks_not_moves, sink_share
from attnviz.app.pipeline import load as pipeline
from attnviz.app.pipeline import measures as computed
from attnviz.app.shell import screen
from attnviz.app.state import lesson as K
from attnviz.app.widgets.literal import escape
from attnviz.figures import views
from attnviz.figures.measured import measured
from attnviz.figures.sinks import sink_share_chart, sink_words
from attnviz.figures.titles import fit_title
from attnviz.i18n import N_, fixed, t

MODELS = ["minilm", "glassllm-en"]
# both models read English (in a 简体中文 lesson too: zh-char has no [CLS] or [SEP] to look at); one short sentence,
# so that its tokens stay legible in a figure half the lesson's column wide
TEXT = "The cat sat on the mat."
SHOWN = {"head": N_("this head: weights beside norms"), "layers": N_("every layer: the shares")}


def step(slot: Callable, figure_px: int) -> None:
    """The step's controls, then in `slot()` (the lesson's figure column) the two heatmaps side by side and the
    shares per layer; figure_px: that column's width."""
    c1, c2 = st.columns([1, 2])
    spec = c1.radio(t("Model"), MODELS, key=K.LOOKS_MODEL, horizontal=True)
    text = c2.text_input(t("Text"), TEXT, key=K.LOOKS_TEXT)
    # one screen of a projector at a time: the head, or the layers
    shown = st.radio(t("Show"), list(SHOWN), key=K.LOOKS_SHOW, horizontal=True,
                     format_func=lambda s, tr=fixed(): tr(SHOWN[s]))
    if not text.strip():
        st.warning(t("The text is empty: type a sentence to see its attention."))
        return
    found = pipeline.captured(pipeline.Request(spec, pipeline.selection().device, text=text, label=spec))
    if isinstance(found, pipeline.Unavailable):
        st.error(escape(t("Could not run {model}: {why}", model=spec, why=found.message)))
        return
    model, cap = found
    prompt = computed.prompt_of(model, cap)
    with st.spinner(t("Computing the {measure} measure…", measure=t("norm"))):
        weight = computed.measured_values(model, prompt, "weight")
        norm = computed.measured_values(model, prompt, "norm")
    found = looks_not_moves(weight.values, norm.values, cap.special)
    tokens = sink_words(cap.tokens, cap.special)
    if shown == "head":
        left, right = slot().columns(2, gap="small")
        for where, drawn, name in ((left, cap, "looks_weight"), (right, measured(cap, norm), "looks_norm")):
            fig = views.heatmap(drawn, layer=found.layer, head=found.head, width=figure_px // 2).figure
            where.plotly_chart(fit_title(screen.figure(fig, height=400), figure_px // 2), key=K.chart(name))
    else:
        shares = sink_share_chart(sink_share(weight.values, found.keys), sink_share(norm.values, found.keys), tokens)
        slot().plotly_chart(fit_title(screen.figure(shares, height=420), figure_px), key=K.chart("looks_shares"))
    st.caption(t("Layer {layer}, head {head} gives {weight} of its attention weight to {tokens}, but only {norm} of "
                 "what it moves comes from them.", layer=found.layer, head=found.head,
                 weight=f"{found.weight_share:.0%}", tokens=escape(tokens), norm=f"{found.norm_share:.0%}"))
