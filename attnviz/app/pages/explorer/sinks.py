"""Attention sinks on the explorer (Xiao et al. 2023; Gu et al. 2024): the switch that sets them aside in the views of
long inputs (rows renormalised over the other keys), where they are marked, and their columns in the statistics."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from attnviz.analysis import layer_sample
from attnviz.analysis.layer_pass import THUMB, current, kept
from attnviz.analysis.sinks import GU_EPSILON, Sinks, sinks
from attnviz.app.pipeline.one_pass import QUICK, exact_pass, one_pass
from attnviz.app.state import explorer as K
from attnviz.app.widgets.literal import escape
from attnviz.core.types import AttentionCapture
from attnviz.i18n import t


def known(cap: AttentionCapture, kind: str) -> Sinks | None:
    """The sinks the views mark without being asked, where they cost nothing more: the exact pass has run, or the
    input is short enough to run it now (a first look's sinks are marked only where the sinks are set aside,
    which says so)."""
    src = cap.source(kind)
    if kept(src, THUMB, exact=True) is None and (src.shape[3] > QUICK or layer_sample.stride(src, THUMB) > 1):
        return None
    exact_pass(src)
    return sinks(src)


def marked(cap: AttentionCapture, kind: str) -> tuple[int, ...]:
    """The sink positions every view marks (none until they are known)."""
    found = known(cap, kind)
    return () if found is None else tuple(int(p) for p in found.overall)


def names(cap: AttentionCapture, kind: str, positions) -> str:
    """"0 “The”, 5 “,”": positions with their tokens."""
    keys = cap.axes(kind)[1]
    return ", ".join(f"{p} “{keys[p]}”" for p in positions)


def aside_switch(cap: AttentionCapture, kind: str, container=None) -> tuple[int, ...]:
    """The "set the sinks aside" switch; the positions set aside (none while it is off), said under it."""
    on = (container or st).toggle(t("Set the sinks aside"), key=K.ASIDE, persist_state=K.ASIDE.keep,
                                  help=t("Sinks (Xiao et al. 2023) are the few keys that soak up most of the weight "
                                         "(often the first token): set aside, the rest of each row shows."))
    if not on:
        return ()
    src = cap.source(kind)
    one_pass(src)
    found = sinks(src)
    said = t("Set aside: the sinks {sinks}, the keys that receive most weight over every head. Each row "
             "is renormalised over the other keys; a row whose whole weight was on the sinks stays empty.",
             sinks=escape(names(cap, kind, found.overall)))
    st.caption(said)
    summary = current(src)
    if summary.estimated:
        st.caption(t("The sinks were found from {rows} of the {n} query rows, the model view's first look.",
                     rows=f"{summary.n_read:,}", n=f"{summary.n_rows:,}"))
    return tuple(int(p) for p in found.overall)


def columns(cap: AttentionCapture, kind: str, table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The statistics' table with each head's sink scores (α₁ on the first token, the keys that receive most and
    their share), and the caption's sentence with Gu et al.'s sink rate (markdown: its tokens escaped)."""
    src = cap.source(kind)
    one_pass(src)
    found = sinks(src)
    layers, heads = found.first_token.shape
    out = table.copy()
    out[t("α₁ (first token)")] = found.first_token.reshape(-1)
    out[t("keys receiving most")] = [", ".join(str(int(p)) for p in found.positions[layer, head])
                                     for layer in range(layers) for head in range(heads)]
    out[t("their share")] = found.top_share.reshape(-1)
    caption = t("Sinks (Gu et al. 2024): {rate} of the heads put more than ε = {epsilon} of their weight on the "
                "first token on average (α₁ > ε); over every head, the keys that receive most are {sinks}.",
                rate=f"{found.rate:.0%}", epsilon=GU_EPSILON, sinks=escape(names(cap, kind, found.overall)))
    return out, caption


def unit_marks(units: np.ndarray, positions) -> set[int]:
    """The units (sentences, paragraphs) that hold a sink."""
    return {int(units[p]) for p in positions if 0 <= p < len(units) and units[p] >= 0}
