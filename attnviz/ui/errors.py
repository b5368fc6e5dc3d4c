"""The package's messages in the chosen language.

A message the catalogue knows (a `ui.known.*` key whose English text is the package's own, {placeholders} for
what varies) is translated whole; an error it does not know is introduced by a sentence for its kind, with the
package's own words (paths, sizes, a library's message) kept after it. English: the messages as they are.
"""
from __future__ import annotations

import re
from functools import lru_cache

from attnviz.core import errors
from attnviz.lessons.catalogue import CATALOGUES, DEFAULT
from attnviz.lessons.catalogue.keyed import Keyed, say as say_keyed
from attnviz.ui.i18n import lang, t

KINDS = (errors.ModelNotFound, errors.NotAModel, errors.RemoteCodeRefused, errors.UnsupportedModel, errors.BadText,
         errors.ModelRefused, errors.CaptureTooLarge)


@lru_cache(maxsize=1)
def _known() -> list[tuple[str, re.Pattern]]:
    """(key, pattern) for every ui.known.* message: its English text, each {name} a group ((?P=name) when repeated)."""
    out = []
    for key, text in CATALOGUES[DEFAULT].items():
        if not key.startswith("ui.known."):
            continue
        seen: set[str] = set()
        parts = []
        for i, piece in enumerate(re.split(r"\{(\w+)\}", text)):
            if i % 2 == 0:
                parts.append(re.escape(piece))
            else:
                parts.append(f"(?P={piece})" if piece in seen else f"(?P<{piece}>.+?)")
                seen.add(piece)
        out.append((key, re.compile("".join(parts), re.S)))
    return out


def known(message: str) -> str | None:
    """The message in the chosen language when the catalogue knows it, else None."""
    for key, pattern in _known():
        found = pattern.fullmatch(message)
        if found:
            return t(key, **found.groupdict())
    return None


def note(message: str) -> str:
    """A note of a model or a capture (truncation, a fallback) in the chosen language where the catalogue knows it."""
    if lang() == DEFAULT:
        return message
    return known(message) or message


def say(exc: BaseException) -> str:
    """The error's message in the chosen language (English: the package's message as it is)."""
    message = str(exc)
    if lang() == DEFAULT:
        return message
    if len(exc.args) == 1 and isinstance(exc.args[0], Keyed):  # training and survey errors carry their key
        return say_keyed(exc, lang())
    translated = known(message)
    if translated:
        return translated
    kind = next((k.__name__ for k in KINDS if isinstance(exc, k)), "AttnvizError")
    key = f"ui.error.kind.{kind}"
    return t(key, detail=message) if key in CATALOGUES[DEFAULT] else message


def unexpected(what: str, exc: BaseException, capture: bool = False) -> str:
    """An error the package did not foresee, named with its type (no traceback on the page)."""
    return t("ui.error.capture_failed" if capture else "ui.error.load_failed", what=what,
             detail=f"{type(exc).__name__}: {exc}")
