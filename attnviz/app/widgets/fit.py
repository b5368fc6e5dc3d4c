"""Session values that a widget cannot take (from a link, or left by another model): fitted, and said."""
from __future__ import annotations

import streamlit as st

from attnviz.i18n.catalogue import CATALOGUES
from attnviz.app.shell.language import t
from attnviz.app.widgets.literal import code


def say(message: str) -> None:
    """A note about the link's values, on the page (the values inside are quoted with `code`)."""
    st.info(message, icon="🔗")


def _word(name: str) -> str:
    """What a value is called (layer, head, view …) in the chosen language; unknown names as they are."""
    key = f"ui.fit.name.{name}"
    return t(key) if key in CATALOGUES["en"] else name


def fit_int(key: str, low: int, high: int, name: str) -> None:
    """Clamp a session value (from a link, or left by another model) into [low, high], and say so."""
    value = st.session_state.get(key)
    if value is None or (isinstance(value, int) and low <= value <= high):
        return
    st.session_state[key] = fixed = min(max(int(value), low), high)
    say(t("ui.fit.int", name=_word(name), value=value, low=low, high=high, fixed=fixed))


def fit_choice(key: str, options: list, name: str) -> None:
    """Forget a session value that is not one of the options (the widget takes its default), and say so."""
    value = st.session_state.get(key)
    if value is None or value in options:
        return
    del st.session_state[key]
    say(t("ui.fit.choice", name=_word(name), value=code(value), options=", ".join(code(o) for o in options)))


def fit_option(key: str, options: list, name: str, fallback, fallback_words: str) -> None:
    """Put a session value that is not one of the options back to `fallback`, and say so."""
    value = st.session_state.get(key)
    if value is None or value in options:
        return
    st.session_state[key] = fallback
    say(t("ui.fit.option", name=_word(name), value=code(value), fallback=fallback_words))
