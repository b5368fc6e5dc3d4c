"""The explorer's token filters: focus on a query, hide special tokens (renormalised or not), a window."""

import streamlit as st

from attnviz.figures import views
from attnviz.figures.views import ViewOptions
from attnviz.core.types import AttentionCapture
from attnviz.i18n import fixed, t
from attnviz.app.widgets import fit
from attnviz.app.state import explorer as K

WINDOW_DEFAULT = 64  # longer inputs open on a window of this many tokens: every label fits
WINDOW_FROM = 64  # inputs longer than this get a window slider


def token_filters(cap: AttentionCapture, kind: str, layer: int, head: int, filters: bool = True,
                  windowed: bool = True, corner=None) -> ViewOptions:
    """Focus, special tokens and window: the options every view of this run starts from.

    A view that does not use them (filters, windowed) does not draw them; their values are kept for later.
    corner: presenting, they fold into a popover there (under the attention kind), not a row of their own.
    """
    query_tokens, key_tokens = cap.axes(kind)
    if not filters:  # their widgets keep their values while hidden (keep="page")
        return ViewOptions(kind=kind, layer=layer, head=head)
    # presenting: the filters fold into a button beside the sliders, so the figure comes up on the first screen
    with corner.popover(t("Focus, special tokens and window"), width="stretch") if corner is not None else st.container():
        opts = _filters(cap, kind, layer, head, query_tokens, key_tokens, windowed)
    if not views.kept(cap, opts)[1]:
        st.warning(t("No tokens are left to show: widen the window or show the special tokens."))
        st.stop()
    if opts.hide_special:
        st.caption(t("Special tokens hidden; rows renormalised to sum to 1 over the remaining keys.") if opts.renormalise else t("Special tokens hidden; rows not renormalised: they sum to what the shown keys received."))
    return opts


def _filters(cap: AttentionCapture, kind: str, layer: int, head: int, query_tokens: list[str], key_tokens: list[str],
             windowed: bool) -> ViewOptions:
    f1, f2, f3 = st.columns([3, 2, 2])
    focus_options = [-1] + list(range(len(query_tokens)))
    fit.fit_option(K.FOCUS, focus_options, "focus", -1, t("all tokens (positions 0–{last})", last=len(query_tokens) - 1))
    tr = fixed()
    focus = f1.selectbox(t("Focus on a query token"), focus_options, key=K.FOCUS, persist_state=K.FOCUS.keep,
                         format_func=lambda i: tr("all tokens") if i < 0 else
                         tr("{i} · {token}", i=i, token=query_tokens[i]),
                         help=t("Every view then shows only what this token attends to. In the head view, click a token."))
    can_hide = kind != "cross" and any(cap.special)
    hide = f2.toggle(t("Hide special tokens"), key=K.HIDE, persist_state=K.HIDE.keep, disabled=not can_hide, help=t("[CLS], [SEP], <s>, … often soak up attention and hide the rest."))
    renorm = f3.toggle(t("Renormalise rows"), key=K.RENORM, persist_state=K.RENORM.keep, disabled=not hide, help=t("After hiding, rescale each row to sum to 1 again."))
    window = None
    if windowed and len(key_tokens) > WINDOW_FROM:
        kept = st.session_state.get(K.WINDOW)  # kept while hidden (keep="page"), perhaps for a longer text
        if kept is not None and max(kept) > len(key_tokens):
            del st.session_state[K.WINDOW]
        window = st.slider(t("Window of positions"), 0, len(key_tokens), (0, min(len(key_tokens), WINDOW_DEFAULT)),
                           key=K.WINDOW, persist_state=K.WINDOW.keep, help=t("Long inputs are shown a window at a time; overviews (model view, statistics) use all."))
    return ViewOptions(kind=kind, layer=layer, head=head, focus=focus if focus >= 0 else None, hide_special=hide,
                       window=tuple(window) if window else None, renormalise=hide and renorm)
