"""Presentation mode for any page: no sidebar (a button brings it back), large type, one figure a screen."""
from __future__ import annotations

from string import Template

import plotly.graph_objects as go
import streamlit as st

from attnviz.figures.axis_titles import NAME as Y_TITLE
from attnviz.app.shell.language import keep_in_link
from attnviz.i18n import t
from attnviz.app.state import sidebar as Sidebar

# Streamlit sizes text in rem, so a larger root font scales every label, caption and widget at once.
CSS = Template("""
<style>
/* attnviz presentation mode */
html { font-size: 19px; }
h1 { font-size: 2.2rem !important; }
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 0.25rem !important; max-width: 100% !important; }
/* number tables (st.table) grow with the page's type; Streamlit sets them smaller than the text */
[data-testid="stTable"] table { font-size: 1rem !important; }
/* the way back: a small button at the end of the teacher bar, in the page's flow, so it never lies over content */
.st-key-$leave button { min-height: 0; padding: 0.1rem 0.6rem; font-size: 0.75rem; }
.st-key-$leave button p { font-size: 0.75rem; }
</style>
""").substitute(leave=Sidebar.PRESENT_LEAVE)
FONT = 20  # figure text in presentation mode: readable from the back of a room at 1280×720
TICK = FONT - 2  # tick labels (tokens, heads): figures set 13 px for a desk, too small on a projector
HEIGHT = 600


def active() -> bool:
    return bool(st.session_state.get(Sidebar.PRESENT))


def toggle() -> bool:
    """The sidebar's switch; the choice is kept in the link (present=1)."""
    st.sidebar.toggle(t("Presentation mode"), key=Sidebar.PRESENT, help=t("Hides the sidebar and enlarges text and figures for a projector (kept in the link as present=1)."))
    keep_in_link(Sidebar.PRESENT, active())
    return active()


def leave() -> None:
    """The way back (a button's callback): the sidebar and the desk's layout again."""
    st.session_state[Sidebar.PRESENT] = False


def apply() -> None:
    """In presentation mode: the CSS that hides the sidebar and enlarges type (the teacher bar, drawn by the frame,
    holds the way back)."""
    if active():
        st.html(CSS)


def figure(fig: go.Figure, height: int | None = None) -> go.Figure:
    """The figure with larger type and height when presenting (unchanged otherwise)."""
    if active():
        fig.update_layout(font={"size": FONT}, title_font={"size": FONT + 4}, height=HEIGHT,
                          hoverlabel={"font_size": FONT}, legend_font_size=FONT)
        titled = bool(fig.layout.title.text)
        if titled and fig.layout.margin.t is not None:  # the larger title needs more room above the plot
            fig.update_layout(margin_t=fig.layout.margin.t + 24)
        # Streamlit's theme gives axes their own (small) sizes, which the layout's font does not override;
        # larger ticks need more room than a figure left for 13 px labels: plotly widens the margins
        fig.update_xaxes(tickfont_size=TICK, title_font_size=FONT, automargin=True)
        fig.update_yaxes(tickfont_size=TICK, title_font_size=FONT, automargin=True)
        if any(a.name == Y_TITLE for a in fig.layout.annotations):  # a short Chinese y title, upright above the
            fig.update_annotations(font_size=FONT, selector={"name": Y_TITLE})  # axis: larger, and room above it
            # under a title it needs a line of its own; alone, axis_titles already left it room at this size
            fig.update_layout(margin_t=(fig.layout.margin.t or 0) + 2 * FONT - 6 if titled
                              else max(fig.layout.margin.t or 0, FONT + 16))
        fig.update_traces(colorbar_tickfont_size=TICK, selector={"type": "heatmap"})
        fig.update_traces(textfont_size=TICK, selector={"type": "scatter"})  # the head view's and q–k's token names
    elif height:
        fig.update_layout(height=height)
    return fig
