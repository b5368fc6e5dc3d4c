"""A figure drawn with its downloads, as on the explorer: PNG/SVG from the camera button, CSV, standalone HTML."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import streamlit as st

from attnviz.app.shell import screen
from attnviz.app.state import base
from attnviz.i18n import t


_STEM: ContextVar[str | None] = ContextVar("attnviz_download_stem", default=None)


class ImageFormat(str):
    """The camera button's image format ("png" or "svg"), carrying the name a page gives the files of the view it
    draws (export_stem: minilm-heatmap-L3-H9): sections pass it on as the format they were given, and show() names
    the image, the CSV and the HTML by it."""

    stem: str | None

    def __new__(cls, fmt: str, stem: str | None = None) -> ImageFormat:
        self = super().__new__(cls, fmt)
        self.stem = stem
        return self


def part_of(img_format: str, what: str, layer: int | None = None, head: int | None = None) -> str | None:
    """The files' name of a figure drawn beside a view (an ablation grid, an agreement chart): the stem the page
    gave (the model's name) followed by what it holds (minilm-ablation-zero, minilm-dla-sources-L3-H1); None
    without a stem, the chart's key naming it."""
    stem = getattr(img_format, "stem", None)
    if not stem:
        return None
    return "-".join([stem, what, *([f"L{layer}"] if layer is not None else []), *([f"H{head}"] if head is not None else [])])


@contextmanager
def named(stem: str | None) -> Iterator[None]:
    """Downloads drawn inside are named `stem` (.csv, .html, the camera's image) instead of the view's usual name:
    a measure's file says which measure it holds (minilm-norm-heatmap-L3-H9.csv). None: as usual."""
    token = _STEM.set(stem)
    try:
        yield
    finally:
        _STEM.reset(token)


def file_name(img_format: str, ext: str, default: str) -> str:
    """A download's file name: the stem `named` gives, else the view's name that img_format carries (an
    ImageFormat), else `default`."""
    return f"{_STEM.get() or getattr(img_format, 'stem', None) or default}.{ext}"


def show(fig, key: str, csv: Callable[[], str] | None = None, img_format: str = "png", name: str | None = None,
         presented: int | None = None,
         **kwargs) -> None:
    """Draw a plotly figure (larger in presentation mode); under it, the table behind it as CSV (when there is one) and the figure as offline HTML.

    name: the files' name without its extension, saying what they hold (attnviz.figures.export.export_name:
    minilm-heatmap-L3-H9), so two downloads never overwrite each other; default attnviz-<key>.

    Files are built only when their button is clicked (callables): a 512-token capture's NPZ takes seconds
    to compress and a standalone HTML carries 4.8 MB of plotly.js; no rerun should pay for that.
    presented: the figure's height in presentation mode, where a layout needs it lower than the mode's own.
    on_click="ignore": a click that reran the page would give every button a new file id, and a second
    button clicked before the browser had the new ids asked for a file that no longer existed."""
    stem = name or _STEM.get() or getattr(img_format, "stem", None) or f"attnviz-{key}"
    config = {"displaylogo": False, "toImageButtonOptions": {"format": str(img_format), "filename": stem,
                                                            "scale": 2}}
    st.plotly_chart(screen.figure(fig, presented=presented), key=key, config=config, **kwargs)
    # a row sized to the buttons' labels: fixed columns cut them off in a half-width compare pane
    row = st.container(horizontal=True)
    if csv is not None:
        row.download_button(t("Matrix as CSV"), csv, file_name=f"{stem}.csv", mime="text/csv", key=base.csv(key),
                           on_click="ignore")
    row.download_button(t("Figure as HTML"), lambda: fig.to_html(include_plotlyjs=True, full_html=True),
                       file_name=f"{stem}.html", mime="text/html", key=base.html(key), on_click="ignore")


def take_click(chart_key: str, seen_key: str):
    """The customdata of a newly clicked point of a chart (None if nothing new was clicked)."""
    event = st.session_state.get(chart_key)
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        (getattr(getattr(event, "selection", None), "points", None) or [])
    if not points:
        return None
    point = points[0]
    data = point.get("customdata") if isinstance(point, dict) else None
    signature = repr(point)
    if data is None or st.session_state.get(seen_key) == signature:
        return None
    st.session_state[seen_key] = signature
    return data
