"""Home: the model's facts and one head's attention as an interactive heatmap."""
import streamlit as st

from attnviz.core.types import AttentionCapture
from attnviz.figures import views
from attnviz.models.loading import LoadedModel
from attnviz.app.shell import screen
from attnviz.app.shell import messages as errors
from attnviz.app.pipeline import load as pipeline
from attnviz.app.widgets import pickers as widgets
from attnviz.i18n import t, tp
from attnviz.app.state import home as K
from attnviz.app.widgets.literal import escape


def intro() -> None:
    st.title("attnviz")
    st.caption(tp("See what attention does inside a Transformer. Pick a model and type a text in the sidebar."))


def one_head(model: LoadedModel, cap: AttentionCapture) -> None:
    """A head picked by kind, layer and head, drawn by the explorer's own heatmap view."""
    row = screen.controls([2, 3, 3, 2])  # presenting: the log switch beside the pickers, the heatmap on screen one
    kind, layer, head = widgets.kind_layer_head(cap, K.PICKERS, columns=row[:3] if row else None)
    log_color = (row[3] if row else st).toggle(t("Log colour scale"), key=K.LOG,
                                               help=t("Shows small weights that a linear scale hides."))
    note = widgets.kv_sharing(model.info, head)
    if note:
        st.info(note)
    result = views.heatmap(cap, kind=kind, layer=layer, head=head, log_color=log_color)
    st.plotly_chart(screen.figure(result.figure), key=K.HEATMAP, config={"displaylogo": False})
    query_tokens, key_tokens = cap.axes(kind)
    causal = model.info.causal or kind == "decoder_self"
    st.caption(t("{q} query × {k} key tokens · each row sums to 1 over the keys it may see (a causal model sees only earlier tokens) · captured by {mode} on {device} ({dtype}).", q=len(query_tokens), k=len(key_tokens),
                 mode=errors.note(cap.method), device=cap.device, dtype=cap.dtype) if causal else t("{q} query × {k} key tokens · each row sums to 1 over the keys it may see · captured by {mode} on {device} ({dtype}).", q=len(query_tokens), k=len(key_tokens),
                 mode=errors.note(cap.method), device=cap.device, dtype=cap.dtype))


def main() -> None:
    intro()
    model, cap = pipeline.require_capture()
    with screen.details(t("The model: {name}", name=escape(model.info.name))):
        widgets.model_facts(model)
        widgets.memory_caption(model, cap)
    one_head(model, cap)


main()
