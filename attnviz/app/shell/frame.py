"""What every run of the app does before its page: settings, page config, sidebar, link, presentation."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from attnviz.app.pipeline import load
from attnviz.app.shell import language, layout, links, logs, navigation, present, sidebar, teacher_bar
from attnviz.core import settings


ICON = Path(__file__).resolve().parents[1] / "static" / "favicon.png"  # a previous-token head, 4 × 4


def run() -> None:
    logs.configure()
    try:
        operator = settings.current()
    except settings.SettingsError as exc:  # the operator's mistake, said plainly
        st.error(f"attnviz cannot start with these settings: {exc}")
        st.stop()
    # Uncaught errors show only what the operator allows (the shared preset: a generic line, no traceback).
    st.set_option("client.showErrorDetails", operator.error_details)
    # the icon is a file shipped with the app: a Material symbol name would make every page fetch it from a font host
    st.set_page_config(page_title="attnviz", page_icon=str(ICON), layout="wide")
    layout.compact()
    links.restore()
    language.activate()  # every message of this run in the session's language (a link may have set it)
    load.remember(sidebar.render())
    page = navigation.router()
    present.apply()
    teacher_bar.draw(navigation.name_of(page))  # presenting: pages, model, text, language and the way back
    links.show_notes()
    page.run()
