"""A head census on a page (explorer, survey): thresholds to move, the census figure (a click picks a head) and a
head's card. The figures and tables are attnviz.figures.census's; this module only lays them out."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from attnviz.analysis.headtypes.census import Census
from attnviz.figures import census as cf
from attnviz.i18n import say, t
from attnviz.app.shell import screen
from attnviz.app.state.base import Key
from attnviz.app.widgets.figure_out import show, take_click
from attnviz.app.widgets.literal import escape

PER_ROW = 3  # threshold sliders a row


def thresholds(census: Census, key_of: Callable[[str], Key]) -> Census:
    """A slider for each measured type's threshold (starting at the census's), folded with the table of
    definitions, reasons and sources; the census at the thresholds chosen."""
    names = cf.measured(census)
    chosen: dict[str, float] = {}
    with st.expander(t("Thresholds, and how each type is scored")):
        cols = st.columns(PER_ROW)
        for i, name in enumerate(names):
            key = key_of(name)
            chosen[name] = cols[i % PER_ROW].slider(cf.type_label(name), 0.0, 0.99, float(census.thresholds[name]),
                                                    step=0.01, key=key, persist_state=key.keep)
        shown = census.with_thresholds(chosen)
        screen.table(st, cf.thresholds_table(shown), hide_index=True)
    return shown


def clicked_head(chart: Key, seen: Key) -> tuple[int, int] | None:
    """The [layer, head] of a census cell clicked since the last run (None: no new click)."""
    data = take_click(chart, seen)
    if data is not None and len(data) == 2:
        return int(data[0]), int(data[1])
    return None


def figure(census: Census, chart: Key, img_format: str, title: str | None = None) -> None:
    """The census figure, clickable (a click selects [layer, head]), its caption and the census's notes."""
    show(cf.census_figure(census, title=title), chart, None, img_format, on_select="rerun",
         selection_mode="points")
    st.caption(cf.census_caption(census))
    for note in census.notes:
        st.caption(escape(say(note)))


def default_head(census: Census) -> tuple[int, int]:
    """The head a card opens on before any click: the first head given a type (layer-major), else L0 h0."""
    return next(((l, h) for l, row in enumerate(census.assigned) for h, name in enumerate(row) if name), (0, 0))


def card(census: Census, layer: int, head: int, chart: Key, table: Key) -> None:
    """One head's scores against their thresholds: bars and the same numbers as a table."""
    bars, numbers = screen.stacked(2, [3, 2], gap="medium")
    bars.plotly_chart(screen.figure(cf.head_card(census, layer, head)), key=chart,
                      config={"displaylogo": False})
    numbers.dataframe(cf.head_card_table(census, layer, head), hide_index=True, width="stretch", key=table)
