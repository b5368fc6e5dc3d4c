"""What show() takes, turned into one AttentionCapture: a model and a text, a capture, or attention tensors."""
from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from attnviz.core.types import AttentionCapture
from attnviz.models.loading import LoadedModel
from attnviz.notebook.tensors import from_attentions, from_transformer_lens, is_pattern_cache

NEEDS_TEXT = "pass a text as well: show({what!r}, \"The cat sat on the mat.\")"
UNKNOWN_INPUT = ("show() takes a model name or folder and a text, a loaded model and a text, an AttentionCapture, "
                 "a Hugging Face model's outputs.attentions with its tokens, or a TransformerLens ActivationCache "
                 "with its tokens; got {type}")

_MODELS: dict[tuple[str, str], LoadedModel] = {}  # (spec, device) -> model: show("minilm", ...) twice loads it once
_LOCK = threading.Lock()
_KEEP = 2  # models kept loaded by show(), the oldest dropped first


def loaded(spec: str, device: str = "auto") -> LoadedModel:
    """attnviz.load_model(spec), kept for the next show() of the same model."""
    from attnviz.models.loading import load_model

    key = (str(spec), device)
    with _LOCK:
        if key not in _MODELS:
            while len(_MODELS) >= _KEEP:
                _MODELS.pop(next(iter(_MODELS)))
            _MODELS[key] = load_model(str(spec), device=device)
        return _MODELS[key]


def _is_tensor_sequence(obj) -> bool:
    import torch

    return isinstance(obj, Sequence) and not isinstance(obj, str) and len(obj) > 0 and \
        all(isinstance(t, torch.Tensor) or t is None for t in obj)


def to_capture(what, text: str | Sequence[str] | None = None, *, tokens: Sequence[str] | None = None,
               target_tokens: Sequence[str] | None = None, batch: int = 0, device: str = "auto",
               mode: str = "auto", name: str | None = None) -> AttentionCapture:
    """One capture from whatever was passed; `text` is the text for a model, or the tokens for tensors."""
    from attnviz.capture.api import capture

    if isinstance(what, AttentionCapture):
        return what
    if isinstance(what, (str, Path, LoadedModel)):
        if not isinstance(text, str):
            raise TypeError(NEEDS_TEXT.format(what=str(what) if not isinstance(what, LoadedModel) else what.spec))
        model = what if isinstance(what, LoadedModel) else loaded(str(what), device)
        return capture(model, text, mode=mode)
    if tokens is None and text is not None and not isinstance(text, str):
        tokens = text  # show(attentions, tokens)
    if is_pattern_cache(what):
        return from_transformer_lens(what, tokens, batch, **({"model": name} if name else {}))
    if _is_tensor_sequence(what) or hasattr(what, "attentions") or hasattr(what, "encoder_attentions"):
        return from_attentions(what, tokens, target_tokens, batch, **({"model": name} if name else {}))
    raise TypeError(UNKNOWN_INPUT.format(type=type(what).__name__))
