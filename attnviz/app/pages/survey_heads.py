"""Heads on the survey page (survey.py draws the page, these are two of its parts): a ranked head's bar clicked
fills the boxes of "Texts where one head does it most", and the head-type census of the whole survey, with a
head's card (its scores over the corpus and the texts where it does its type most, each opening the explorer)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from attnviz.analysis.headtypes.census import Census
from attnviz.analysis.headtypes.definitions import HEAD_TYPES
from attnviz.core.errors import AttnvizError
from attnviz.figures import census as cf
from attnviz.i18n import fixed, t
from attnviz.survey.census import TEXT_COLUMN, survey_census, texts_for_type
from attnviz.survey.query import Survey
from attnviz.survey.rows import LABELS
from attnviz.app.shell import messages
from attnviz.app.state import survey as K
from attnviz.app.widgets import census as census_widgets
from attnviz.app.widgets.figure_out import take_click
from attnviz.app.widgets.literal import escape

TEXTS = 5  # texts a head's card lists


def take_rank_click() -> None:
    """A bar of the ranking clicked since the last run: its head and the ranking's statistic go into the boxes of
    "Texts where one head does it most and least" (read before they are drawn), which then list its texts."""
    clicked = take_click(K.RANK_CHART, K.RANK_SEEN)
    if clicked is None or len(clicked) != 2:
        return
    st.session_state.update({K.LAYER: int(clicked[0]), K.HEAD: int(clicked[1])})
    if st.session_state.get(K.STAT) in LABELS:
        st.session_state[K.TEXTS_STAT] = st.session_state[K.STAT]


def take_census_click() -> None:
    """A census cell clicked: that head's card opens, on the texts of the type the head is given."""
    clicked = census_widgets.clicked_head(K.CENSUS_CHART, K.CENSUS_SEEN)
    if clicked is not None:
        st.session_state[K.CARD] = clicked
        st.session_state.pop(K.CARD_TYPE, None)  # the card starts on the head's own type


@st.cache_resource(show_spinner=False, max_entries=4)
def _census(folder: str, stamp: float, _survey: Survey) -> Census:
    return survey_census(_survey)  # stamp: the manifest's time, so a survey that grew is measured again


def _stamp(survey: Survey) -> float:
    manifest = Path(survey.folder) / "manifest.json"
    return manifest.stat().st_mtime if manifest.is_file() else 0.0


def _card_head(census: Census) -> tuple[int, int]:
    """The head whose card is open: the one last clicked (where this survey has it), else the first typed head."""
    layers, heads = census.shape
    picked = st.session_state.get(K.CARD)
    if isinstance(picked, (tuple, list)) and len(picked) == 2 and 0 <= picked[0] < layers and 0 <= picked[1] < heads:
        return int(picked[0]), int(picked[1])
    return census_widgets.default_head(census)


def _card_texts(survey: Survey, census: Census, layer: int, head: int, open_text: Callable) -> None:
    """The texts where this head scores highest for a type (its own type first), each with a button that opens it
    in the explorer on this head."""
    names = [n for n in cf.measured(census) if n in TEXT_COLUMN]
    if not names:
        return
    given = census.assigned[layer][head]
    if st.session_state.get(K.CARD_TYPE) not in names:
        st.session_state[K.CARD_TYPE] = given if given in names else names[0]
    tr = fixed()
    name = st.selectbox(t("Texts where this head does this most"), names, key=K.CARD_TYPE,
                        format_func=lambda n: tr(HEAD_TYPES[n].label))
    most, _least = texts_for_type(survey, layer, head, name, TEXTS)
    if most.empty:
        st.info(t("No text of this survey has a score of this type for this head."))
        return
    spec = survey.manifest["model_spec"]
    for row in most.itertuples():
        a, b = st.columns([5, 1])
        a.text(f"{row.value:.3f} · #{row.text_id} · {row.text}")  # corpus text is data: shown literally
        b.button(t("Open in explorer"), key=K.open_button("card", row.text_id), on_click=open_text,
                 args=(spec, row.text, layer, head))


def census_section(survey: Survey, open_text: Callable[[str, str, int, int], None]) -> None:
    """The survey's census (medians over its texts), thresholds to move, and the card of the head clicked.
    open_text(spec, text, layer, head): the page's callback that opens a text in the explorer."""
    st.subheader(t("Head types over the survey"))
    try:
        measured = _census(str(survey.folder), _stamp(survey), survey)
    except AttnvizError as exc:
        st.info(escape(messages.say(exc)))
        return
    except Exception as exc:  # a damaged folder: a message, and the rest of the page works
        st.warning(escape(t("Could not score the heads' types: {why}",
                            why=messages.logged(f"the census of the survey {survey.folder}", exc))))
        return
    shown = census_widgets.thresholds(measured, K.threshold)
    census_widgets.figure(shown, K.CENSUS_CHART, "png")
    layer, head = _card_head(shown)
    st.markdown(t("**Layer {layer}, head {head}** (click a head above to open its card)", layer=layer, head=head))
    census_widgets.card(shown, layer, head, K.CARD_CHART, K.CARD_TABLE)
    _card_texts(survey, shown, layer, head, open_text)
