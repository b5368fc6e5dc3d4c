"""A chart's axes readable on a projector: present.figure's fonts, plus tick labels and a top margin to match.

Streamlit's chart theme sizes tick labels itself, so present.figure's larger base font leaves them small;
the training lab and the survey set them here (only when presenting; otherwise the figure is unchanged).
"""
from __future__ import annotations

import plotly.graph_objects as go

from attnviz.app.shell import present

TICKS = 18  # px: tick labels and axis titles read from the back of a room at 1280×720
TITLE_ROOM = 70  # px above the plot for the enlarged title


def figure(fig: go.Figure, height: int | None = None) -> go.Figure:
    """present.figure(fig, height), and when presenting: larger ticks and axis titles, room for the title."""
    present.figure(fig, height)
    if present.active():
        fig.update_xaxes(tickfont_size=TICKS, title_font_size=TICKS)
        fig.update_yaxes(tickfont_size=TICKS, title_font_size=TICKS)
        if (fig.layout.margin.t or 0) < TITLE_ROOM and fig.layout.title.text:
            fig.update_layout(margin={"t": TITLE_ROOM})
    return fig
