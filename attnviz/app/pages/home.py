"""Home: the model's facts and one head's attention as an interactive heatmap."""
import streamlit as st

from attnviz.core.types import AttentionCapture
from attnviz.figures import views
from attnviz.models.loading import LoadedModel
from attnviz.app.shell import messages as errors
from attnviz.app.shell import present
from attnviz.app.pipeline import load as state
from attnviz.app.widgets import pickers as widgets
from attnviz.i18n import t, tp
from attnviz.app.state import home as K
from attnviz.app.widgets.literal import escape


def intro() -> None:
    st.title("attnviz")
    st.caption(tp("See what attention does inside a Transformer. Pick a model and type a text in the sidebar."))


def one_head(model: LoadedModel, cap: AttentionCapture) -> None:
    """A head picked by kind, layer and head, drawn by the explorer's own heatmap view."""
    if present.active():  # one row: the log switch beside the pickers, so the heatmap starts on the first screen
        cols = st.columns([2, 3, 3, 2], vertical_alignment="center")
        kind, layer, head = widgets.kind_layer_head(cap, K.PICKERS, columns=cols[:3])
        log_color = cols[3].toggle(t("Log colour scale"), key=K.LOG, help=t("Shows small weights that a linear scale hides."))
    else:
        kind, layer, head = widgets.kind_layer_head(cap, K.PICKERS)
        log_color = st.toggle(t("Log colour scale"), key=K.LOG, help=t("Shows small weights that a linear scale hides."))
    note = widgets.kv_sharing(model.info, head)
    if note:
        st.info(note)
    result = views.heatmap(cap, kind=kind, layer=layer, head=head, log_color=log_color)
    st.plotly_chart(present.figure(result.figure), key=K.HEATMAP, config={"displaylogo": False})
    query_tokens, key_tokens = cap.axes(kind)
    causal = model.info.causal or kind == "decoder_self"
    st.caption(t("{q} query × {k} key tokens · each row sums to 1 over the keys it may see (a causal model sees only earlier tokens) · captured by {mode} on {device} ({dtype}).", q=len(query_tokens), k=len(key_tokens),
                 mode=errors.note(cap.method), device=cap.device, dtype=cap.dtype) if causal else t("{q} query × {k} key tokens · each row sums to 1 over the keys it may see · captured by {mode} on {device} ({dtype}).", q=len(query_tokens), k=len(key_tokens),
                 mode=errors.note(cap.method), device=cap.device, dtype=cap.dtype))


def main() -> None:
    intro()
    model, cap = state.require_capture()
    # presenting: the model's facts folded under its name, so the heatmap is the first screen's figure
    with st.expander(t("The model: {name}", name=escape(model.info.name))) if present.active() else st.container():
        widgets.model_facts(model)
        widgets.memory_caption(model, cap)
    one_head(model, cap)


main()
