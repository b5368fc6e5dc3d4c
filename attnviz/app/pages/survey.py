"""Survey: what each head does over a whole corpus — heads ranked, heads found by behaviour, a head's most and
least typical texts (each opens in the explorer), and its queries and keys over thousands of tokens."""
from pathlib import Path

import streamlit as st

from attnviz.core import settings
from attnviz.core.errors import AttnvizError
from attnviz.figures.survey import JOINT_LABELS, joint_figure, ranking_figure
from attnviz.analysis.reduce import projection_methods
from attnviz.i18n.keyed import say
from attnviz.models.registry import OFFLINE_MODELS
from attnviz.survey.joint import joint_points
from attnviz.survey.query import BEHAVIOURS, Survey
from attnviz.survey.rows import LABELS
from attnviz.app.shell import navigation, present
from attnviz.app.shell import projector
from attnviz.app.shell.language import fixed, lang, t
from attnviz.app.state.keys import Explorer, Sidebar
from attnviz.app.state.keys import Survey as K
from attnviz.app.shell.sidebar import CUSTOM

GOTO = K.GOTO_EXPLORER
COLUMNS = ("layer", "head", "mean", "std", "texts", "score")


def _table(frame):
    """A result table with its column names in the page's language (the data stays as it is)."""
    return frame.rename(columns={c: t(f"survey.col.{c}") for c in COLUMNS if c in frame.columns})


def _open_in_explorer(spec: str, text: str, layer: int, head: int) -> None:
    """A button's callback: set the sidebar and the explorer's widgets (allowed before they are drawn again)."""
    if spec in OFFLINE_MODELS:
        st.session_state[Sidebar.MODEL] = spec
    else:
        st.session_state[Sidebar.MODEL], st.session_state[Sidebar.PATH] = CUSTOM, spec
    st.session_state.update({Sidebar.TEXT: text, Explorer.VIEW: "Heatmap", Explorer.KIND: "self",
                             Explorer.LAYER: layer, Explorer.HEAD: head, Explorer.FOCUS: -1, GOTO: True})


if st.session_state.pop(GOTO, False):
    navigation.switch_to("explorer")


@st.cache_resource(max_entries=4)
def _open(folder: str, stamp: float) -> Survey:
    return Survey(folder)  # stamp: the manifest's time, so a survey that grew is opened again


def _choose_folder() -> Path | None:
    """The survey folder: one listed under the configured directory, or (not on a shared server) any path."""
    cfg = settings.current()
    root = Path(cfg.survey_dir)
    listed = sorted(p.name for p in root.glob("*") if (p / "manifest.json").is_file()) if root.is_dir() else []
    c1, c2 = st.columns(2)
    tr = fixed()
    name = c1.selectbox(t("survey.listed", root=root.name or root), ["—"] + listed, key=K.LISTED,
                        help=t("survey.listed_help"), format_func=lambda n: tr("survey.no_choice") if n == "—" else n)
    typed = "" if cfg.shared else c2.text_input(t("survey.path"), key=K.PATH,
                                                placeholder=t("survey.path_placeholder"))
    if typed.strip():
        return Path(typed.strip()).expanduser()
    if name != "—":
        return root / name
    if cfg.shared:
        st.info(t("survey.choose_shared"))
    else:
        st.info(t("survey.open_hint", root=root))
    return None


def _header(s: Survey) -> None:
    m = s.manifest
    st.caption(t("survey.header", model=m["model"], corpus=m["corpus"], texts=m.get("n_texts", "?"),
                 tokens=m.get("n_tokens", "?"), layers=m["n_layers"], heads=m["n_heads"]))
    if not m.get("complete"):
        st.warning(t("survey.incomplete"))
    if m.get("n_truncated"):
        st.warning(t("survey.truncated", n=m["n_truncated"]))


def _ranking(s: Survey) -> None:
    st.subheader(t("survey.ranked"))
    c1, c2, c3 = st.columns(3)
    tr = fixed()
    stat = c1.selectbox(t("survey.stat"), list(LABELS), format_func=lambda x: tr(f"survey.stat.{x}"), key=K.STAT)
    templates = s.templates()
    # template names are the corpus's own data: shown as they are
    template = c2.selectbox(t("survey.texts"), ["all"] + templates, key=K.TEMPLATE,
                            format_func=lambda x: tr("survey.all_texts") if x == "all" else x) if templates else "all"
    low = c3.toggle(t("survey.lowest_first"), key=K.LOW)
    table = s.ranking(stat, None if template == "all" else template, descending=not low)
    name = t(f"survey.stat.{stat}")
    fig = ranking_figure(table, name, title=t("survey.ranking_title", stat=name))
    st.plotly_chart(projector.figure(fig), key=K.RANK_CHART)
    st.dataframe(_table(table), hide_index=True, height=240)


