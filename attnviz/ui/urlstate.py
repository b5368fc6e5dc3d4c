"""The whole state in the URL query string: restored once per session, published after every run."""
from __future__ import annotations

import streamlit as st

from attnviz.ui.keys import App, Compare, Explorer, Lesson, Sidebar
from attnviz.ui.sidebar import CUSTOM, MODEL_LABELS

FLAG = App.URL_RESTORED
# query parameter -> (session key, type)
SIDEBAR = {"model": (Sidebar.MODEL, str), "path": (Sidebar.PATH, str), "text": (Sidebar.TEXT, str),
           "target": (Sidebar.TARGET, str), "device": (Sidebar.DEVICE, str)}
EXPLORER = {"view": (Explorer.VIEW, str), "kind": (Explorer.KIND, str), "layer": (Explorer.LAYER, int),
            "head": (Explorer.HEAD, int), "focus": (Explorer.FOCUS, int), "hide": (Explorer.HIDE, bool),
            "renorm": (Explorer.RENORM, bool), "log": (Explorer.LOG, bool), "agg": (Explorer.AGGREGATE, str),
            "stat": (Explorer.STAT, str)}
# the compare page: both panes (model, folder, text, positions) and the pickers
COMPARE = {**{f"{side}_{name}": (Compare.pane(side, name), str) for side in "ab" for name in Compare.FIELDS},
           "cview": (Compare.VIEW, str), "la": (Compare.LAYER_A, int), "ha": (Compare.HEAD_A, int),
           "lb": (Compare.LAYER_B, int), "hb": (Compare.HEAD_B, int), "lock": (Compare.LOCK, bool)}

# kept in the link only when not the default (English, not presenting, the first step)
CLASSROOM = {"lang": (Sidebar.LANG, str), "present": (Sidebar.PRESENT, bool), "step": (Lesson.STEP, int)}


def _cast(value: str, kind: type):
    if kind is bool:
        return value.lower() in ("1", "true", "yes", "on")
    return kind(value)


def restore() -> None:
    """Copy the URL's parameters into session keys, once per session, before any widget is drawn."""
    if st.session_state.get(FLAG):
        return
    st.session_state[FLAG] = True
    params = st.query_params
    for name, (key, kind) in {**SIDEBAR, **EXPLORER, **COMPARE, **CLASSROOM}.items():
        if name in params:
            try:
                st.session_state[key] = _cast(params[name], kind)
            except ValueError:
                continue  # a malformed parameter is ignored; the widget keeps its default
    model = st.session_state.get(Sidebar.MODEL)
    if model is not None and model not in MODEL_LABELS:  # a folder or hub id given as model=
        st.session_state[Sidebar.PATH], st.session_state[Sidebar.MODEL] = model, CUSTOM


def publish(page: dict[str, object]) -> str:
    """Write the sidebar's and this page's state into the URL; return the link as a string.

    The address bar is not always updated by the browser after a rerun, so pages also show the
    returned link, which is built from the state of this very run.
    """
    params: dict[str, str] = {}
    for name, (key, _) in SIDEBAR.items():
        value = st.session_state.get(key)
        if value not in (None, "") and not (name == "path" and st.session_state.get(Sidebar.MODEL) != CUSTOM):
            params[name] = str(value)
    if st.session_state.get(Sidebar.LANG, "en") != "en":
        params["lang"] = str(st.session_state[Sidebar.LANG])
    if st.session_state.get(Sidebar.PRESENT):
        params["present"] = "1"
    for name, value in page.items():
        if value is not None:
            params[name] = str(int(value)) if isinstance(value, bool) else str(value)
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    from urllib.parse import urlencode, urlsplit

    here = urlsplit(st.context.url or "")
    base = f"{here.scheme}://{here.netloc}{here.path}" if here.netloc else here.path
    return f"{base}?{urlencode(params)}"
