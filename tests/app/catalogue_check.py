"""What a page shows as text, and which of it is in no catalogue (numbers and the user's data allowed)."""
from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from attnviz.lessons.catalogue import patterns

NUMBER = re.compile(r"^[\s\d.,:−\-+%×/eE·]*$")
TEXT_TYPES = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
WIDGET_TYPES = ("button", "radio", "selectbox", "multiselect", "toggle", "checkbox", "slider", "select_slider",
                "number_input", "text_input", "text_area", "expander", "tab")


def shown(at: AppTest) -> list[str]:
    """Every label, option, help and prose string of the page as rendered."""
    out: list[str] = []
    for kind in TEXT_TYPES:
        out += [el.value for el in at.get(kind)]
    for kind in WIDGET_TYPES:
        for el in at.get(kind):
            out.append(getattr(el, "label", ""))
            out += [str(o) for o in (getattr(el, "options", None) or [])]
            help_text = getattr(el.proto, "help", "") if hasattr(el, "proto") else ""
            out.append(help_text)
            placeholder = getattr(el.proto, "placeholder", "") if hasattr(el, "proto") else ""
            out.append(placeholder)
    return [s for s in out if isinstance(s, str) and s.strip()]


def not_in_catalogue(at: AppTest, data: tuple[str, ...] = ()) -> list[str]:
    """Shown strings that match no catalogue value (after formatting), are not numbers and not `data`."""
    every = patterns()
    return [s for s in shown(at)
            if s not in data and not NUMBER.match(s) and not any(p.fullmatch(s) for p in every)]
