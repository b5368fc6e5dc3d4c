"""Home: the model's facts and one head's attention as an interactive heatmap."""
import streamlit as st

from attnviz.core.types import AttentionCapture
from attnviz.figures import views
from attnviz.models.loading import LoadedModel
from attnviz.ui import errors, present, state, widgets
from attnviz.ui.i18n import lang, t
from attnviz.ui.keys import Home as K


def intro() -> None:
    st.title("attnviz")
    st.caption(t("home.intro"))


def one_head(model: LoadedModel, cap: AttentionCapture) -> None:
    """A head picked by kind, layer and head, drawn by the explorer's own heatmap view."""
    kind, layer, head = widgets.kind_layer_head(cap, K.PREFIX)
    log_color = st.toggle(t("home.log"), key=K.LOG, help=t("home.log_help"))
    note = widgets.kv_sharing(model.info, head)
    if note:
        st.info(note)
    result = views.heatmap(cap, kind=kind, layer=layer, head=head, log_color=log_color, lang=lang())
    st.plotly_chart(present.figure(result.figure), key=K.HEATMAP, config={"displaylogo": False})
    query_tokens, key_tokens = cap.axes(kind)
    causal = model.info.causal or kind == "decoder_self"
    st.caption(t("home.caption_causal" if causal else "home.caption", q=len(query_tokens), k=len(key_tokens),
                 mode=errors.note(cap.method), device=cap.device, dtype=cap.dtype))


def main() -> None:
    intro()
    model, cap = state.require_capture()
    widgets.model_facts(model)
    widgets.memory_caption(model, cap)
    one_head(model, cap)


main()
