"""Compare's "what changed": A's heads ranked by how much their attention changed in B (analysis.head_changes),
the top ones as bars and every one in a table; a bar or a row opens A's head and B's side by side. When A and B
are identical the page says so instead of drawing a blank B − A map."""
from __future__ import annotations

import streamlit as st

from attnviz.analysis.compare import Comparison
from attnviz.analysis.head_changes import Changes, head_changes
from attnviz.core.types import AttentionCapture
from attnviz.figures import changes as ch
from attnviz.i18n import t
from attnviz.app.state import compare as K
from attnviz.app.widgets.figure_out import show, take_click

ROWS, ROW_PX = 8, 35  # the table shows eight heads at a time (Streamlit's rows are 35 px), and scrolls


def _open(layer_a: int, head_a: int, layer_b: int, head_b: int) -> None:
    st.session_state.update({K.LAYER_A: layer_a, K.HEAD_A: head_a, K.LAYER_B: layer_b, K.HEAD_B: head_b,
                             K.LOCK: False, K.VIEW: "Heatmap"})


def take_changes_click() -> None:
    """A bar of the ranking clicked, or a row of its table selected, since the last run: open those two heads
    (read before the pickers are drawn, as the distance matrix's clicks are)."""
    clicked = take_click(K.CHANGES_CHART, K.CHANGES_SEEN)
    if clicked is not None and len(clicked) >= 4:
        _open(*(int(v) for v in clicked[:4]))
        return
    event = st.session_state.get(K.CHANGES_TABLE)
    selection = (event or {}).get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", None)
    rows = (selection.get("rows") if isinstance(selection, dict) else getattr(selection, "rows", None)) or []
    listed = st.session_state.get(K.CHANGES_ROWS) or []
    if not rows or rows[0] >= len(listed):
        return
    picked = tuple(listed[rows[0]])
    if st.session_state.get(K.CHANGES_PICKED) != picked:  # a row stays selected: open it once
        st.session_state[K.CHANGES_PICKED] = picked
        _open(*picked)


def what_changed(result: Comparison, caps: list[AttentionCapture], img_format: str) -> Changes:
    """The section: the identical-panes note, or the ranked heads (bars and a table); returns the ranking."""
    changes = head_changes(result, *caps)
    st.subheader(t("What changed"))
    note = ch.identical_note(changes)
    if note:
        st.info(note)
        return changes
    if not changes.ranked:  # no aligned tokens: the difference section says why
        return changes
    table = ch.changes_table(changes)
    show(ch.changes_figure(changes), K.CHANGES_CHART, lambda: table.to_csv(index=False), img_format=img_format,
         on_select="rerun", selection_mode="points")
    st.session_state[K.CHANGES_ROWS] = [(c.layer_a, c.head_a, c.layer_b, c.head_b) for c in changes.ranked]
    st.dataframe(table, hide_index=True, width="stretch", height=ROW_PX * (min(len(table), ROWS) + 1) + 3,
                 key=K.CHANGES_TABLE, on_select="rerun", selection_mode="single-row")
    st.caption(t("Every head of A, the most changed first. Click a bar or select a row to open that head of A and "
                 "its head of B side by side above. {about}", about=ch.changes_caption(changes)))
    return changes
