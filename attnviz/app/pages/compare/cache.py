"""The compare page's cache: the comparison of two panes' captures."""
from __future__ import annotations

import streamlit as st

from attnviz.analysis.compare import Comparison, compare
from attnviz.app.pipeline import load


@st.cache_data(show_spinner=False, max_entries=8)
def cached_comparison(a: load.Request, b: load.Request) -> Comparison:
    """compare() of two panes' captures (each pane's model already loaded by the page)."""
    return compare(*(load.capture_with(load.loaded_model(request), request) for request in (a, b)))
