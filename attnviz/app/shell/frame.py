"""What every run of the app does before its page: settings, page config, sidebar, link, presentation."""
from __future__ import annotations

import streamlit as st

from attnviz.app.pipeline import load
from attnviz.app.shell import language, layout, links, logs, navigation, present, sidebar
from attnviz.core import settings


def run() -> None:
    logs.configure()
    try:
        operator = settings.current()
    except settings.SettingsError as exc:  # the operator's mistake, said plainly
        st.error(f"attnviz cannot start with these settings: {exc}")
        st.stop()
    # Uncaught errors show only what the operator allows (the shared preset: a generic line, no traceback).
    st.set_option("client.showErrorDetails", operator.error_details)
    st.set_page_config(page_title="attnviz", page_icon=":material/visibility:", layout="wide")
    layout.compact()
    links.restore()
    language.activate()  # every message of this run in the session's language (a link may have set it)
    load.remember(sidebar.render())
    present.apply()
    links.show_notes()
    navigation.run()
