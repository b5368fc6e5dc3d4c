"""The explorer's Head types view: every head of the sidebar's model named by what it does on this text (the
census), thresholds to move, and a head's card; a click on the census opens that head's card, its button the
head's heatmap."""
from __future__ import annotations

import streamlit as st

from attnviz.core.errors import AttnvizError
from attnviz.core.types import AttentionCapture
from attnviz.figures.views import ViewOptions
from attnviz.i18n import t
from attnviz.models.loading import LoadedModel
from attnviz.app.pipeline import load as pipeline
from attnviz.app.pipeline.census import census_for
from attnviz.app.shell import messages
from attnviz.app.state import explorer as K
from attnviz.app.widgets import census as census_widgets
from attnviz.app.widgets.literal import escape

KIND = "self"  # the census reads self-attention (an encoder-decoder's encoder)


def take_census_click() -> None:
    """A click on a census cell makes that head the explorer's layer and head (read before the pickers are drawn),
    so the card below shows it and every other view opens on it."""
    clicked = census_widgets.clicked_head(K.CENSUS_CHART, K.CENSUS_SEEN)
    if clicked is not None:
        st.session_state.update({K.KIND: KIND, K.LAYER: clicked[0], K.HEAD: clicked[1]})


def _open_heatmap(layer: int, head: int) -> None:
    """The card's button (a callback: it runs before the view radio is drawn again)."""
    st.session_state.update({K.VIEW: "Heatmap", K.KIND: KIND, K.LAYER: layer, K.HEAD: head})


def head_types_section(model: LoadedModel, cap: AttentionCapture, opts: ViewOptions, img_format: str) -> None:
    try:
        measured = census_for(pipeline.sidebar_request(), model, cap)
    except AttnvizError as exc:
        st.warning(escape(messages.say(exc)))
        return
    except Exception as exc:  # a model the scores do not foresee still gets a message, not a traceback
        st.error(escape(t("Could not score the heads' types: {why}",
                          why=messages.logged(f"the census of {model.info.name}", exc))), icon="⚠️")
        return
    shown = census_widgets.thresholds(measured, K.threshold)
    census_widgets.figure(shown, K.CENSUS_CHART, img_format)
    n_layers, n_heads = shown.shape
    layer, head = min(opts.layer, n_layers - 1), min(opts.head, n_heads - 1)
    st.subheader(t("Layer {layer}, head {head}", layer=layer, head=head))
    if opts.kind != KIND:
        st.caption(t("The census reads self-attention: this card is layer {layer}, head {head} of the "
                     "self-attention.", layer=layer, head=head))
    census_widgets.card(shown, layer, head, K.CARD_CHART, K.CARD_TABLE)
    st.button(t("Open this head's heatmap"), key=K.CARD_OPEN, on_click=_open_heatmap, args=(layer, head),
              help=t("The Heatmap view of this head on the same text."))
    st.caption(t("Scores on this one text. Over a whole corpus (each score's median and spread, and the texts "
                 "where a head does its thing most), open a survey of this model on the Survey page."))
