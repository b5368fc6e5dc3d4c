"""The page's language: the sidebar's switch, kept in the link (lang=zh), and set for every message of the run."""
from __future__ import annotations

import streamlit as st

from attnviz import i18n
from attnviz.app.state import sidebar as Sidebar
from attnviz.app.state.base import Key
from attnviz.app.widgets.fit import fit_option
from attnviz.i18n import DEFAULT, LANGUAGES


def lang() -> str:
    """The language this session chose (English until it chooses)."""
    chosen = st.session_state.get(Sidebar.LANG, DEFAULT)
    return chosen if chosen in LANGUAGES else DEFAULT


def activate() -> None:
    """Say every message of this run in the session's language, with presentation wordings when presenting."""
    i18n.use(lang(), bool(st.session_state.get(Sidebar.PRESENT)))


def language_switch() -> str:
    """The sidebar's English / 简体中文 switch; the choice is kept in the link (lang=zh)."""
    fit_option(Sidebar.LANG, list(LANGUAGES), "language", DEFAULT, LANGUAGES[DEFAULT])  # a link's lang=fr: said
    # the label names both languages, so a person who reads only one of them finds the switch
    st.sidebar.radio("Language · 语言", list(LANGUAGES), format_func=LANGUAGES.get, key=Sidebar.LANG, horizontal=True,
                     on_change=activate)
    activate()
    keep_in_link(Sidebar.LANG, lang())
    return lang()


def keep_in_link(key: Key, value: object) -> None:
    """Set one link parameter (the key's) without touching the others; drop it where the link leaves the value out."""
    name, value = key.param, key.link_text(value)
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value
