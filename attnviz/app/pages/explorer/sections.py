"""The explorer's views, one section each: the controls a view needs, then the figure the view function draws."""
from functools import partial
from collections.abc import Callable

import streamlit as st

from attnviz.analysis.reduce import projection_methods
from attnviz.core.errors import AttnvizError
from attnviz.figures import views
from attnviz.figures.text_view import text_view
from attnviz.figures.views import ViewOptions, ViewResult
from attnviz.models.loading import LoadedModel
from attnviz.core.types import AttentionCapture
from attnviz.i18n import fixed, N_, t, tp
from attnviz.app.shell import screen
from attnviz.app.shell import messages as errors
from attnviz.app.widgets import fit
from attnviz.app.pipeline import load as pipeline
from attnviz.app.widgets import pickers as widgets
from attnviz.app.widgets.figure_out import file_name, show as show_figure
from attnviz.app.widgets.fit_frame import fitted
from attnviz.app.state import explorer as K
from attnviz.app.widgets.literal import code, escape, message as literal_message
from attnviz.app.state.selection import GenerationSettings
from attnviz.app.pages.explorer.head_types import head_types_section
from attnviz.app.pages.explorer import sinks as sink_views
from attnviz.app.pages.explorer.documents import document_section, sentences_section
from attnviz.app.pipeline.one_pass import first_look, labelled, one_pass
from attnviz.app.pages.explorer.zoom import zoom_section

AGGREGATE_NAMES = {"mean": N_("mean over heads"), "max": N_("max over heads"), "rollout": N_("rollout"), "flow": N_("flow")}
ARCHITECTURE_ARTICLES = {"encoder": N_("an encoder"), "encoder-decoder": N_("an encoder-decoder")}
AGGREGATES = {"mean over heads": "mean", "max over heads": "max", "rollout": "rollout", "flow": "flow"}


def show(result: ViewResult, key: str, img_format: str, csv: bool = True, **kwargs) -> None:
    """Draw a view with its downloads (ui.figure_out.show): PNG/SVG from the camera button, CSV of the table
    shown, and the figure as a standalone HTML file."""
    show_figure(result.figure, key, result.csv if csv and result.table is not None else None, img_format, **kwargs)


def heatmap_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str,
                    spare=None) -> None:
    """One head's weights (spare: where the log scale's switch goes, presenting; default its own row)."""
    log_color = (spare or st).toggle(t("Log colour scale"), key=K.LOG, help=t("Shows small weights that a linear scale hides."))
    note = widgets.kv_sharing(model.info, opts.head)
    if note:
        st.info(note)
    show(views.heatmap(cap, opts, log_color=log_color), K.HEATMAP_CHART, img_format)


def head_view_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str,
                      spare=None) -> None:
    """Lines from each query to the keys it attends to, for the chosen heads. spare: a column free in the
    controls' row (presenting: the head chips take the head slider's place, the notes go under the figure)."""
    n_heads = cap.shape(opts.kind)[1]
    few = list(range(min(3, n_heads)))  # every head at once is a tangle even on a short sentence
    chip = partial(fixed(), "head {head}")  # the chips read as the figure's legend does
    heads = (spare or st).multiselect(t("Heads"), list(range(n_heads)), default=few, key=K.HEADS,
                                      format_func=lambda h: chip(head=h))
    widgets.head_chip_colours(K.HEADS, range(n_heads), label=lambda h: chip(head=h))
    result = views.head_view(cap, opts, heads=tuple(heads))
    notes = ([t("Showing {n} of {total} heads, each in the colour of its chip: add heads above.", n=len(heads), total=n_heads)] if len(heads) < n_heads else []) + [result.caption]
    for note in notes if spare is None else []:
        st.caption(note)
    show(result, K.HEADVIEW_CHART, img_format, csv=False, on_select="rerun", selection_mode="points")
    for note in notes if spare is not None else []:
        st.caption(note)


def text_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    """The sentence shaded by the chosen word's attention; hovering a word chooses it (focus picks the first)."""
    if cap.axes(opts.kind)[0] != cap.axes(opts.kind)[1]:
        st.info(t("The text view needs self-attention (the same words on both sides): pick a self-attention kind."))
        return
    mean = st.toggle(t("Mean over the layer's heads"), key=K.TEXT_MEAN)
    view = text_view(cap, opts, mean_heads=mean, font_px=screen.text_px())
    st.iframe(fitted(view.html), height="content")
    st.caption(t("Mean over the heads of layer {layer}: each token shaded by how much the outlined token attends to it. Hover a token to choose it.", head=opts.head,
                 layer=opts.layer) if mean else t("Head {head} of layer {layer}: each token shaded by how much the outlined token attends to it. Hover a token to choose it.", head=opts.head,
                 layer=opts.layer))


def model_view_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    src = cap.source(opts.kind)
    if opts.focus is not None:  # one query row, pooled exactly
        result = views.model_view(cap, opts)
    else:
        one_pass(src)  # long inputs: every head's rows once (or a sample of them first), kept
        first_look(src)
        result = views.model_view(cap, opts)
        img_format = labelled(result.figure, src, img_format)
    st.caption(result.caption)
    show(result, K.MODEL_CHART, img_format, on_select="rerun", selection_mode="points")


