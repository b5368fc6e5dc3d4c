"""The explorer's "which heads cause it": head ablation (each head set to zero or to its mean, the model run again
once per head: behind a button) and direct logit attribution (one run: the target's logit split into what each
part writes, a head's bar opening into its source tokens). A head of the ablation grid opens in the heatmap."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from attnviz.analysis.availability import why_not
from attnviz.analysis.causal.about import ABOUT, NAMES
from attnviz.analysis.targets import NextToken
from attnviz.app.widgets import target
from attnviz.app.pipeline import load as pipeline
from attnviz.app.pipeline import measures as computed
from attnviz.app.state import explorer as K
from attnviz.app.widgets.figure_out import show as show_figure
from attnviz.app.widgets.figure_out import part_of, take_click
from attnviz.app.widgets.literal import escape, said
from attnviz.core.errors import AttnvizError
from attnviz.core.types import AttentionCapture
from attnviz.figures.causal import ablation_grid, dla_chart, dla_parts, dla_sources_chart, logit_label
from attnviz.figures.head_grid import head_grid_table
from attnviz.figures.views import ViewOptions
from attnviz.i18n import N_, fixed, t
from attnviz.models.loading import LoadedModel

HOW = {"zero": N_("zero"), "mean": N_("its mean over positions")}


# direct logit attribution runs by itself up to this many tokens (one eager run: 12 heads × 2,048² weights are 200 MB a
# layer); past it, on a button
DLA_AUTO_TOKENS = 2048


def apply_clicks() -> None:
    """A head of the ablation grid opens in the heatmap; a head's bar of the attribution opens its source tokens.
    Read before the widgets are drawn (they set widget keys)."""
    clicked = take_click(K.ABLATION_CHART, K.ABLATION_SEEN)
    if clicked is not None and len(clicked) == 2 and int(clicked[1]) >= 0:
        st.session_state[K.LAYER], st.session_state[K.HEAD] = int(clicked[0]), int(clicked[1])
        st.session_state[K.VIEW] = "Heatmap"
    clicked = take_click(K.DLA_CHART, K.DLA_SEEN)
    if clicked is not None and len(clicked) == 3:
        st.session_state[K.DLA_HEAD] = [int(clicked[0]), int(clicked[1]), str(clicked[2])] if int(clicked[1]) >= 0 \
            else None


def section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str,
            target_drawn: bool = False) -> None:
    """Ablation and attribution of the target (its inputs drawn here unless the measure's controls drew them)."""
    st.subheader(t("Which heads cause the output?"))
    prompt = computed.prompt_of(model, cap, pipeline.selection().target)
    mismatch = computed.decoder_matches(model, cap, prompt, "decoder_self" if prompt.decoder_ids else "self")
    if mismatch is not None:
        st.info(said(mismatch))
        return
    if not target_drawn:
        target.inputs(model, K.TARGET)
    chosen = target.chosen(model, prompt, K.TARGET)
    if isinstance(chosen, str):
        st.warning(chosen)
        return
    ablation(model, prompt, chosen, opts, img_format)
    attribution(model, prompt, chosen, img_format)


def ablation(model: LoadedModel, prompt, chosen: target.Chosen, opts: ViewOptions, img_format: str) -> None:
    st.markdown(t("#### Head ablation"))
    st.caption(t(ABOUT["ablation"]))
    n_tokens = max(len(prompt.ids), len(prompt.decoder_ids or ()))
    why = why_not(model, "ablation", opts.kind, target.kind_of(model)) or \
        computed.too_long("ablation", t(NAMES["ablation"]), n_tokens)
    if why is not None:
        st.info(said(why))
        return
    tr = fixed()
    how = st.radio(t("Each head set to"), list(HOW), key=K.ABLATE_HOW, persist_state=K.ABLATE_HOW.keep,
                   horizontal=True, format_func=lambda h: tr(HOW[h]))
    key = computed.ablation_key(model, prompt, chosen.target, opts.kind, how)
    if not computed.has(key):
        layers, heads = model_heads(model, opts.kind)
        st.caption(t("One run of the model per head: {n} runs on {tokens} tokens (the layers before the ablated "
                     "head are not run again).", n=layers * heads, tokens=n_tokens))
        if not st.button(t("Ablate every head"), key=K.ABLATE_RUN, type="primary"):
            return
    try:
        with st.spinner(t("Ablating every head, one run each…")):
            result = computed.ablation(model, prompt, chosen.target, opts.kind, how)
    except AttnvizError as exc:
        st.warning(said(exc))
        return
    show_figure(ablation_grid(result.delta, chosen.words, how), K.ABLATION_CHART, lambda: head_grid_table(result.delta).to_csv(float_format="%.6g"),
                img_format, name=part_of(img_format, f"ablation-{how}"), on_select="rerun", selection_mode="points")
    st.caption(t("On the clean run {target} = {value}. Each cell: the target with that head ablated, minus the "
                 "clean value. Click a head to open it in the heatmap.", target=escape(chosen.words),
                 value=f"{result.baseline:.4f}"))


def model_heads(model: LoadedModel, kind: str) -> tuple[int, int]:
    """(layers, heads) of the attention kind ablated."""
    info = model.info
    layers = info.decoder_layers if kind != "self" and info.decoder_layers else info.n_layers
    return layers, info.n_heads


def attribution(model: LoadedModel, prompt, chosen: target.Chosen, img_format: str) -> None:
    st.markdown(t("#### Direct logit attribution"))
    st.caption(t(ABOUT["dla"]))
    why = why_not(model, "dla")
    if why is None and not isinstance(chosen.target, NextToken):
        why = t("Direct logit attribution splits a next token's logit, and this model's target is a similarity.")
    if why is not None:
        st.info(said(why))
        return
    n_tokens = max(len(prompt.ids), len(prompt.decoder_ids or ()))
    if n_tokens > DLA_AUTO_TOKENS and not computed.has(computed.dla_key(model, prompt, chosen.target)):
        st.caption(t("One run of the model on {tokens} tokens that forms every head's weights, a layer at a time "
                     "(on a long text: seconds to minutes, and memory).", tokens=f"{n_tokens:,}"))
        if not st.button(t("Split the logit"), key=K.DLA_RUN, type="primary"):
            return
    try:
        with st.spinner(t("Splitting the logit into its parts…")):
            result = computed.dla(model, prompt, chosen.target)
    except AttnvizError as exc:  # a model whose stream does not add up, found while running it
        st.info(said(exc))
        return
    words = logit_label(chosen.token, chosen.other)
    show_figure(dla_chart(result, words), K.DLA_CHART, lambda: dla_parts(result).to_csv(index=False),
                img_format, name=part_of(img_format, "dla"), on_select="rerun", selection_mode="points")
    opened = st.session_state.get(K.DLA_HEAD)
    if opened:
        layer, head, kind = opened
        shares = result.per_source.get(kind)
        if shares is not None and layer < shares.shape[0] and head < shares.shape[1]:
            keys = result.key_tokens.get(kind) or result.tokens
            fig = dla_sources_chart(shares[layer, head], keys, layer, head, words,
                                    kind if len(result.heads) > 1 else None)
            show_figure(fig, K.DLA_SOURCES_CHART, lambda: pd.DataFrame(
                {"key": [f"{j}:{tok}" for j, tok in enumerate(keys)], "part": shares[layer, head]}).to_csv(index=False),
                img_format, name=part_of(img_format, "dla-sources", layer, head))
            return
    st.caption(t("Click a head's bar to split its part by the source token it came from."))
