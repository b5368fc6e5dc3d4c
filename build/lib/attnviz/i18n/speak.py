"""Translate now, in the active language: t("…") and its kin, the words every page and figure says.

Each takes the English text (the msgid, what the code reads as) and formats it with keyword arguments after
translating. The names are gettext keywords for extraction (attnviz.i18n.tools): t, tp, tc, tn, tr, N_, translate.
"""
from __future__ import annotations

from collections.abc import Callable

from attnviz.i18n.active import active, presenting
from attnviz.i18n.catalogues import lookup, lookup_plural
from attnviz.i18n.message import _format


def t(msgid: str, /, **fmt) -> str:
    """`msgid` in the active language, formatted with `fmt` (in presentation mode: its presentation wording where
    the catalogue has one)."""
    lang = active()
    return _format(lookup(lang, msgid, None, presenting()), fmt, lang)


tp = t  # the same; marks a message that has a presentation wording (extracted in the context "present" too)


def tc(context: str, msgid: str, /, **fmt) -> str:
    """`msgid` in a message context: the same English in another sense elsewhere (pgettext)."""
    lang = active()
    return _format(lookup(lang, msgid, context), fmt, lang)


def tn(singular: str, plural: str, n: int, /, **fmt) -> str:
    """The form of a message for the number `n` (ngettext), in the active language."""
    lang = active()
    return _format(lookup_plural(lang, singular, plural, n), fmt, lang)


def translate(lang: str, msgid: str, /, context: str | None = None, **fmt) -> str:
    """`msgid` in a given language (a report written in the page's language, a test)."""
    return _format(lookup(lang, msgid, context), fmt, lang)


def fixed() -> Callable[..., str]:
    """tr: t() bound to this run's language and register, for callbacks called outside the run (format_func)."""
    lang, present = active(), presenting()

    def tr(msgid: str, /, **fmt) -> str:
        return _format(lookup(lang, msgid, None, present), fmt, lang)
    return tr


def N_(msgid: str) -> str:
    """Mark a message for extraction where it is defined (a table of labels); translate it where it is said."""
    return msgid
