"""Home: the model's facts and one head's attention as an interactive heatmap."""
import streamlit as st

from attnviz.core.types import AttentionCapture
from attnviz.figures import views
from attnviz.models.loading import LoadedModel
from attnviz.ui import state, widgets
from attnviz.ui.keys import Home as K


def intro() -> None:
    st.title("attnviz")
    st.caption("See what attention does inside a Transformer. Pick a model and type a text in the sidebar.")


def one_head(model: LoadedModel, cap: AttentionCapture) -> None:
    """A head picked by kind, layer and head, drawn by the explorer's own heatmap view."""
    kind, layer, head = widgets.kind_layer_head(cap, K.PREFIX)
    log_color = st.toggle("Log colour scale", key=K.LOG, help="Shows small weights that a linear scale hides.")
    note = widgets.kv_sharing(model.info, head)
    if note:
        st.info(note)
    result = views.heatmap(cap, kind=kind, layer=layer, head=head, log_color=log_color)
    st.plotly_chart(result.figure, key=K.HEATMAP, config={"displaylogo": False})
    query_tokens, key_tokens = cap.axes(kind)
    st.caption(f"{len(query_tokens)} query × {len(key_tokens)} key tokens · each row sums to 1 over the keys it may "
               f"see{' (a causal model sees only earlier tokens)' if model.info.causal or kind == 'decoder_self' else ''}"
               f" · captured by {cap.method} on {cap.device} ({cap.dtype}).")


def main() -> None:
    intro()
    model, cap = state.require_capture()
    widgets.model_facts(model)
    widgets.memory_caption(model, cap)
    one_head(model, cap)


main()
