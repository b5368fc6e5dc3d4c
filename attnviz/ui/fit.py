"""Session values that a widget cannot take (from a link, or left by another model): fitted, and said."""
from __future__ import annotations

import streamlit as st

from attnviz.ui.literal import code


def say(message: str) -> None:
    """A note about the link's values, on the page (the values inside are quoted with `code`)."""
    st.info(message, icon="🔗")


def fit_int(key: str, low: int, high: int, name: str) -> None:
    """Clamp a session value (from a link, or left by another model) into [low, high], and say so."""
    value = st.session_state.get(key)
    if value is None or (isinstance(value, int) and low <= value <= high):
        return
    st.session_state[key] = fixed = min(max(int(value), low), high)
    say(f"There is no {name} {value} here ({name}s {low}–{high}): showing {name} {fixed}.")


def fit_choice(key: str, options: list, name: str) -> None:
    """Forget a session value that is not one of the options (the widget takes its default), and say so."""
    value = st.session_state.get(key)
    if value is None or value in options:
        return
    del st.session_state[key]
    say(f"The link's {name} {code(value)} is not one of {', '.join(code(o) for o in options)}: ignored.")


def fit_option(key: str, options: list, name: str, fallback, fallback_words: str) -> None:
    """Put a session value that is not one of the options back to `fallback`, and say so."""
    value = st.session_state.get(key)
    if value is None or value in options:
        return
    st.session_state[key] = fallback
    say(f"There is no {name} {code(value)} here: showing {fallback_words}.")
