"""The package's errors in the chosen language: a message the catalogue knows word for word is translated whole;
any other is introduced by a sentence for its kind, with the package's own words (paths, numbers) kept after it."""
from __future__ import annotations

from attnviz.core import errors
from attnviz.lessons.catalogue import CATALOGUES, DEFAULT
from attnviz.ui.i18n import lang, t

# messages the package raises word for word -> catalogue key (the others quote paths, sizes, a library's words)
EXACT = {
    "The text is empty: type a sentence to see its attention.": "ui.error.empty_text",
    "The text is empty: type a prompt for the model to continue.": "ui.error.empty_prompt",
    "The temperature must be above 0 (use greedy for the most likely token).": "ui.error.temperature",
    "The text gave no tokens for this model: try ordinary words.": "ui.error.no_tokens",
    "No model given: pick an offline model or enter a folder path.": "ui.error.no_model",
    "glassllm is not installed: run `pip install glassllm`.": "ui.error.no_glassllm",
}
KINDS = (errors.ModelNotFound, errors.NotAModel, errors.RemoteCodeRefused, errors.UnsupportedModel, errors.BadText,
         errors.ModelRefused, errors.CaptureTooLarge)


def say(exc: BaseException) -> str:
    """The error's message in the chosen language (English: the package's message as it is)."""
    message = str(exc)
    if lang() == DEFAULT:
        return message
    if message in EXACT:
        return t(EXACT[message])
    kind = next((k.__name__ for k in KINDS if isinstance(exc, k)), "AttnvizError")
    key = f"ui.error.kind.{kind}"
    return t(key, detail=message) if key in CATALOGUES[DEFAULT] else message


def unexpected(what: str, exc: BaseException, capture: bool = False) -> str:
    """An error the package did not foresee, named with its type (no traceback on the page)."""
    return t("ui.error.capture_failed" if capture else "ui.error.load_failed", what=what,
             detail=f"{type(exc).__name__}: {exc}")
