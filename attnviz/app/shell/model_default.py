"""The sidebar's model when nobody chose one: zh-char for a Chinese text on a page in 简体中文, else the default.

A model the visitor picked, a link named or a page set (the survey, the training lab) is never replaced."""
from __future__ import annotations

import streamlit as st

from attnviz.app.state import sidebar as Sidebar
from attnviz.models.languages import is_chinese
from attnviz.models.registry import DEFAULT_MODEL

CHINESE_MODEL = "zh-char"
CHINESE_PAGE = "zh"


def suggested(lang: str, text: str) -> str:
    """The model for a text on a page in `lang`, when nobody chose one."""
    return CHINESE_MODEL if lang == CHINESE_PAGE and is_chinese(text) else DEFAULT_MODEL


def chosen() -> None:
    """The visitor picked a model (a picker's callback): from now on the sidebar keeps it."""
    st.session_state[Sidebar.MODEL_CHOSEN] = True


def apply(lang: str, text: str, offered: list[str]) -> None:
    """Before the model picker is drawn: where nobody chose a model, put the suggested one there (among `offered`,
    the models this server offers). A model set by anything else (a link, a page) counts as chosen."""
    state = st.session_state
    if state.get(Sidebar.MODEL_CHOSEN):
        return
    current = state.get(Sidebar.MODEL)
    if current is not None and current != state.get(Sidebar.MODEL_AUTO):
        state[Sidebar.MODEL_CHOSEN] = True  # a link's model=, or a page that opened a model (survey, training)
        return
    model = suggested(lang, text)
    state[Sidebar.MODEL] = state[Sidebar.MODEL_AUTO] = model if model in offered else DEFAULT_MODEL


def picked_for_chinese() -> bool:
    """Whether the sidebar's model is zh-char because the page and the text are Chinese (nobody chose it)."""
    state = st.session_state
    return (not state.get(Sidebar.MODEL_CHOSEN) and state.get(Sidebar.MODEL) == CHINESE_MODEL
            and state.get(Sidebar.MODEL_AUTO) == CHINESE_MODEL)