def aggregates_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    fit.fit_choice(K.AGGREGATE, list(AGGREGATES), "aggregate")
    tr = fixed()
    how = AGGREGATES[st.radio(t("Aggregate"), list(AGGREGATES), horizontal=True, key=K.AGGREGATE,
                              format_func=lambda a: tr(AGGREGATE_NAMES[AGGREGATES[a]]))]
    normalise = False
    if how == "flow" and views.is_square(opts.kind):
        normalise = st.toggle(t("Rows sum to one (the authors' code)"), False, key=K.FLOW_NORMALISE)
    try:
        result = views.aggregate(cap, opts, how=how, flow_normalise=normalise)
    except ValueError as exc:  # rollout and flow need square attention; flow a short input
        st.warning(escape(exc))
        st.stop()
    if result.caption:
        st.caption(result.caption)
    show(result, K.AGGREGATE_CHART, img_format)


def statistics_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    names = views.statistic_names(cap, opts.kind)
    fit.fit_choice(K.STAT, names, "statistic")
    stat = st.selectbox(t("Statistic"), names, key=K.STAT,
                        format_func=partial(views.stat_label, lang=opts.lang))
    src = cap.source(opts.kind)
    one_pass(src)
    first_look(src)
    result = views.statistics(cap, opts, stat=stat)
    img_format = labelled(result.figure, src, img_format)
    st.plotly_chart(screen.figure(result.figure), key=K.STAT_CHART)
    st.markdown(t("**Every head** (click a column to sort)"))
    table, sink_caption = sink_views.columns(cap, opts.kind, result.table)
    st.dataframe(table.round(4), hide_index=True, width="stretch", key=K.STAT_TABLE)
    st.download_button(t("Statistics as CSV"), result.csv, file_name=file_name(img_format, "csv", "attnviz-head-statistics"), mime="text/csv",
                       key=K.STAT_CSV, on_click="ignore")
    clustered = views.clusters(cap, opts)
    st.markdown(t("**Heads clustered by the similarity of their patterns** ({about})", about=clustered.caption))
    st.plotly_chart(screen.figure(clustered.figure), key=K.CLUSTER_CHART)
    st.caption(result.caption)
    st.caption(sink_caption)


def query_key_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    if opts.kind not in cap.qk:
        st.info(t("This capture kept no query and key vectors."))
        st.stop()
    methods = projection_methods()
    method = st.radio(t("Projection"), methods, horizontal=True, key=K.PROJECTION)
    if len(methods) == 1:
        st.caption(t("t-SNE and UMAP appear here when scikit-learn or umap-learn is installed."))
    result = views.qk(cap, opts, method=method)
    st.caption(result.caption)
    show(result, K.QK_CHART, img_format, csv=False)


def generate_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    from attnviz.app.pipeline.cache import cached_generation

    if model.info.architecture != "decoder":
        arch = model.info.architecture
        st.info(tp("Generation is for causal models; {name} is {architecture}. Pick glassllm-en or scratch-decoder in the sidebar. (Encoder-decoders show their cross-attention and the decoder's own attention under Heatmap.)", name=code(model.info.name),
                  architecture=t(ARCHITECTURE_ARTICLES[arch]) if arch in ("encoder", "encoder-decoder") else arch))
        st.stop()
    g1, g2, g3, g4, g5 = st.columns(5)
    n_new = g1.number_input(t("New tokens"), 1, 64, 12, key=K.GEN_N)
    greedy = g2.toggle(t("Greedy"), True, key=K.GEN_GREEDY, help=t("Always write the most likely token; turn off to sample with a temperature and top-k."))
    temperature = g3.number_input(t("Temperature"), 0.05, 5.0, 1.0, step=0.05, key=K.GEN_TEMPERATURE,
                                  disabled=greedy)
    top_k = g4.number_input(t("Top-k (0: all)"), 0, 1000, 20, key=K.GEN_TOP_K, disabled=greedy)
    gen_seed = g5.number_input(t("Seed"), 0, 99_999, 0, key=K.GEN_SEED, disabled=greedy)
    settings = GenerationSettings(int(n_new), greedy, float(temperature), int(top_k), int(gen_seed))
    try:
        ids, n_prompt, gen = cached_generation(pipeline.selection(), settings)
    except AttnvizError as exc:
        st.warning(literal_message(errors.say(exc)))
        st.stop()
    if len(ids) == n_prompt:
        st.warning(t("The prompt already fills the model's positions: nothing was generated."))
        st.stop()
    # Shown as literal text: what a model writes is data (newlines, markdown, markup) and must not be rendered.
    st.markdown(t("**The model wrote** (▶ marks where the prompt ends):"))
    st.code(model.codec.decode(ids[:n_prompt]) + " ▶ " + model.codec.decode(ids[n_prompt:]), language=None)
    step = st.slider(t("Generated token"), 1, len(ids) - n_prompt, 1, key=K.GEN_STEP)
    result = views.generated_token(gen, layer=opts.layer, focus=n_prompt + step - 1, lang=opts.lang)
    st.caption(escape(result.caption))  # it quotes the token the model wrote
    show(result, K.GENERATE_CHART, img_format)


SECTIONS: dict[str, Callable[[LoadedModel, AttentionCapture, ViewOptions, str], None]] = {
    "Heatmap": heatmap_section, "Head view": head_view_section, "Model view": model_view_section,
    "Aggregates": aggregates_section, "Statistics": statistics_section, "Query–key": query_key_section,
    "Generate": generate_section, "Text": text_section, "Sentences": sentences_section,
    "Head types": head_types_section,
}
# a long input's views: drawn from the queries and keys a region or a row at a time, never the whole pattern
LONG_SECTIONS = {"Heatmap": zoom_section, "Text": document_section}
