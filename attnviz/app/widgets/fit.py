"""Session values that a widget cannot take (from a link, or left by another model): fitted, and said."""
from __future__ import annotations

import streamlit as st

from attnviz.i18n import N_, t
from attnviz.app.widgets.literal import code

# what a value is called in a note about it
NAMES = {"layer": N_("layer"), "head": N_("head"), "view": N_("view"), "focus": N_("focus"),
         "aggregate": N_("aggregate"), "statistic": N_("statistic"), "attention kind": N_("attention kind"),
         "device": N_("device"), "measure": N_("measure"), "step": N_("step"), "language": N_("language")}


def say(message: str) -> None:
    """A note about the link's values, on the page (the values inside are quoted with `code`)."""
    st.info(message, icon="🔗")


def _word(name: str) -> str:
    """What a value is called (layer, head, view …) in the chosen language; unknown names as they are."""
    return t(NAMES[name]) if name in NAMES else name


def fit_int(key: str, low: int, high: int, name: str) -> None:
    """Clamp a session value (from a link, or left by another model) into [low, high], and say so."""
    value = st.session_state.get(key)
    if value is None or (isinstance(value, int) and low <= value <= high):
        return
    st.session_state[key] = fixed = min(max(int(value), low), high)
    say(t("There is no {name} {value} here ({name}s {low}–{high}): showing {name} {fixed}.", name=_word(name), value=value, low=low, high=high, fixed=fixed))


def fit_choice(key: str, options: list, name: str) -> None:
    """Forget a session value that is not one of the options (the widget takes its default), and say so."""
    value = st.session_state.get(key)
    if value is None or value in options:
        return
    del st.session_state[key]
    say(t("The link's {name} {value} is not one of {options}: ignored.", name=_word(name), value=code(value), options=", ".join(code(o) for o in options)))


def fit_option(key: str, options: list, name: str, fallback, fallback_words: str) -> None:
    """Put a session value that is not one of the options back to `fallback`, and say so."""
    value = st.session_state.get(key)
    if value is None or value in options:
        return
    st.session_state[key] = fallback
    say(t("There is no {name} {value} here: showing {fallback}.", name=_word(name), value=code(value), fallback=fallback_words))
