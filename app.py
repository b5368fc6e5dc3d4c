"""attnviz: operator settings, page config, the shared sidebar and the page router — nothing else."""
import streamlit as st

from attnviz.core import settings
from attnviz.ui import layout, sidebar, state, urlstate

try:
    operator = settings.current()
except settings.SettingsError as exc:  # the operator's mistake, said plainly
    st.error(f"attnviz cannot start with these settings: {exc}")
    st.stop()
# Uncaught errors show only what the operator allows (the shared preset: a generic line, no traceback).
st.set_option("client.showErrorDetails", operator.error_details)
st.set_page_config(page_title="attnviz", page_icon=":material/visibility:", layout="wide")
layout.compact()
urlstate.restore()
state.remember(sidebar.render())
urlstate.show_notes()
st.navigation([
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("app_pages/explorer.py", title="Explorer", icon=":material/grid_view:", url_path="explorer"),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("app_pages/toy.py", title="Worked example", icon=":material/calculate:", url_path="worked-example"),
    st.Page("app_pages/positional.py", title="Positional encodings", icon=":material/straighten:", url_path="positions"),
    st.Page("app_pages/train.py", title="Training lab", icon=":material/model_training:", url_path="training"),
]).run()
