"""The package's messages in the page's language, and failures it did not foresee, said and logged.

The package raises and notes its messages as Message (attnviz.i18n): said whole in the page's language, with
what varies (paths, numbers, a library's own words) filled in. An error that is not a Message (a library's
exception) is introduced by a sentence for its kind, its own words kept after it; in English, as it is.
"""
from __future__ import annotations

import logging

from attnviz.core import errors
from attnviz.i18n import DEFAULT, N_, active, is_message, say as say_message, t

log = logging.getLogger("attnviz.app")

# the sentence that introduces a library's own words, by the kind of error (the first that matches; any other
# error gets the last)
KINDS = {
    errors.ModelNotFound: N_("The model was not found. {detail}"),
    errors.NotAModel: N_("This is not a model attnviz can read. {detail}"),
    errors.RemoteCodeRefused: N_("This model needs code of its own, which is not run here. {detail}"),
    errors.UnsupportedModel: N_("attnviz cannot show this model. {detail}"),
    errors.BadText: N_("The text cannot be used. {detail}"),
    errors.ModelRefused: N_("This server does not offer that model. {detail}"),
    errors.CaptureTooLarge: N_("This capture would not fit in memory. {detail}"),
    errors.AttnvizError: N_("That did not work. {detail}"),
}


def note(message: str) -> str:
    """A note of a model or a capture (truncation, a fallback) in the page's language (a Message; other text as
    is), in presentation mode in its wording that does not point to the hidden sidebar."""
    return say_message(message)


def say(exc: BaseException) -> str:
    """The error's message in the page's language (English: the package's message as it is)."""
    if is_message(exc):
        return say_message(exc)
    message = str(exc)
    if active() == DEFAULT:
        return message
    sentence = next((text for kind, text in KINDS.items() if isinstance(exc, kind)), KINDS[errors.AttnvizError])
    return t(sentence, detail=message)


def logged(doing: str, exc: BaseException) -> str:
    """An error nobody foresaw while `doing` something: its traceback goes to the server's log (once), and the
    visitor reads only its type and words."""
    log.error("%s failed", doing, exc_info=exc)
    return f"{type(exc).__name__}: {exc}"


def unexpected(what: str, exc: BaseException, capture: bool = False) -> str:
    """A model that failed to load or run for a reason the package did not foresee, in a sentence (see logged)."""
    detail = logged(f"{'capture by' if capture else 'loading'} {what}", exc)
    if capture:
        return t("Capture failed for {what}: {detail}", what=what, detail=detail)
    return t("Could not load {what}: {detail}", what=what, detail=detail)
