"""Survey: what each head does over a whole corpus — heads ranked, heads found by behaviour, a head's most and
least typical texts (each opens in the explorer), and its queries and keys over thousands of tokens."""
from pathlib import Path

import streamlit as st

from attnviz.core import settings
from attnviz.core.errors import AttnvizError
from attnviz.figures.survey import JOINT_LABELS, joint_figure, ranking_figure
from attnviz.analysis.reduce import projection_methods
from attnviz.i18n import fixed, N_, say, t
from attnviz.models.registry import OFFLINE_MODELS
from attnviz.survey.joint import joint_points
from attnviz.survey.query import BEHAVIOURS, Survey
from attnviz.survey.rows import LABELS
from attnviz.app.shell import screen
from attnviz.app.shell import messages, navigation
from attnviz.app.shell.language import lang
from attnviz.app.state import explorer as Explorer
from attnviz.app.state import sidebar as Sidebar
from attnviz.app.state import survey as K
from attnviz.app.shell.sidebar import CUSTOM
from attnviz.app.pages import survey_heads

COLUMN_NAMES = {"layer": N_("layer"), "head": N_("head"), "mean": N_("mean"), "std": N_("std"), "texts": N_("texts"), "score": N_("score")}
STAT_NAMES = {"entropy": N_("entropy"), "mean_distance": N_("mean distance"), "first_token": N_("first token"), "self": N_("self"), "previous_token": N_("previous token"), "special_tokens": N_("special tokens"), "induction": N_("induction"), "to_target": N_("to target"), "punctuation": N_("punctuation"), "word": N_("a word's other characters")}
SIDES = {"most": N_("**Most**"), "least": N_("**Least**")}
JOINT_WORDS = {"query": N_("query"), "key": N_("key"), "position": N_("position"), "text": N_("text"), "axis_1": N_("axis 1"), "axis_2": N_("axis 2"), "none": N_("(none)")}
COLOUR_NAMES = {"role": N_("query / key"), "pos": N_("position"), "template": N_("template")}

GOTO = K.GOTO_EXPLORER
COLUMNS = ("layer", "head", "mean", "std", "texts", "score")


def _table(frame):
    """A result table with its column names in the page's language (the data stays as it is)."""
    return frame.rename(columns={c: t(COLUMN_NAMES[c]) for c in COLUMNS if c in frame.columns})


def _open_in_explorer(spec: str, text: str, layer: int, head: int) -> None:
    """A button's callback: set the sidebar and the explorer's widgets (allowed before they are drawn again)."""
    if spec in OFFLINE_MODELS:
        st.session_state[Sidebar.MODEL] = spec
    else:
        st.session_state[Sidebar.MODEL], st.session_state[Sidebar.PATH] = CUSTOM, spec
    st.session_state.update({Sidebar.TEXT: text, Explorer.VIEW: "Heatmap", Explorer.KIND: "self",
                             Explorer.LAYER: layer, Explorer.HEAD: head, Explorer.FOCUS: -1, GOTO: True})


if st.session_state.pop(GOTO, False):
    navigation.switch_to(Explorer.PAGE)
survey_heads.take_rank_click()  # clicks set the head boxes before they are drawn
survey_heads.take_census_click()


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
    name = c1.selectbox(t("Surveys in `{root}`", root=root.name or root), ["—"] + listed, key=K.LISTED,
                        help=t("Write one with `python -m attnviz survey MODEL CORPUS --out DIR`."), format_func=lambda n: tr("—") if n == "—" else n)
    typed = "" if cfg.shared else c2.text_input(t("…or a survey folder"), key=K.PATH,
                                                placeholder=t("/path/to/survey"))
    if typed.strip():
        return Path(typed.strip()).expanduser()
    if name != "—":
        return root / name
    if cfg.shared:
        st.info(t("Choose a survey the operator has placed on this server."))
    else:
        st.info(t("Open a survey folder. Make one with `python -m attnviz survey minilm builtin:1000 --out {root}/minilm`.", root=root))
    return None


def _header(s: Survey) -> None:
    m = s.manifest
    st.caption(t("Model **{model}** · corpus `{corpus}` · {texts} texts, {tokens} tokens · {layers} layers × {heads} heads", model=m["model"], corpus=m["corpus"], texts=m.get("n_texts", "?"),
                 tokens=m.get("n_tokens", "?"), layers=m["n_layers"], heads=m["n_heads"]))
    if not m.get("complete"):
        st.warning(t("This survey did not finish: what is shown covers the parts written so far. Run the same command again to resume it."))
    if m.get("n_truncated"):
        st.warning(t("{n} texts were longer than the model takes and were truncated.", n=m["n_truncated"]))


