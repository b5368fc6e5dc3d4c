"""Survey: what each head does over a whole corpus — heads ranked, heads found by behaviour, a head's most and
least typical texts (each opens in the explorer), and its queries and keys over thousands of tokens."""
from pathlib import Path

import streamlit as st

from attnviz.core import settings
from attnviz.core.errors import AttnvizError
from attnviz.figures.survey import joint_figure, ranking_figure
from attnviz.analysis.reduce import projection_methods
from attnviz.models.loading import OFFLINE_MODELS
from attnviz.survey.joint import joint_points
from attnviz.survey.query import BEHAVIOURS, Survey
from attnviz.survey.rows import LABELS
from attnviz.ui.keys import Explorer, Sidebar
from attnviz.ui.keys import Survey as K
from attnviz.ui.sidebar import CUSTOM

GOTO = K.GOTO_EXPLORER


def _open_in_explorer(spec: str, text: str, layer: int, head: int) -> None:
    """A button's callback: set the sidebar and the explorer's widgets (allowed before they are drawn again)."""
    if spec in OFFLINE_MODELS:
        st.session_state[Sidebar.MODEL] = spec
    else:
        st.session_state[Sidebar.MODEL], st.session_state[Sidebar.PATH] = CUSTOM, spec
    st.session_state.update({Sidebar.TEXT: text, Explorer.VIEW: "Heatmap", Explorer.KIND: "self",
                             Explorer.LAYER: layer, Explorer.HEAD: head, Explorer.FOCUS: -1, GOTO: True})


if st.session_state.pop(GOTO, False):
    st.switch_page("app_pages/explorer.py")


@st.cache_resource(max_entries=4)
def _open(folder: str, stamp: float) -> Survey:
    return Survey(folder)  # stamp: the manifest's time, so a survey that grew is opened again


def _choose_folder() -> Path | None:
    """The survey folder: one listed under the configured directory, or (not on a shared server) any path."""
    cfg = settings.current()
    root = Path(cfg.survey_dir)
    listed = sorted(p.name for p in root.glob("*") if (p / "manifest.json").is_file()) if root.is_dir() else []
    c1, c2 = st.columns(2)
    name = c1.selectbox(f"Surveys in `{root.name or root}`", ["—"] + listed, key=K.LISTED,
                        help="Write one with `python -m attnviz survey MODEL CORPUS --out DIR`.")
    typed = "" if cfg.shared else c2.text_input("…or a survey folder", key=K.PATH,
                                                placeholder="/path/to/survey")
    if typed.strip():
        return Path(typed.strip()).expanduser()
    if name != "—":
        return root / name
    if cfg.shared:
        st.info("Choose a survey the operator has placed on this server.")
    else:
        st.info("Open a survey folder. Make one with `python -m attnviz survey minilm builtin:1000 --out "
                f"{root}/minilm`.")
    return None


def _header(s: Survey) -> None:
    m = s.manifest
    st.caption(f"Model **{m['model']}** · corpus `{m['corpus']}` · {m.get('n_texts', '?')} texts, "
               f"{m.get('n_tokens', '?')} tokens · {m['n_layers']} layers × {m['n_heads']} heads")
    if not m.get("complete"):
        st.warning("This survey did not finish: what is shown covers the parts written so far. Run the same "
                   "command again to resume it.")
    if m.get("n_truncated"):
        st.warning(f"{m['n_truncated']} texts were longer than the model takes and were truncated.")


def _ranking(s: Survey) -> None:
    st.subheader("Heads ranked")
    c1, c2, c3 = st.columns(3)
    stat = c1.selectbox("Statistic", list(LABELS), format_func=LABELS.get, key=K.STAT)
    templates = s.templates()
    template = c2.selectbox("Texts", ["all"] + templates, key=K.TEMPLATE) if templates else "all"
    low = c3.toggle("Lowest first", key=K.LOW)
    table = s.ranking(stat, None if template == "all" else template, descending=not low)
    st.plotly_chart(ranking_figure(table, LABELS[stat]), key=K.RANK_CHART)
    st.dataframe(table, hide_index=True, height=240)


