"""Compare's two head-type censuses side by side: which types A and B have, in which heads, at which relative
depth (a checkpoint against its untrained start: the induction head appears). A head's point opens it in its
pane."""
from __future__ import annotations

import streamlit as st

from attnviz.analysis.headtypes.census import Census
from attnviz.analysis.headtypes.side_by_side import side_by_side
from attnviz.core.errors import AttnvizError
from attnviz.figures.census_compare import census_strips, strips_table
from attnviz.i18n import say, t
from attnviz.app.pipeline.census import census_for
from attnviz.app.shell import messages, screen
from attnviz.app.state import compare as K
from attnviz.app.widgets.figure_out import show, take_click
from attnviz.app.widgets.literal import escape


def take_strips_click() -> None:
    """A head's point clicked: A's opens in pane A (B follows it where locked), B's in pane B (unlocked)."""
    clicked = take_click(K.STRIPS_CHART, K.STRIPS_SEEN)
    if clicked is None or len(clicked) != 3:
        return
    layer, head, side = (int(v) for v in clicked)
    if side == 0:
        st.session_state.update({K.LAYER_A: layer, K.HEAD_A: head, K.VIEW: "Heatmap"})
    else:
        st.session_state.update({K.LAYER_B: layer, K.HEAD_B: head, K.LOCK: False, K.VIEW: "Heatmap"})


def censuses(specs: list, loaded: list, device: str, trust: bool, img_format: str) -> tuple[Census, Census] | None:
    """The section: both censuses (cached), their strips and table, and each census's notes; returns them (for
    the report), or None where one could not be made (said on the page)."""
    st.subheader(t("Head types of A and B"))
    try:
        made = tuple(census_for(p.request(device, trust), model, cap) for p, (model, cap) in zip(specs, loaded))
    except AttnvizError as exc:
        st.info(escape(messages.say(exc)))
        return None
    except Exception as exc:  # a model the scores do not foresee: a message, and the rest of the page works
        st.warning(escape(t("Could not score the heads' types: {why}", why=messages.logged("the compare censuses", exc))))
        return None
    rows = side_by_side(*made)
    (model_a, _), (model_b, _) = loaded
    show(census_strips(rows, made[0].shape[0], made[1].shape[0], model_a.info.name, model_b.info.name),
         K.STRIPS_CHART, None, img_format, on_select="rerun", selection_mode="points")
    screen.table(st, strips_table(rows, same_shape=made[0].shape == made[1].shape), hide_index=True)
    st.caption(t("Each head of A and of B at the type furthest past its threshold, placed by its layer's relative "
                 "depth; the thresholds are the standard ones (the explorer's Head types view states them and lets "
                 "you move them). Where A and B have the same layers and heads, a head that has its type in one "
                 "census only is drawn larger, with a dark outline. Click a head to open it in its pane."))
    for side, census in zip("AB", made):
        for note in census.notes:
            st.caption(escape(t("Pane {side}: {note}", side=side, note=say(note))))
    return made
