"""The attention explorer: every head and every view of one capture, with focus, filters, export and links.

This file composes the page; the views are sections.py (one function a view), the token filters filters.py."""
from functools import partial

import streamlit as st

from attnviz.figures.export import export_name, export_stem, npz_bytes
from attnviz.figures.views import ViewOptions
from attnviz.models.loading import LoadedModel
from attnviz.core.types import AttentionCapture
from attnviz.i18n import fixed, N_, t
from attnviz.app.shell import screen
from attnviz.app.widgets import fit
from attnviz.app.pipeline import load as pipeline
from attnviz.app.shell import links as urlstate
from attnviz.app.widgets import pickers as widgets
from attnviz.app.widgets.figure_out import ImageFormat, named, take_click
from attnviz.app.state import explorer as K
from attnviz.app.pages.explorer.filters import token_filters
from attnviz.app.pages.explorer.sections import AGGREGATES, LONG_SECTIONS, SECTIONS
from attnviz.app.pages.explorer import causal, measures, zoom
from attnviz.app.widgets import target
from attnviz.app.pages.explorer.head_types import take_census_click

VIEW_NAMES = {"heatmap": N_("Heatmap"), "head_view": N_("Head view"), "model_view": N_("Model view"), "text": N_("Text"),
              "aggregates": N_("Aggregates"), "statistics": N_("Statistics"), "query_key": N_("Query–key"),
              "generate": N_("Generate"), "sentences": N_("Sentences"), "head_types": N_("Head types")}
# the values stay English: they are kept in the session and in links (view=Heatmap); people read VIEW_NAMES' strings
VIEWS = ["Heatmap", "Head view", "Model view", "Text", "Sentences", "Aggregates", "Statistics", "Query–key", "Generate",
         "Head types"]
VIEW_KEYS = {"Heatmap": "heatmap", "Head view": "head_view", "Model view": "model_view", "Text": "text",
             "Aggregates": "aggregates", "Statistics": "statistics", "Query–key": "query_key", "Generate": "generate",
             "Sentences": "sentences", "Head types": "head_types"}

WHOLE_MODEL = ("Model view", "Statistics")  # views of every layer: no layer in their files' names
ONE_HEAD = ("Heatmap", "Query–key", "Text")  # views of one head: its number in their files' names


def view_label(view: str, tr=None) -> str:
    """A view's name as a person reads it (tr: a lookup bound to a language, for format_func)."""
    return (tr or t)(VIEW_NAMES[VIEW_KEYS[view]])


def apply_clicks() -> None:
    """Clicks on the model view open that head; clicks on a head-view token focus it. Both set widget
    keys, so they are read before the widgets are drawn."""
    clicked = take_click(K.MODEL_CHART, K.MODEL_SEEN)
    if clicked is not None and len(clicked) == 2:
        st.session_state[K.LAYER], st.session_state[K.HEAD] = int(clicked[0]), int(clicked[1])
        st.session_state[K.VIEW] = "Heatmap"
    clicked = take_click(K.HEADVIEW_CHART, K.HEADVIEW_SEEN)
    if isinstance(clicked, (int, float)):
        st.session_state[K.FOCUS] = int(clicked)
    measures.apply_clicks()
    causal.apply_clicks()
    take_census_click()


def model_name(model: LoadedModel) -> str:
    """The model as the sidebar names it (minilm, a folder's name): what the downloads' names start with."""
    return pipeline.selection().label or model.info.name


def files_stem(model: LoadedModel, view: str, opts: ViewOptions) -> str:
    """What the view's downloads are called: the model as the sidebar names it, the view, and the layer and head it
    draws (minilm-heatmap-L3-H9), so two downloads never overwrite each other."""
    name = VIEW_KEYS[view]
    if view == "Aggregates":  # mean, max, rollout and flow of one layer are four different files
        name = AGGREGATES.get(st.session_state.get(K.AGGREGATE), name)
    return export_stem(model_name(model), name, None if view in WHOLE_MODEL else opts.layer,
                       opts.head if view in ONE_HEAD else None, opts.kind)