def _find(s: Survey) -> None:
    st.subheader("Find heads that…")
    choice = st.radio("Behaviour", list(BEHAVIOURS), format_func=lambda b: BEHAVIOURS[b].label,
                      horizontal=True, key=K.BEHAVIOUR)
    st.caption(BEHAVIOURS[choice].about)
    try:
        table = s.find_heads(choice)
    except AttnvizError as exc:
        st.info(str(exc))
        return
    if table["texts"].max() == 0:
        st.info("No text of this survey lets this behaviour be scored (for this model the probed words are not "
                "single tokens).")
        return
    st.dataframe(table.head(12), hide_index=True)


def _texts(s: Survey) -> None:
    st.subheader("Texts where one head does it most and least")
    m = s.manifest
    c1, c2, c3 = st.columns(3)
    layer = c1.number_input("Layer", 0, m["n_layers"] - 1, key=K.LAYER)
    head = c2.number_input("Head", 0, m["n_heads"] - 1, key=K.HEAD)
    stat = c3.selectbox("Statistic", list(LABELS), format_func=LABELS.get, key=K.TEXTS_STAT,
                        index=list(LABELS).index("previous_token"))
    most, least = s.texts_for_head(int(layer), int(head), stat)
    if most.empty:
        st.info(f"No text of this survey has a value of {LABELS[stat]}.")
        return
    for title, frame, side in (("Most", most, "most"), ("Least", least, "least")):
        st.markdown(f"**{title}**")
        for row in frame.itertuples():
            a, b = st.columns([5, 1])
            a.text(f"{row.value:.3f} · #{row.text_id} · {row.text}")  # corpus text is data: shown literally
            b.button("Open in explorer", key=K.open_button(side, row.text_id), on_click=_open_in_explorer,
                     args=(m["model_spec"], row.text, int(layer), int(head)))


def _joint(s: Survey) -> None:
    st.subheader("Queries and keys of one head, over many tokens")
    if not s.has_qk:
        st.info("This survey kept no queries and keys.")
        return
    m = s.manifest
    c1, c2, c3, c4, c5 = st.columns(5)
    layer = c1.number_input("Layer", 0, m["n_layers"] - 1, key=K.QK_LAYER)
    head = c2.number_input("Head", 0, m["n_heads"] - 1, key=K.QK_HEAD)
    method = c3.selectbox("Layout", projection_methods(), key=K.QK_METHOD,
                          help="PCA is instant; t-SNE and UMAP (where installed) take seconds on thousands of points.")
    colour = c4.selectbox("Colour by", ["role", "pos", "template"], key=K.QK_COLOUR,
                          format_func={"role": "query / key", "pos": "position", "template": "template"}.get)
    tokens = c5.number_input("Tokens", 100, 20_000, 2_000, step=500, key=K.QK_TOKENS)
    points = joint_points(s, int(layer), int(head), int(tokens), method)
    st.plotly_chart(joint_figure(points, colour), key=K.QK_CHART)
    st.caption(f"{len(points) // 2} tokens: each as a query (●) and as a key (×), projected from the survey's "
               f"{m['dims']} stored dimensions. Hover shows the token [in brackets] among its neighbours.")


st.title("Survey")
folder = _choose_folder()
if folder is not None:
    try:
        survey = _open(str(folder), (folder / "manifest.json").stat().st_mtime if (folder / "manifest.json").is_file() else 0.0)
    except AttnvizError as exc:
        st.error(str(exc), icon="⚠️")
        st.stop()
    except Exception as exc:  # a damaged folder still gets a message, not a traceback
        st.error(f"Could not open this survey: {type(exc).__name__}: {exc}", icon="⚠️")
        st.stop()
    _header(survey)
    _ranking(survey)
    _find(survey)
    _texts(survey)
    _joint(survey)
