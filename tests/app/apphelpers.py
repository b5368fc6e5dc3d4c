"""Reading what an AppTest page shows: the plotly figures' data, messages, widgets."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120


def _first_run(state: dict) -> AppTest:
    """app.py run once with these session keys set before it starts."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def open_page(page: str, **state) -> AppTest:
    """Open app.py, set session keys (sidebar `sb_*`, page widgets, matrices), then switch to a page."""
    return _first_run(state).switch_page(page).run()


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


def open_app(**sidebar) -> AppTest:
    """A first run of app.py with the sidebar set as a person would have set it (sb_<name> keys).

    Under st.navigation, AppTest loses widgets drawn in the entrypoint (our shared sidebar) from
    its element tree after the first run and cannot change them afterwards; values set before
    the first run stick. So each sidebar scenario opens a fresh app (models are cached per
    process, so this is cheap); the browser tests type into the real sidebar.
    """
    return _first_run({f"sb_{name}": value for name, value in sidebar.items()})

