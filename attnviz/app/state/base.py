"""A session key that knows where its value goes: the widget's key, its link parameter, how long it is kept.

Each page's state module (attnviz/app/state/explorer.py, …) declares its keys once, as `Key`s; pages pass them as
`key=`, links.py reads the link parameters from them, and a widget whose key says `keep` passes it to Streamlit as
`persist_state` (Streamlit forgets a widget's value in a run that does not draw it, unless told otherwise).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Literal

Keep = Literal["page", "session"]


class Key(str):
    """A session-state key: the very string Streamlit takes as a widget's `key=` and as an index of
    st.session_state, with what the app does with its value beyond the page.

    param: the link parameter that carries the value (None: the value does not travel in the link);
    type: how the link's text is read (str, int or bool; a bool is written 1 or 0);
    default: the value the link leaves out (None: only a value that is not set is left out);
    keep: how long Streamlit keeps the widget's value while the widget is not drawn, passed to the widget as
      `persist_state=key.keep`: "page" while a view of the same page hides it, "session" also while other pages
      are shown, None not at all (Streamlit's default: the widget starts again from its default).
    """

    param: str | None
    type: type
    default: object
    keep: Keep | None

    def __new__(cls, key: str, param: str | None = None, type: type = str, *, default: object = None,
                keep: Keep | None = None) -> Key:
        self = super().__new__(cls, key)
        self.param, self.type, self.default, self.keep = param, type, default, keep
        return self

    def link_text(self, value: object) -> str | None:
        """The value as its link parameter writes it, or None where the link leaves it out (unset, or the default)."""
        if value is None or (self.default is not None and value == self.default):
            return None
        return str(int(value)) if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class Pickers:
    """The attention-kind, layer and head pickers of one page (attnviz.app.widgets.pickers.kind_layer_head)."""

    kind: Key
    layer: Key
    head: Key


@dataclass(frozen=True)
class TargetKeys:
    """The inputs of a measure's or a causal tool's target on one page (attnviz.app.widgets.target): a next token,
    a token set against it, a second sentence."""

    token: Key
    other: Key
    sentence: Key


def csv(chart: str) -> Key:
    """The download button of a chart's table (attnviz.app.widgets.figure_out)."""
    return Key(f"{chart}_csv")


def html(chart: str) -> Key:
    """The download button of a chart as a standalone HTML file."""
    return Key(f"{chart}_html")


def keys_of(module: ModuleType) -> list[Key]:
    """Every key a state module declares, in the order it declares them: its Key constants, its pickers' keys and
    the keys in its tuples (compare's PANES). Keys built by a function from a name (a matrix, a chart) are not here."""
    found: list[Key] = []
    for value in vars(module).values():
        items = (value.kind, value.layer, value.head) if isinstance(value, Pickers) else \
            (value.token, value.other, value.sentence) if isinstance(value, TargetKeys) else \
            value if isinstance(value, tuple) else (value,)
        found += [item for item in items if isinstance(item, Key) and item not in found]
    return found


def linked(module: ModuleType) -> list[Key]:
    """The keys of a state module that travel in the link, in the order the link writes them."""
    return [key for key in keys_of(module) if key.param]
