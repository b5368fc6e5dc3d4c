"""The whole state in the URL query string: restored once per session, published after every run."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import streamlit as st

from attnviz.app.widgets.fit import say
from attnviz.i18n import N_, t, tp
from attnviz.app import state
from attnviz.app.state import compare as Compare
from attnviz.app.state import session as Session
from attnviz.app.state import sidebar as Sidebar
from attnviz.app.state.base import Key, linked
from attnviz.app.widgets.literal import code
from attnviz.app.shell.sidebar import CUSTOM, MODEL_LABELS

VALUE_KINDS = {"int": N_("a whole number"), "str": N_("text"), "bool": N_("on or off")}

FLAG = Session.URL_RESTORED
NOTES = Session.URL_NOTES  # what restore() did with values it could not use, said once on the page
# Servers refuse request lines past ~64-128 KB (Streamlit's answers 400), proxies and chat tools far
# less: a link longer than this leaves the text out and says how to carry it instead.
MAX_LINK = 32_000
# every key that travels in the link (each state module's, sidebar first), and those a too-long link leaves out
LINKED = [key for module in state.modules() for key in linked(module)]
TEXTS = (Sidebar.TEXT, Sidebar.TARGET, Compare.pane("a", "text"), Compare.pane("b", "text"))


KIND_WORDS = {int: "int", str: "str", bool: "bool"}  # how VALUE_KINDS names a key's type


def _cast(value: str, kind: type):
    if kind is bool:
        return value.lower() in ("1", "true", "yes", "on")
    return kind(value)


def show_notes() -> None:
    """Say, once, what restore() ignored."""
    # said here, not in restore(): the link's own lang= is known only once restore() has read every parameter
    for name, value, kind in st.session_state.pop(NOTES, []):
        say(t("The link's {name} {value} is not {kind}: ignored.", name=name, value=code(value), kind=t(VALUE_KINDS[kind])))


def restore() -> None:
    """Copy the URL's parameters into session keys, once per session, before any widget is drawn."""
    if st.session_state.get(FLAG):
        return
    st.session_state[FLAG] = True
    params = st.query_params
    for key in LINKED:
        if key.param in params:
            try:
                st.session_state[key] = _cast(params[key.param], key.type)
            except ValueError:  # a malformed parameter is ignored; the widget keeps its default
                st.session_state.setdefault(NOTES, []).append((key.param, params[key.param], KIND_WORDS[key.type]))
    model = st.session_state.get(Sidebar.MODEL)
    if model is not None and model not in MODEL_LABELS:  # a folder or hub id given as model=
        st.session_state[Sidebar.PATH], st.session_state[Sidebar.MODEL] = model, CUSTOM


@dataclass(frozen=True)
class Link:
    url: str
    text_left_out: int = 0  # characters of text (and decoder text) too long to travel in the link
    full_length: int = 0  # the length the link would have had with them


def publish(page: dict[Key, object]) -> Link:
    """Write the sidebar's and this page's state (the page's keys and their values) into the URL; return the link.

    A value the link leaves out (None, or its key's default) is not written. The address bar is not always
    updated by the browser after a rerun, so pages also show the returned link, which is built from the state
    of this very run. A text too long for a link is left out of it (and out of the address bar).
    """
    params: dict[str, str] = {}
    custom = st.session_state.get(Sidebar.MODEL) == CUSTOM
    for key in linked(Sidebar):
        text = key.link_text(st.session_state.get(key))
        if text is not None and (key != Sidebar.PATH or custom):  # a folder only with the model "custom"
            params[key.param] = text
    for key, value in page.items():
        text = key.link_text(value)
        if text is not None:
            params[key.param] = text
    here = urlsplit(st.context.url or "")
    base = f"{here.scheme}://{here.netloc}{here.path}" if here.netloc else here.path
    url = f"{base}?{urlencode(params)}"
    left_out, full = 0, len(url)
    if full > MAX_LINK:
        left_out = sum(len(params.pop(key.param, "")) for key in TEXTS)
        url = f"{base}?{urlencode(params)}"
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    return Link(url, left_out, full)


def show_link(link: Link, what: str | None = None, heading: str | None = None,
              texts: dict[str, str] | None = None, carry: str | None = None) -> None:
    """The link to this view; for a text too long to travel in a link, what works instead: the link
    without it, and each text (`texts`: file label -> text; default the sidebar's) as a file to download.
    what, heading, carry: words in the chosen language (defaults: the explorer's)."""
    what = what or t("model, text, view, layer, head and options")
    heading = heading or t("this view")
    if not link.text_left_out:
        st.markdown(t("**Link to {heading}** ({what}):", heading=heading, what=what))
        st.code(link.url, language=None)
        return
    st.markdown(t("**Link to {heading}, without the text**:", heading=heading))
    st.code(link.url, language=None)
    st.warning(t("The text is too long for a link: with its {chars} characters the link would be {length} characters long, and servers refuse links past a few tens of thousands. The link above opens {heading} without the text. Download the text and send it along: {carry}.", chars=f"{link.text_left_out:,}", length=f"{link.full_length:,}", heading=heading,
                 carry=carry or tp("whoever opens the link loads it with \"Load the text from a file\" in the sidebar")))
    if texts is None:
        texts = {"text": str(st.session_state.get(Sidebar.TEXT) or "")}
    for name, text in texts.items():
        # several texts are named "text A", "text B": the label names the pane
        label = t("The text as a file") if len(texts) == 1 else t("Text {name} as a file", name=name.split()[-1])
        st.download_button(label, lambda text=text: text.encode("utf-8"), file_name=f"attnviz-{name.replace(' ', '-')}.txt",
                           mime="text/plain", key=Session.link_text_file(name), on_click="ignore")
