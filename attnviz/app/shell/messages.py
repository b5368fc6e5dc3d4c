"""The package's messages in the chosen language.

The package raises and notes its messages as Keyed (attnviz/i18n/keyed.py): said whole in the
page's language, with what varies (paths, numbers, a library's own words) filled in. An error that is not
Keyed (a library's exception) is introduced by a sentence for its kind, its own words kept after it.
English: the messages as they are.
"""
from __future__ import annotations

from attnviz.core import errors
from attnviz.i18n.catalogue import CATALOGUES, DEFAULT
from attnviz.i18n.keyed import Keyed, say as say_keyed
from attnviz.app.shell.language import lang, t, variant

KINDS = (errors.ModelNotFound, errors.NotAModel, errors.RemoteCodeRefused, errors.UnsupportedModel, errors.BadText,
         errors.ModelRefused, errors.CaptureTooLarge)


def is_keyed(exc: BaseException) -> bool:
    """True when the error's message is a Keyed (the package's own words, in the catalogue)."""
    return len(exc.args) == 1 and isinstance(exc.args[0], Keyed)


def note(message: str) -> str:
    """A note of a model or a capture (truncation, a fallback) in the chosen language (a Keyed; other text as is),
    in presentation mode in its wording that does not point to the hidden sidebar."""
    return say_keyed(message, lang(), variant())


def say(exc: BaseException) -> str:
    """The error's message in the chosen language (English: the package's message as it is)."""
    if is_keyed(exc):
        return say_keyed(exc, lang(), variant())
    message = str(exc)
    if lang() == DEFAULT:
        return message
    kind = next((k.__name__ for k in KINDS if isinstance(exc, k)), "AttnvizError")
    key = f"ui.error.kind.{kind}"
    return t(key, detail=message) if key in CATALOGUES[DEFAULT] else message


def unexpected(what: str, exc: BaseException, capture: bool = False) -> str:
    """An error the package did not foresee, named with its type (no traceback on the page)."""
    return t("ui.error.capture_failed" if capture else "ui.error.load_failed", what=what,
             detail=f"{type(exc).__name__}: {exc}")
