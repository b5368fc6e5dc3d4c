"""Presentation mode's bar: what a teacher needs while the sidebar is hidden, on one row above the page — the
pages, the model, the text, the language and the way back.

Its widgets have keys of their own and write to the sidebar's (a callback, before the run draws anything), so
the hidden sidebar, the link and every page read the same model, text and language."""
from __future__ import annotations

from functools import partial

import streamlit as st

from attnviz.app.shell import language, navigation, present
from attnviz.app.shell import sidebar as shared
from attnviz.app.state import sidebar as Sidebar
from attnviz.app.state.base import Key
from attnviz.app.widgets.literal import escape
from attnviz.core import settings
from attnviz.i18n import LANGUAGES, fixed, t

MIRRORS: dict[Key, Key] = {Sidebar.BAR_MODEL: Sidebar.MODEL, Sidebar.BAR_PATH: Sidebar.PATH,
                           Sidebar.BAR_TEXT: Sidebar.TEXT, Sidebar.BAR_LANG: Sidebar.LANG}
TEXT_SHOWN = 22  # characters of the text on the text button


def _write(bar: Key) -> None:
    """A bar widget changed: its value goes to the sidebar's key (and a model picked here is the visitor's)."""
    st.session_state[MIRRORS[bar]] = st.session_state[bar]
    if bar == Sidebar.BAR_MODEL:
        shared.picked()
    if bar == Sidebar.BAR_LANG:
        language.activate()


def _read(bar: Key, default: object) -> None:
    """Before the bar's widget is drawn: it shows what the sidebar holds."""
    st.session_state[bar] = st.session_state.get(MIRRORS[bar], default)


def short(text: str, width: int = TEXT_SHOWN) -> str:
    """The start of the text on one line, for the text button."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def pages(current: str | None) -> None:
    """The page switcher: a button named after this page; one click lists every page."""
    entry = navigation.PAGES.get(current) if current else None
    with st.popover(t(entry.title) if entry else t("Pages"), icon=":material/menu:", width="stretch"):
        for name in navigation.PAGES:
            st.page_link(navigation.page(name), width="stretch")


def short_label(name: str, labels: dict[str, str], tr=t) -> str:
    """A model as the bar names it: a bundled model by its name alone (the bar is narrow), one's own as the sidebar
    says it."""
    return shared.model_label(name, labels, tr) if name == shared.CUSTOM else name


def model_and_text() -> None:
    """The sidebar's model picker (its own list: what this server offers)."""
    labels = shared.offered()
    options = list(labels)
    _read(Sidebar.BAR_MODEL, shared.DEFAULT_MODEL)
    if st.session_state[Sidebar.BAR_MODEL] not in options:
        st.session_state[Sidebar.BAR_MODEL] = shared.DEFAULT_MODEL
    st.selectbox(t("Model"), options, key=Sidebar.BAR_MODEL, label_visibility="collapsed",
                 format_func=partial(short_label, labels=labels, tr=fixed()),
                 on_change=_write, args=(Sidebar.BAR_MODEL,))


def text_box() -> None:
    """The sidebar's text: a button with the text's start; one click opens the box (and a folder's, for one's own
    model)."""
    _read(Sidebar.BAR_TEXT, shared.DEFAULT_TEXT)
    text = str(st.session_state[Sidebar.BAR_TEXT] or "")
    with st.popover(escape(short(text)) or t("Text"), icon=":material/edit_note:", width="stretch",
                    help=t("The text every page reads; Ctrl+Enter applies it.")):
        if st.session_state.get(Sidebar.MODEL) == shared.CUSTOM and settings.current().custom_models == "any":
            _read(Sidebar.BAR_PATH, "")
            st.text_input(t("Folder or hub id"), key=Sidebar.BAR_PATH, on_change=_write, args=(Sidebar.BAR_PATH,))
        st.text_area(t("Text"), key=Sidebar.BAR_TEXT, height=140, on_change=_write, args=(Sidebar.BAR_TEXT,))


def language_switch() -> None:
    _read(Sidebar.BAR_LANG, language.lang())
    st.segmented_control("Language · 语言", list(LANGUAGES), format_func=LANGUAGES.get, key=Sidebar.BAR_LANG,
                         required=True, label_visibility="collapsed", on_change=_write, args=(Sidebar.BAR_LANG,))


def draw(current: str | None) -> None:
    """The bar, presenting only; the model and the text only on pages that read them (others have their own)."""
    if not present.active():
        return
    reads = bool(current) and navigation.PAGES[current].reads_sidebar
    cols = st.columns([6, 4, 7, 6, 7] if reads else [6, 12, 6, 7], vertical_alignment="center", gap="small")
    with cols[0]:
        pages(current)
    if reads:
        with cols[1]:
            model_and_text()
        with cols[2]:
            text_box()
    with cols[-2]:
        language_switch()
    cols[-1].button(t("Leave presentation mode"), key=Sidebar.PRESENT_LEAVE, on_click=present.leave,
                    icon=":material/close_fullscreen:", width="stretch", help=t("The page as at a desk again, its model and text on the left."))
