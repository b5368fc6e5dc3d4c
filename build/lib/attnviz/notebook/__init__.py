"""attnviz in a notebook: show(...) returns an interactive widget (anywidget) of one capture's attention."""
from __future__ import annotations

from attnviz.notebook.api import show

__all__ = ["AttentionWidget", "show"]


def __getattr__(name: str):
    if name == "AttentionWidget":  # imports anywidget: only when asked for
        from attnviz.notebook.widget import AttentionWidget

        return AttentionWidget
    raise AttributeError(name)
