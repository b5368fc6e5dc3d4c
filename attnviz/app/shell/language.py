"""The chosen language and t(key, **fmt): every string a page shows comes from the catalogues."""
from __future__ import annotations

from functools import partial
from collections.abc import Callable

import streamlit as st

from attnviz.i18n.catalogue import DEFAULT, LANGUAGES, lookup, variant_of
from attnviz.app.state.keys import Sidebar


def lang() -> str:
    chosen = st.session_state.get(Sidebar.LANG, DEFAULT)
    return chosen if chosen in LANGUAGES else DEFAULT


PRESENT = ".present"  # a key's variant for presentation mode, e.g. one that names the model instead of the sidebar


def variant() -> str:
    """The wording this run prefers where a key has it: PRESENT in presentation mode (the sidebar is hidden then:
    no text may point to it), else none."""
    return PRESENT if st.session_state.get(Sidebar.PRESENT) else ""


def t(key: str, **fmt) -> str:
    """The catalogue's string `key` in the chosen language, formatted with `fmt`; in presentation mode its
    `key.present` variant where the catalogue has one."""
    return lookup(lang(), variant_of(lang(), key, variant()), **fmt)


def fixed() -> Callable[..., str]:
    """t() bound to this run's language: for format_func callbacks, which may be called after the run."""
    return partial(lookup, lang())


def language_switch() -> str:
    """The sidebar's English / 简体中文 switch; the choice is kept in the link (lang=zh)."""
    if st.session_state.get(Sidebar.LANG) not in LANGUAGES:
        st.session_state[Sidebar.LANG] = DEFAULT
    # the label names both languages, so a person who reads only one of them finds the switch
    st.sidebar.radio("Language · 语言", list(LANGUAGES), format_func=LANGUAGES.get, key=Sidebar.LANG, horizontal=True)
    keep_in_link("lang", None if lang() == DEFAULT else lang())
    return lang()


def keep_in_link(name: str, value: str | None) -> None:
    """Set (or drop) one query parameter without touching the others."""
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value