def _find(s: Survey) -> None:
    st.subheader(t("survey.find"))
    language = lang()
    choice = st.radio(t("survey.behaviour"), list(BEHAVIOURS), format_func=lambda b: say(BEHAVIOURS[b].label, language),
                      horizontal=True, key=K.BEHAVIOUR)
    st.caption(say(BEHAVIOURS[choice].about, language))
    try:
        table = s.find_heads(choice)
    except AttnvizError as exc:
        st.info(say(exc, language))
        return
    if table["texts"].max() == 0:
        st.info(t("survey.not_scorable"))
        return
    st.dataframe(_table(table.head(12)), hide_index=True)


def _texts(s: Survey) -> None:
    st.subheader(t("survey.texts_title"))
    m = s.manifest
    c1, c2, c3 = st.columns(3)
    layer = c1.number_input(t("survey.layer"), 0, m["n_layers"] - 1, key=K.LAYER)
    head = c2.number_input(t("survey.head"), 0, m["n_heads"] - 1, key=K.HEAD)
    tr = fixed()
    stat = c3.selectbox(t("survey.stat"), list(LABELS), format_func=lambda x: tr(f"survey.stat.{x}"), key=K.TEXTS_STAT,
                        index=list(LABELS).index("previous_token"))
    most, least = s.texts_for_head(int(layer), int(head), stat)
    if most.empty:
        st.info(t("survey.no_value", stat=t(f"survey.stat.{stat}")))
        return
    for frame, side in ((most, "most"), (least, "least")):
        st.markdown(t(f"survey.{side}"))
        for row in frame.itertuples():
            a, b = st.columns([5, 1])
            a.text(f"{row.value:.3f} · #{row.text_id} · {row.text}")  # corpus text is data: shown literally
            b.button(t("survey.open"), key=K.open_button(side, row.text_id), on_click=_open_in_explorer,
                     args=(m["model_spec"], row.text, int(layer), int(head)))


def _joint(s: Survey) -> None:
    st.subheader(t("survey.joint_title"))
    if not s.has_qk:
        st.info(t("survey.no_qk"))
        return
    m = s.manifest
    c1, c2, c3, c4, c5 = st.columns(5)
    layer = c1.number_input(t("survey.layer"), 0, m["n_layers"] - 1, key=K.QK_LAYER)
    head = c2.number_input(t("survey.head"), 0, m["n_heads"] - 1, key=K.QK_HEAD)
    method = c3.selectbox(t("survey.layout"), projection_methods(), key=K.QK_METHOD, help=t("survey.layout_help"))
    tr = fixed()
    colour = c4.selectbox(t("survey.colour"), ["role", "pos", "template"], key=K.QK_COLOUR,
                          format_func=lambda c: tr(f"survey.colour.{c}"))
    tokens = c5.number_input(t("survey.tokens"), 100, 20_000, 2_000, step=500, key=K.QK_TOKENS)
    points = joint_points(s, int(layer), int(head), int(tokens), method)
    fig = joint_figure(points, colour, {name: t(f"survey.fig.{name}") for name in JOINT_LABELS})
    if present.active():  # points and legend large enough for a projector
        fig.update_traces(marker_size=9)
        fig.update_layout(legend={"font": {"size": projector.TICKS}})
    st.plotly_chart(projector.figure(fig), key=K.QK_CHART)
    st.caption(t("survey.joint_caption", n=len(points) // 2, dims=m["dims"]))


st.title(t("survey.title"))
folder = _choose_folder()
if folder is not None:
    try:
        survey = _open(str(folder), (folder / "manifest.json").stat().st_mtime if (folder / "manifest.json").is_file() else 0.0)
    except AttnvizError as exc:
        st.error(say(exc, lang()), icon="⚠️")
        st.stop()
    except Exception as exc:  # a damaged folder still gets a message, not a traceback
        st.error(t("survey.cannot_open", why=f"{type(exc).__name__}: {exc}"), icon="⚠️")
        st.stop()
    _header(survey)
    _ranking(survey)
    _find(survey)
    _texts(survey)
    _joint(survey)
