"""A figure drawn with its downloads, as on the explorer: PNG/SVG from the camera button, CSV, standalone HTML."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from attnviz.app.shell import screen
from attnviz.app.state import base
from attnviz.i18n import t


def show(fig, key: str, csv: Callable[[], str] | None = None, img_format: str = "png", presented: int | None = None,
         **kwargs) -> None:
    """Draw a plotly figure (larger in presentation mode); under it, the table behind it as CSV (when there is one) and the figure as offline HTML.

    Files are built only when their button is clicked (callables): a 512-token capture's NPZ takes seconds
    to compress and a standalone HTML carries 4.8 MB of plotly.js; no rerun should pay for that.
    presented: the figure's height in presentation mode, where a layout needs it lower than the mode's own.
    on_click="ignore": a click that reran the page would give every button a new file id, and a second
    button clicked before the browser had the new ids asked for a file that no longer existed."""
    config = {"displaylogo": False, "toImageButtonOptions": {"format": img_format, "filename": f"attnviz-{key}",
                                                            "scale": 2}}
    st.plotly_chart(screen.figure(fig, presented=presented), key=key, config=config, **kwargs)
    # a row sized to the buttons' labels: fixed columns cut them off in a half-width compare pane
    row = st.container(horizontal=True)
    if csv is not None:
        row.download_button(t("Matrix as CSV"), csv, file_name=f"attnviz-{key}.csv", mime="text/csv", key=base.csv(key),
                           on_click="ignore")
    row.download_button(t("Figure as HTML"), lambda: fig.to_html(include_plotlyjs=True, full_html=True),
                       file_name=f"attnviz-{key}.html", mime="text/html", key=base.html(key), on_click="ignore")


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
