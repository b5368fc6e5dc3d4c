"""Compare's activation patching, when both panes run the same model (the he/she set-up): each head's output on B
replaced by its output on A at the aligned positions, one head at a time, and the share of the change in the target
from B to A that it restores; the heads that carry the difference, ranked. A head of the grid opens in both panes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from attnviz.analysis.availability import why_not
from attnviz.analysis.causal.about import ABOUT, NAMES
from attnviz.app.pipeline import measures as computed
from attnviz.app.state import compare as K
from attnviz.app.widgets import target
from attnviz.app.widgets.figure_out import show, take_click
from attnviz.app.widgets.literal import code, escape, said
from attnviz.core.errors import AttnvizError
from attnviz.figures.causal import patch_carriers, patching_grid
from attnviz.figures.head_grid import head_grid_table
from attnviz.i18n import t

KIND = "self"  # the encoder's (or the only) self-attention: the positions the two texts' tokens sit at
SENTENCE = "The doctor is a woman."  # MiniLM's target at first: data, as the texts of the he/she set-up are
TOP = 10  # heads the ranking lists


# a head that alone "restores" more than 1.5 times the difference: the difference is too small to share out
OVERSHOOT = 1.5


def take_patch_click() -> None:
    """A head of the patching grid opens in both panes' heatmaps (read before the pickers are drawn)."""
    clicked = take_click(K.PATCHING_CHART, K.PATCHING_SEEN)
    if clicked is not None and len(clicked) == 2 and int(clicked[1]) >= 0:
        st.session_state.update({K.LAYER_A: int(clicked[0]), K.HEAD_A: int(clicked[1]), K.LOCK: True,
                                 K.VIEW: "Heatmap"})


def _ranked_table(result) -> pd.DataFrame:
    shares = not pd.isna(result.restored).all()
    column = t("share restored") if shares else t("change")
    return pd.DataFrame([(layer, head, value) for layer, head, value in result.ranked()[:TOP]],
                        columns=[t("layer"), t("head"), column])


def section(specs: list, loaded: list, img_format: str) -> None:
    """The patching grid and its ranking, or why it is not offered for these two panes."""
    st.subheader(t("Which heads carry the difference between A and B?"))
    st.caption(t(ABOUT["patching"]))
    (model_a, cap_a), (model_b, cap_b) = loaded
    if model_a is not model_b:
        st.info(t("Activation patching swaps a head's output between the two texts, so both panes must run the same "
                  "model; pane A runs {a} and pane B {b}. Pick one model for both (the quick set-up “Same model, two "
                  "texts” does).", a=code(model_a.info.name), b=code(model_b.info.name)))
        return
    if any(p.positions != "normal" for p in specs):
        st.info(t("Activation patching runs both texts with their positions intact: set both panes' positions to "
                  "intact."))
        return
    model = model_a
    prompts = [computed.prompt_of(model, cap) for cap in (cap_a, cap_b)]
    n_tokens = max(len(p.ids) for p in prompts)
    why = why_not(model, "patching", KIND, target.kind_of(model)) or \
        computed.too_long("patching", t(NAMES["patching"]), n_tokens)
    if why is not None:
        st.info(said(why))
        return
    target.inputs(model, K.PATCH_TARGET, sentence=SENTENCE)
    chosen = target.chosen(model, prompts[0], K.PATCH_TARGET, sentence=SENTENCE)
    if isinstance(chosen, str):
        st.warning(chosen)
        return
    key = computed.patching_key(model, *prompts, chosen.target, KIND)
    if not computed.has(key):
        heads = model.info.n_layers * model.info.n_heads
        st.caption(t("One run of the model on B per head: {n} runs of {tokens} tokens.", n=heads, tokens=len(prompts[1].ids)))
        if not st.button(t("Patch every head from A into B"), key=K.PATCH_RUN, type="primary"):
            return
    try:
        with st.spinner(t("Patching every head from A into B, one run each…")):
            result = computed.patching(model, *prompts, chosen.target, KIND)
    except AttnvizError as exc:
        st.warning(said(exc))
        return
    st.caption(t("{target}: {a} on A, {b} on B.", target=escape(chosen.words), a=f"{result.value_a:.4f}",
                 b=f"{result.value_b:.4f}"))
    shares = not pd.isna(result.restored).all()
    if shares and np.nanmax(np.abs(result.restored)) > OVERSHOOT:
        st.info(t("A and B differ by only {gap} in the target, and one head alone moves it by up to {largest}: shares "
                  "of so small a difference (over 100% here) say little about which heads carry it. Pick texts or a "
                  "target that A and B differ on more.", gap=f"{abs(result.value_a - result.value_b):.3f}",
                  largest=f"{np.nanmax(np.abs(result.delta)):.3f}"))
    show(patching_grid(result.restored, result.delta, chosen.words), K.PATCHING_CHART,
         lambda: head_grid_table(result.restored if shares else result.delta).to_csv(float_format="%.6g"), img_format, on_select="rerun", selection_mode="points")
    st.markdown(patch_carriers(result))  # heads and shares: nothing typed
    st.dataframe(_ranked_table(result).round(4), hide_index=True, key=K.PATCH_TABLE)
    st.caption(t("Click a head in the grid to open it in both panes."))
