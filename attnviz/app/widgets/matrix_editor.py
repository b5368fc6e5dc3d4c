"""An editable matrix: typed cells are kept as typed; the last valid matrix is what the page computes with."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from attnviz.lessons.cells import format_number, parse_grid
from attnviz.i18n import t
from attnviz.app.state import worked_example as WorkedExample
from attnviz.app.widgets.literal import escape


def value_key(key: str) -> str:
    """Session key holding the matrix's last valid value (settable by tests and presets)."""
    return WorkedExample.value(key)


def matrix_editor(label: str, key: str, default: np.ndarray, row_labels: list[str],
                  col_labels: list[str]) -> tuple[np.ndarray, bool]:
    """Draw an editor for a matrix; return (last valid matrix, whether what is shown is valid).

    Cells are text so that whatever a person types stays on screen; a cell that is not a finite
    number is flagged by row and column, and the page keeps computing with the last valid matrix.
    """
    store = value_key(key)
    current = st.session_state.get(store)
    if current is None or np.shape(current) != default.shape:
        current = np.array(default, dtype=float)
        st.session_state[store] = current
    frame = pd.DataFrame([[format_number(v) for v in row] for row in current],
                         index=row_labels, columns=col_labels)
    edited = st.data_editor(frame, key=WorkedExample.editor(key), num_rows="fixed",
                            column_config={c: st.column_config.TextColumn(c) for c in col_labels},
                            width="stretch")
    values, problems = parse_grid(edited.values.tolist(), default.shape)
    if problems:
        for p in problems:
            # only what the visitor typed (labels, the cell) is escaped: the sentence around it is the catalogue's
            # said as a teacher reads it aloud: In X, row “is”, column d1: 'abc' is not a number.
            where = (t("In {label}, row “{row}”, column {col}", label=label, row=escape(row_labels[p.row]),
                       col=escape(col_labels[p.col])) if p.row >= 0 else t("In {label}", label=label))
            st.error(t("{where}: {message}. The results below use the last valid {label}.", where=where, message=escape(p.message), label=label), icon=":material/edit:")
        return current, False
    if not np.array_equal(values, current):
        st.session_state[store] = values
    return values, True
