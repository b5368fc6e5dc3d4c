"""Every decision presentation mode makes about a page's layout, in one place: a desk, or a projector at 1280×720.

Pages ask for what they need (figures a row, a fold for details, a row for controls, a chart sized for the room)
and never branch on the mode themselves; present.py draws the mode (its switch, its CSS, the way back) and sizes
figures, this module decides where things go.
"""
from __future__ import annotations

from contextlib import AbstractContextManager

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from attnviz.app.shell import present
from attnviz.figures.compare_plots import PANE_PX
from attnviz.app.widgets.literal import escape

PANE_HEIGHT = 440  # px: presenting, a compare pane's figure, so that both panes lie within the first 720-px screen
TICKS = 18  # px: tick labels and axis titles read from the back of a room at 1280×720
TITLE_ROOM = 70  # px above the plot for the enlarged title


def presenting() -> bool:
    return present.active()


def stacked(n: int, spec: list[int] | None = None, **columns) -> list:
    """n places for figures side by side at a desk; presenting, one a screen, one under the other."""
    return [st.container() for _ in range(n)] if presenting() else st.columns(spec or n, **columns)


def pane_px() -> float | None:
    """The width a compare pane's heatmaps lay their labels out for: a pane's beside the other at a desk
    (stacked()); None presenting, where a pane is the full column's width."""
    return None if presenting() else PANE_PX


def side_by_side(n: int = 2) -> list:
    """n places for figures read against each other (compare's panes): side by side at a desk and on a projector
    alike, closer together on a projector."""
    return st.columns(n, gap="small" if presenting() else "large")


def pane_height() -> int | None:
    """The height of a figure in one of side_by_side's places: presenting, low enough that the row of them fits
    the first screen at 1280×720; at a desk None (the figure's own)."""
    return PANE_HEIGHT if presenting() else None


def per_row(at_desk: int, presented: int = 2) -> int:
    """How many small figures (a head each) share a row: fewer on a projector, large enough to read."""
    return presented if presenting() else at_desk


def details(label: str) -> AbstractContextManager:
    """Where a page's facts go: on the page at a desk; presenting, folded under `label` so the figure comes first."""
    return st.expander(label) if presenting() else st.container()


def controls(spec: list[int] | int) -> list | None:
    """Presenting, one row (its columns) for a page's controls so the figure starts on the first screen; at a desk
    None: the controls take their usual places."""
    return st.columns(spec, vertical_alignment="center") if presenting() else None


def for_the_desk() -> bool:
    """Whether to show what only the person at the desk needs (memory figures), not the room."""
    return not presenting()


def text_px() -> int:
    """The type size of a sentence shaded by attention (the text view)."""
    return 30 if presenting() else 20


def lesson_columns() -> tuple:
    """(where the lesson's text goes, where its figure goes): side by side on a projector, one column at a desk."""
    if presenting():
        text, figure = st.columns([2, 3], gap="large")
        return text, figure
    return st.container(), None


def figure(fig: go.Figure, height: int | None = None, presented: int | None = None) -> go.Figure:
    """A figure with the room's type sizes when presenting (present.figure); `height` at a desk, `presented` (if
    given) on a projector."""
    present.figure(fig, height)
    if presented and presenting():
        fig.update_layout(height=presented)
    return fig


def chart(fig: go.Figure, height: int | None = None, legend: str | None = None) -> go.Figure:
    """figure(), and presenting also larger ticks and axis titles (Streamlit's theme sizes them itself), room for
    the title, and the legend where a 720-pixel screen shows it: legend "under" the axis title or "above" the plot."""
    present.figure(fig, height)
    if not presenting():
        return fig
    fig.update_xaxes(tickfont_size=TICKS, title_font_size=TICKS)
    fig.update_yaxes(tickfont_size=TICKS, title_font_size=TICKS)
    if (fig.layout.margin.t or 0) < TITLE_ROOM and fig.layout.title.text:
        fig.update_layout(margin={"t": TITLE_ROOM})
    if legend == "under":
        fig.update_layout(legend={"y": -0.16, "font": {"size": TICKS}})
    elif legend == "above":
        fig.update_layout(legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom",
                                  "font": {"size": TICKS}})
    elif legend == "large":
        fig.update_layout(legend={"font": {"size": TICKS}})
    return fig


def head_chart(fig: go.Figure) -> go.Figure:
    """A small head's heatmap: presenting, tokens and axis titles readable from the back, the top margin grown with
    the title and ticks."""
    if presenting():
        top = (fig.layout.margin.t or 0) + 50
        chart(fig).update_layout(height=560, margin={"t": top})
    return fig


def table(container, df: pd.DataFrame, hide_index: bool = False) -> None:
    """A table of numbers: a grid at a desk; presenting, an HTML table whose type grows with the page's."""
    if not presenting():
        container.dataframe(df, width="stretch", hide_index=hide_index or None)
        return
    if hide_index:  # st.table always draws an index: let the first column be it, rather than 0, 1, 2, …
        df = df.set_index(df.columns[0])
    # st.table reads markdown in every cell and label: token labels are the visitor's, so all text is escaped
    safe = df.map(lambda v: escape(v) if isinstance(v, str) else v)
    safe.index = pd.Index([escape(i) for i in df.index], name=escape(df.index.name) if df.index.name else None)
    safe.columns = [escape(c) for c in df.columns]
    container.table(safe)
