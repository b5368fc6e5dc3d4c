"""attnviz: operator settings, page config, the shared sidebar and the page router — nothing else."""
import streamlit as st

from attnviz.core import settings
from attnviz.ui import sidebar, state, urlstate

try:
    operator = settings.current()
except settings.SettingsError as exc:  # the operator's mistake, said plainly
    st.error(f"attnviz cannot start with these settings: {exc}")
    st.stop()
# Uncaught errors show only what the operator allows (the shared preset: a generic line, no traceback).
st.set_option("client.showErrorDetails", operator.error_details)
st.set_page_config(page_title="attnviz", page_icon="🔍", layout="wide")
urlstate.restore()
state.remember(sidebar.render())
st.navigation([
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/explorer.py", title="Explorer", icon="🔭", url_path="explorer"),
    st.Page("pages/compare.py", title="Compare", icon="⚖️", url_path="compare"),
    st.Page("pages/toy.py", title="Worked example", icon="🧮", url_path="worked-example"),
    st.Page("pages/positional.py", title="Positional encodings", icon="📐", url_path="positions"),
    st.Page("pages/train.py", title="Training lab", icon="🏋️", url_path="training"),
]).run()