def export_and_link(model: LoadedModel, cap: AttentionCapture, view: str, opts: ViewOptions,
                    method: str = "weight") -> None:
    """The whole capture as NPZ (with the measure drawn, if any), and a link that reopens this view."""
    st.divider()
    e1, e2 = st.columns(2)
    npz_name = export_name(model_name(model), "capture", "npz", measure=method)
    e1.download_button(t("Whole capture as NPZ"), lambda: npz_bytes(cap, model.info), file_name=npz_name,
                       mime="application/octet-stream", key=K.NPZ, on_click="ignore", help=t("Every stack [layer, head, query_pos, key_pos], tokens, positions and metadata."))
    s = st.session_state
    link = urlstate.publish({K.VIEW: view, K.KIND: opts.kind, K.LAYER: opts.layer, K.HEAD: opts.head,
                             K.FOCUS: opts.focus, K.HIDE: s.get(K.HIDE) or None, K.RENORM: s.get(K.RENORM) or None,
                             K.LOG: s.get(K.LOG) or None if view == "Heatmap" else None,
                             K.AGGREGATE: s.get(K.AGGREGATE) if view == "Aggregates" else None,
                             K.STAT: s.get(K.STAT) if view == "Statistics" else None, K.MEASURE: method,
                             **target.link_values(K.TARGET),
                             **(zoom.link_values(cap, opts.kind) if view == "Heatmap" and zoom.is_long(cap, opts.kind) else {}),
                             K.ASIDE: s.get(K.ASIDE) or None if view in ("Heatmap", "Text", "Sentences") else None,
                             K.UNIT: s.get(K.UNIT) if view == "Sentences" else None,
                             K.SENTENCE: s.get(K.SENTENCE) if view == "Sentences" else None,
                             K.TOKEN: s.get(K.TOKEN) if view == "Text" and zoom.is_long(cap, opts.kind) else None})
    with e2:
        urlstate.show_link(link)


def main() -> None:
    apply_clicks()
    st.title(t("Explorer"))
    model, cap = pipeline.require_capture()
    if screen.for_the_desk():
        widgets.memory_caption(model, cap)
    fit.fit_choice(K.VIEW, VIEWS, "view")
    row = None  # presenting: one row of controls (the view's options read as its buttons), the figure on screen one
    beside = st.columns([5, 1], vertical_alignment="bottom")  # the view, and beside it what the views draw
    view = beside[0].radio(t("View"), VIEWS, horizontal=True, key=K.VIEW, format_func=partial(view_label, tr=fixed()),
                           label_visibility="collapsed" if screen.presenting() else "visible")
    method = measures.picker(beside[1])
    measures.about(method)
    # Controls are drawn only where they change what is shown; the others keep their values for later.
    row = screen.controls([4, 4, 4, 3])  # presenting: the focus popover, layer, head and the view's own switch
    kind, layer, head = widgets.kind_layer_head(cap, K.PICKERS, show_layer=view not in ("Model view", "Statistics"),
                                                show_head=view not in ("Head view", "Model view", "Statistics",
                                                                       "Aggregates", "Generate"), columns=row,
                                                name_kind=row is None)  # presenting: the figure's title says it
    long = view in LONG_SECTIONS and zoom.is_long(cap, kind)  # drawn from queries and keys, a region or a row at a time
    opts = token_filters(cap, kind, layer, head,
                         filters=view not in ("Statistics", "Generate", "Sentences", "Head types") and not long,
                         windowed=view not in ("Model view", "Statistics", "Generate", "Head types"),  # overviews use all
                         corner=row[0] if row else None)
    img_format = st.sidebar.radio(t("Image format of the figures' camera button"), ["png", "svg"], horizontal=True, key=K.IMAGE_FORMAT)
    img_format = ImageFormat(img_format, files_stem(model, view, opts))
    section = LONG_SECTIONS[view] if long else SECTIONS[view]
    if view == "Head view" and row:  # presenting: the head view's own picker fills the row's free column
        section = partial(section, spare=row[2])
    elif section is SECTIONS["Heatmap"] and row:  # presenting: the log scale's switch in the row, not a row of its own
        section = partial(section, spare=row[3])
    shown = measures.shown(model, cap, view, view_label(view), opts)
    if shown.cap is not None:
        measures.badge(shown, view, opts)
        per_head = shown.result is None or shown.result.per_head
        with named(measures.download_stem(model_name(model), VIEW_KEYS[view], opts, shown.method, per_head)):
            section(model, shown.cap, opts, img_format)
    beside = ImageFormat(img_format, model_name(model))  # the figures under the view: named by what they hold
    measures.agreement_section(shown, cap, opts, beside)
    causal.section(model, cap, opts, beside, target_drawn=shown.target_drawn)
    export_and_link(model, shown.cap or cap, view, opts, shown.method)


main()