def _ranking(s: Survey) -> None:
    st.subheader(t("Heads ranked"))
    c1, c2, c3 = st.columns(3)
    tr = fixed()
    stat = c1.selectbox(t("Statistic"), list(LABELS), format_func=lambda x: tr(STAT_NAMES[x]), key=K.STAT)
    templates = s.templates()
    # template names are the corpus's own data: shown as they are
    template = c2.selectbox(t("Texts"), ["all"] + templates, key=K.TEMPLATE,
                            format_func=lambda x: tr("all") if x == "all" else x) if templates else "all"
    low = c3.toggle(t("Lowest first"), key=K.LOW)
    table = s.ranking(stat, None if template == "all" else template, descending=not low)
    name = t(STAT_NAMES[stat])
    fig = ranking_figure(table, name, title=t("{stat}: mean over the corpus (± one standard deviation)", stat=name))
    st.plotly_chart(screen.chart(fig), key=K.RANK_CHART, on_select="rerun", selection_mode="points")
    st.caption(t("Click a bar to list that head's texts under “Texts where one head does it most and least”."))
    st.dataframe(_table(table), hide_index=True, height=240)


def _find(s: Survey) -> None:
    st.subheader(t("Find heads that…"))
    language = lang()
    choice = st.radio(t("Behaviour"), list(BEHAVIOURS), format_func=lambda b: say(BEHAVIOURS[b].label, language),
                      horizontal=True, key=K.BEHAVIOUR)
    st.caption(say(BEHAVIOURS[choice].about, language))
    try:
        table = s.find_heads(choice)
    except AttnvizError as exc:
        st.info(say(exc, language))
        return
    if table["texts"].max() == 0:
        st.info(t("No text of this survey lets this behaviour be scored (for this model the probed words are not single tokens)."))
        return
    st.dataframe(_table(table.head(12)), hide_index=True)


def _texts(s: Survey) -> None:
    st.subheader(t("Texts where one head does it most and least"))
    m = s.manifest
    c1, c2, c3 = st.columns(3)
    layer = c1.number_input(t("Layer"), 0, m["n_layers"] - 1, key=K.LAYER)
    head = c2.number_input(t("Head"), 0, m["n_heads"] - 1, key=K.HEAD)
    tr = fixed()
    st.session_state.setdefault(K.TEXTS_STAT, "previous_token")  # a ranked bar's click sets it (no index= beside)
    stat = c3.selectbox(t("Statistic"), list(LABELS), format_func=lambda x: tr(STAT_NAMES[x]), key=K.TEXTS_STAT)
    most, least = s.texts_for_head(int(layer), int(head), stat)
    if most.empty:
        st.info(t("No text of this survey has a value of {stat}.", stat=t(STAT_NAMES[stat])))
        return
    for frame, side in ((most, "most"), (least, "least")):
        st.markdown(t(SIDES[side]))
        for row in frame.itertuples():
            a, b = st.columns([5, 1])
            a.text(f"{row.value:.3f} · #{row.text_id} · {row.text}")  # corpus text is data: shown literally
            b.button(t("Open in explorer"), key=K.open_button(side, row.text_id), on_click=_open_in_explorer,
                     args=(m["model_spec"], row.text, int(layer), int(head)))


def _joint(s: Survey) -> None:
    st.subheader(t("Queries and keys of one head, over many tokens"))
    if not s.has_qk:
        st.info(t("This survey kept no queries and keys."))
        return
    m = s.manifest
    c1, c2, c3, c4, c5 = st.columns(5)
    layer = c1.number_input(t("Layer"), 0, m["n_layers"] - 1, key=K.QK_LAYER)
    head = c2.number_input(t("Head"), 0, m["n_heads"] - 1, key=K.QK_HEAD)
    method = c3.selectbox(t("Layout"), projection_methods(), key=K.QK_METHOD, help=t("PCA is instant; t-SNE and UMAP (where installed) take seconds on thousands of points."))
    tr = fixed()
    colour = c4.selectbox(t("Colour by"), ["role", "pos", "template"], key=K.QK_COLOUR,
                          format_func=lambda c: tr(COLOUR_NAMES[c]))
    tokens = c5.number_input(t("Tokens"), 100, 20_000, 2_000, step=500, key=K.QK_TOKENS)
    points = joint_points(s, int(layer), int(head), int(tokens), method)
    fig = joint_figure(points, colour, {name: t(JOINT_WORDS[name]) for name in JOINT_LABELS})
    if screen.presenting():  # points large enough for a projector
        fig.update_traces(marker_size=9)
    st.plotly_chart(screen.chart(fig, legend="large"), key=K.QK_CHART)
    st.caption(t("{n} tokens: each as a query (●) and as a key (×), projected from the survey's {dims} stored dimensions. Hover shows the token [in brackets] among its neighbours.", n=len(points) // 2, dims=m["dims"]))


st.title(t("Survey"))
folder = _choose_folder()
if folder is not None:
    try:
        survey = _open(str(folder), (folder / "manifest.json").stat().st_mtime if (folder / "manifest.json").is_file() else 0.0)
    except AttnvizError as exc:
        st.error(say(exc), icon="⚠️")
        st.stop()
    except Exception as exc:  # a damaged folder still gets a message, not a traceback
        st.error(t("Could not open this survey: {why}", why=messages.logged(f"opening the survey {folder}", exc)), icon="⚠️")
        st.stop()
    _header(survey)
    _ranking(survey)
    _find(survey)
    _texts(survey)
    survey_heads.census_section(survey, _open_in_explorer)
    _joint(survey)
