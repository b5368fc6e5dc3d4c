"""The compiled gettext catalogues (locale/<lang>/LC_MESSAGES/attnviz.mo), loaded once per language."""
from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

DOMAIN = "attnviz"
LOCALE = Path(__file__).resolve().parent / "locale"
PRESENT = "present"  # the message context of a message's presentation wording


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of `lang` (English: only its presentation wordings; the messages themselves are the code's)."""
    return gettext.translation(DOMAIN, LOCALE, languages=[lang], fallback=True)


def lookup(lang: str, msgid: str, context: str | None = None, present: bool = False) -> str:
    """`msgid` in `lang`: in the given context, else its presentation wording when presenting, else as translated."""
    catalogue = translations(lang)
    if context is not None:
        return catalogue.pgettext(context, msgid)
    if present:
        wording = catalogue.pgettext(PRESENT, msgid)
        if wording != msgid:
            return wording
    return catalogue.gettext(msgid)


def lookup_plural(lang: str, singular: str, plural: str, n: int, context: str | None = None) -> str:
    catalogue = translations(lang)
    return catalogue.npgettext(context, singular, plural, n) if context else catalogue.ngettext(singular, plural, n)

