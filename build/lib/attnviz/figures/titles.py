"""Figure titles that fit their figure: a long title is wrapped with <br> (at a word boundary, or in Chinese after
punctuation) where the figure is too narrow for it on one line, and the figure grows by the lines it adds."""
from __future__ import annotations

import html
import re

import plotly.graph_objects as go

WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
LATIN_EM = 0.58  # mean width of a Latin character of a bold sans title, in font sizes (measured on Source Sans)
LINE = 1.3  # line height, in font sizes
BREAK_AFTER = "，、：；。）)"  # a Chinese line may end after these; before "（" too
CAP_SHIFT = 0.7  # plotly's shift of a top-anchored title's first line, in font sizes
TITLE_PX = 17  # plotly's title size where a figure sets none
COLORBAR_PX = 90  # a vertical colour bar and its tick labels beside the plot


def text_px(text: str, font_px: float) -> float:
    """Estimated width of one line of plotly text (markup and entities read as what they show)."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return sum(font_px if WIDE.match(c) else LATIN_EM * font_px for c in plain)


def _pieces(text: str) -> list[str]:
    """Where a line may break: after a space in Latin text, after punctuation or before "（" in Chinese."""
    return [p for p in re.split(r"(?<= )|(?<=[" + BREAK_AFTER + r"])|(?=（)", text) if p]


def wrap(text: str, room_px: float, font_px: float) -> str:
    """`text` in lines of at most room_px (a piece longer than that is a line of its own), joined by <br>."""
    lines: list[str] = []
    for part in text.split("<br>"):
        line = ""
        for piece in _pieces(part):
            if line and text_px(line + piece.rstrip(), font_px) > room_px:
                lines.append(line.rstrip())
                line = piece.lstrip()
            else:
                line += piece
        lines.append(line.rstrip())
    return "<br>".join(lines)


def _left_px(fig: go.Figure) -> float:
    """What stands left of the plot area: the margin, the y tick labels (when given) and a rotated y title."""
    axis = fig.layout.yaxis
    labels = axis.ticktext or ()
    size = (axis.tickfont.size if axis.tickfont and axis.tickfont.size else None) or fig.layout.font.size or 12
    title = axis.title.font.size or size + 2 if axis.title and axis.title.text else 0
    return (fig.layout.margin.l or 0) + max((text_px(str(t), size) for t in labels), default=0) + 6 + title * LINE


def fit_title(fig: go.Figure, width_px: float) -> go.Figure:
    """Wrap fig's title to the room it has in a figure width_px wide; the figure grows by the lines added.

    A title placed on the plot area (xref "paper") starts where the plot does, right of the y labels.
    """
    title = fig.layout.title
    if not title.text:
        return fig
    size = title.font.size or TITLE_PX
    left = _left_px(fig) if title.xref in (None, "paper") else 0
    bar = any(getattr(t, "showscale", None) is not False and t.type == "heatmap"
              and getattr(t.colorbar, "orientation", None) != "h" for t in fig.data)
    room = width_px - left - (fig.layout.margin.r or 0) - (COLORBAR_PX if bar else 0)
    text = title.text
    wrapped = wrap(text, room, size)
    added = wrapped.count("<br>") - text.count("<br>")
    if added:
        grow = added * size * LINE
        placed = title.yanchor == "top" and title.yref == "container" and "<br>" not in text and fig.layout.height
        if placed:  # the shift below takes room too
            grow += CAP_SHIFT * size
        grow = int(round(grow))
        fig.update_layout(title_text=wrapped, margin_t=(fig.layout.margin.t or 0) + grow)
        if fig.layout.height:
            fig.update_layout(height=fig.layout.height + grow)
        if placed:
            # plotly applies neither the pad nor the cap-height shift to a top-anchored title of several lines:
            # its first line would stick out above the figure. Place it that far down instead.
            down = (title.pad.t or 0) + CAP_SHIFT * size
            fig.update_layout(title_y=(title.y if title.y is not None else 1) - down / fig.layout.height)
    return fig
