"""attnviz: operator settings, page config, the shared sidebar and the page router — nothing else."""
import streamlit as st

from attnviz.core import settings
from attnviz.ui import layout, present, sidebar, state, urlstate
from attnviz.ui.i18n import t

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
present.apply()
urlstate.show_notes()
st.navigation([
    st.Page("app_pages/home.py", title=t("nav.home"), icon=":material/home:", default=True),
    st.Page("app_pages/lesson.py", title=t("nav.lesson"), icon=":material/school:", url_path="lesson"),
    st.Page("app_pages/explorer.py", title=t("nav.explorer"), icon=":material/grid_view:", url_path="explorer"),
    st.Page("app_pages/compare.py", title=t("nav.compare"), icon=":material/compare_arrows:", url_path="compare"),
    st.Page("app_pages/toy.py", title=t("nav.worked_example"), icon=":material/calculate:", url_path="worked-example"),
    st.Page("app_pages/positional.py", title=t("nav.positions"), icon=":material/straighten:", url_path="positions"),
    st.Page("app_pages/train.py", title=t("nav.training"), icon=":material/model_training:", url_path="training"),
    st.Page("app_pages/survey.py", title=t("nav.survey"), icon=":material/query_stats:", url_path="survey"),
]).run()
