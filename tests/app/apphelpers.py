"""Reading what an AppTest page shows: the plotly figures' data, messages, widgets."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from types import ModuleType
from urllib.parse import urlencode

import numpy as np
from streamlit.testing.v1 import AppTest

from attnviz.app.shell.navigation import PAGES
from attnviz.app.state import compare
from attnviz.app.state.base import Key

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120


def _first_run(state: dict[Key, object] | None) -> AppTest:
    """app.py run once with these session keys set before it starts."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def page_path(page: ModuleType) -> str:
    """The file of a page, for AppTest.switch_page, from the page's state module (attnviz.app.state.explorer)."""
    return str(PAGES[page.PAGE].path)


def open_page(page: ModuleType, state: dict[Key, object] | None = None) -> AppTest:
    """Open app.py with session keys set, then switch to a page: open_page(explorer, {explorer.LAYER: 2,
    sidebar.TEXT: "Dogs bark."}), where explorer and sidebar are modules of attnviz.app.state."""
    return _first_run(state).switch_page(page_path(page)).run()


def panes(a: dict[str, object], b: dict[str, object] | None = None) -> dict[Key, object]:
    """The compare panes' inputs as session keys: panes({"model": "minilm", "text": "He ran."}, {"text": "She ran."});
    each dict by field (attnviz.app.state.compare.FIELDS)."""
    return {compare.pane(side, field): value for side, fields in (("a", a), ("b", b or {}))
            for field, value in fields.items()}


def link_params(values: dict[Key, object]) -> dict[str, str]:
    """A link's parameters, named by the keys that carry them: {explorer.LAYER: 2} -> {"layer": "2"}. Any value is
    written as it is (a link may hold what a key's type does not take), a bool as 1 or 0; None is left out."""
    return {key.param: str(int(value)) if isinstance(value, bool) else str(value) for key, value in values.items()
            if value is not None}


def link_query(values: dict[Key, object]) -> str:
    """A link's query string (what follows its `?`): link_query({explorer.VIEW: "Head view", sidebar.LANG: "zh"})."""
    return urlencode(link_params(values))


def decode(value):
    """Plotly JSON may carry arrays as {dtype, bdata, shape}; turn those (and lists) into numpy."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape:
            arr = arr.reshape([int(s) for s in str(shape).split(",")] if isinstance(shape, str) else shape)
        return arr
    return np.asarray(value)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def heatmap_z(at: AppTest, index: int = 0) -> np.ndarray:
    return decode(figures(at)[index]["data"][0]["z"]).astype(np.float64)


def messages(at: AppTest, kind: str) -> list[str]:
    """The messages as a person reads them: the markdown escapes that keep typed text literal
    (attnviz.app.widgets.literal.escape) undone."""
    return [read(el.value) for el in getattr(at, kind)]


def read(markdown: str) -> str:
    """Markdown written by attnviz.app.widgets.literal.escape, back to its characters."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("  \n", "\n")
    return text.replace("\u00a0", " ")


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def open_app(state: dict[Key, object] | None = None) -> AppTest:
    """A first run of app.py with the sidebar set as a person would have set it ({sidebar.MODEL: "minilm"}).

    Under st.navigation, AppTest loses widgets drawn in the entrypoint (our shared sidebar) from
    its element tree after the first run and cannot change them afterwards; values set before
    the first run stick. So each sidebar scenario opens a fresh app (models are cached per
    process, so this is cheap); the browser tests type into the real sidebar.
    """
    return _first_run(state)

