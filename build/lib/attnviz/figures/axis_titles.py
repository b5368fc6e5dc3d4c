"""Y-axis titles that read well in Chinese: a short CJK title stands upright above its axis instead of lying on its side.

Plotly and Vega rotate a y-axis title by 90°. For a Latin phrase that is the convention; a single Chinese
character turned on its side (熵) reads as a puzzle. A short CJK title is therefore written horizontally
at the top of the axis, where Chinese charts (ECharts' default) put an axis name. Long titles keep the
rotated form: horizontal they would need more room beside the plot than the tick labels leave.
"""
from __future__ import annotations

import re

import plotly.graph_objects as go

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
SHORT = 5  # characters: 熵, 头, 平均距离, 主成分 2; longer titles stay rotated
NAME = "attnviz-y-title"  # the annotation's name: presentation mode enlarges it with the axes' titles
CHAR_PX = 1.1  # width of one CJK character, in font sizes
ROOM_FONT = 20  # margins are sized for the largest font the title is drawn at (presentation mode)
TITLE_FONT = 17  # plotly's size for a figure title that sets none
TITLE_PAD = 8  # px between the top edge and a title pinned there
LINE = 1.3  # line height, in font sizes


def upright(text: str | None) -> bool:
    """True for a short title with Chinese, Japanese or Korean characters in it."""
    return bool(text) and bool(CJK.search(text)) and len(text.strip()) <= SHORT


def y_title(fig: go.Figure, text: str | None, font: dict | None = None) -> go.Figure:
    """Give `fig` its y-axis title: as plotly draws it, or for a short CJK title upright above the axis."""
    if not upright(text):
        fig.update_yaxes(title={"text": text, **({"font": font} if font else {})})
        return fig
    fig.update_yaxes(title={"text": None})
    fig.add_annotation(name=NAME, text=text, showarrow=False, xref="paper", yref="paper", x=0, y=1,
                       xanchor="right", yanchor="bottom", xshift=-2, yshift=6, font=font or {"size": 13})
    # the annotation sits in the corner above the tick labels: leave it room on the left and at the top, and
    # at the top under the figure's own title, which is pinned to the top edge so that it cannot drift onto it
    margin = fig.layout.margin
    fig.update_layout(margin={"l": max(margin.l or 0, int(len(text) * CHAR_PX * ROOM_FONT) + 8),
                              "t": max(margin.t or 0, title_px(fig) + ROOM_FONT + 16)})
    return fig


def title_px(fig: go.Figure) -> int:
    """The height of fig's title band at the top (0 without a title); a title without a place is pinned there.

    Plotly centres an unplaced title in the top margin: a larger margin would move it down onto the annotation.
    """
    title = fig.layout.title
    if not title.text:
        return 0
    if title.y is None:
        fig.update_layout(title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": TITLE_PAD}})
    lines = title.text.count("<br>") + 1
    return int((title.pad.t or 0) + lines * (title.font.size or TITLE_FONT) * LINE)


def altair_y_axis(text: str) -> dict:
    """Arguments for alt.Axis: the title, and for a short CJK title upright at the top of the axis."""
    if not upright(text):
        return {"title": text}
    return {"title": text, "titleAngle": 0, "titleAnchor": "end", "titleAlign": "right", "titleBaseline": "bottom",
            "titleX": 0, "titleY": -8}
