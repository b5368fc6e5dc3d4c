"""Home: the model's facts and one head's attention as an interactive heatmap."""
import streamlit as st

from attnviz.figures.plots import head_heatmap
from attnviz.core.types import KIND_LABELS
from attnviz.ui import state, widgets

st.title("attnviz")
st.caption("See what attention does inside a Transformer. Pick a model and type a text in the sidebar.")

model, cap = state.require_capture()
widgets.model_facts(model)

kind, layer, head = widgets.kind_layer_head(cap, "home")
log_color = st.toggle("Log colour scale", key="home_log", help="Shows small weights that a linear scale hides.")
note = widgets.kv_sharing(model.info, head)
if note:
    st.info(note)
query_tokens, key_tokens = cap.axes(kind)
pattern = cap.head(kind, layer, head)
fig = head_heatmap(pattern, query_tokens, key_tokens,
                   title=f"{KIND_LABELS[kind]} · layer {layer} · head {head}", log_color=log_color)
st.plotly_chart(fig, key="home_heatmap", config={"displaylogo": False})
st.caption(f"{len(query_tokens)} query × {len(key_tokens)} key tokens · each row sums to 1 over the keys it may see"
           f"{' (a causal model sees only earlier tokens)' if model.info.causal or kind == 'decoder_self' else ''} · "
           f"captured by {cap.mode} on {cap.device} ({cap.dtype}).")
