"""Capture the window of a long text that a model with few positions reads (models.window), not only its head."""
from __future__ import annotations

from attnviz.capture.api import capture, token_limit
from attnviz.core.types import AttentionCapture
from attnviz.models.loading import LoadedModel
from attnviz.models.textbound import UNBOUNDED_TOKENS
from attnviz.models.window import Window, choose_window


def capture_window(model: LoadedModel, text: str, start: int | None = None, centre: tuple[int, int] | None = None,
                   max_tokens: int | None = None, **options) -> tuple[AttentionCapture, Window]:
    """(the capture of the window's text, the window): `start` a text token, or `centre` a character span (a
    sentence) to centre on. The capture's character spans are the window's; add `window.start_char` for the
    document's. `options` go to `capture` (mode, positions, …)."""
    limit, _ = token_limit(model.info.max_positions, max_tokens)
    window = choose_window(model.codec, text, limit or UNBOUNDED_TOKENS, start=start, centre=centre)
    return capture(model, window.text, max_tokens=max_tokens, **options), window
