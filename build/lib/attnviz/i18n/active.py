"""The language a message is said in, and whether the room is presenting: set per run, read by every translation.

A ContextVar, not an argument: the maths never carries a language. The app sets it at the start of each run
(each browser session runs in its own thread); the command line keeps the default, English.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT = "en"

_ACTIVE: ContextVar[tuple[str, bool]] = ContextVar("attnviz_language", default=(DEFAULT, False))


def known(lang: str | None) -> str:
    """`lang` if attnviz speaks it, else English."""
    return lang if lang in LANGUAGES else DEFAULT


def active() -> str:
    """The language messages are said in now."""
    return _ACTIVE.get()[0]


def presenting() -> bool:
    """Whether messages take their presentation wording (the message context "present") where they have one."""
    return _ACTIVE.get()[1]


def use(lang: str, present: bool = False) -> None:
    """Say every message in `lang` from now on in this thread (a Streamlit run sets it before anything is drawn)."""
    _ACTIVE.set((known(lang), bool(present)))


@contextmanager
def language(lang: str | None, present: bool | None = None) -> Iterator[str]:
    """Messages in `lang` inside the block (None: keep the active language), the previous language after it."""
    current = _ACTIVE.get()
    token = _ACTIVE.set((known(lang) if lang else current[0], current[1] if present is None else bool(present)))
    try:
        yield _ACTIVE.get()[0]
    finally:
        _ACTIVE.reset(token)


def speaks(builder):
    """Let a figure builder also take `lang=`: its words in that language inside the call (default: the active one).

    The words are said with t() inside; the language never travels through the builder's own arguments.
    """
    @wraps(builder)
    def said(*args, lang: str | None = None, **kwargs):
        with language(lang):
            return builder(*args, **kwargs)
    return said
