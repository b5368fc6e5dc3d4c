"""A compact page: less blank space above the title, so the first figure starts above the fold at 1280×720."""
from __future__ import annotations

import streamlit as st

# Streamlit leaves 6rem above the title and draws h1 at 2.75rem: on a 720 px projector that pushes the first
# figure below the fold. These rules only tighten spacing; nothing is hidden.
_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 1.25rem; padding-bottom: 3rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding: 0.25rem 0 0.5rem 0; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.5rem; padding: 0.5rem 0 0.25rem 0; }
[data-testid="stSidebarHeader"] { padding-bottom: 0; margin-bottom: 0; height: 2.5rem; }
[data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
</style>
"""


def compact() -> None:
    """Tighten the page's spacing (drawn once per run, from app.py)."""
    st.html(_CSS)
