"""capture(model, text): every attention pattern of one forward pass, for any loaded model (one backend per model family)."""
from __future__ import annotations

import torch

from attnviz.capture.huggingface import capture_hf
from attnviz.capture.positions import POSITION_MODES
from attnviz.capture.scratch import capture_scratch
from attnviz.core import settings as operator
from attnviz.core.errors import BadText
from attnviz.core.types import AttentionCapture
from attnviz.models.loading import LoadedModel

BACKENDS = {"scratch": capture_scratch, "hf": capture_hf}  # LoadedModel.backend -> its capture function


def capture(model: LoadedModel, text: str, target: str | None = None, positions: str = "normal",
            seed: int = 0, ids: list[int] | None = None, max_tokens: int | None = None) -> AttentionCapture:
    """Run text through the model and return its attention, kept on the model's device.

    For encoder-decoders, `target` is the decoder's text; without it the model writes its own
    (greedily). `ids` (instead of text) captures given token ids, such as a generated sequence.
    `positions` "shuffled" permutes the positional encoding over positions (seeded),
    "removed" takes it out (zeros; for rotary, no rotation): the same tokens, other positions.
    `max_tokens` caps the tokens captured (default: the operator's setting, ATTNVIZ_MAX_TOKENS;
    0: none); a longer text is cut, and a note says so.
    Safe to call from several threads on one shared model: each call holds the model's lock
    while hooks are attached.
    """
    if positions not in POSITION_MODES:
        raise ValueError(f"positions must be one of {POSITION_MODES}, got {positions!r}")
    spans: list = []
    if ids is None:
        if not isinstance(text, str) or not text.strip():
            raise BadText("The text is empty: type a sentence to see its attention.")
        ids, spans = _encode(model, text)
    if not ids:
        raise BadText("The text gave no tokens for this model: try ordinary words.")
    truncated_from = None
    limit, by_server = token_limit(model.info.max_positions, max_tokens)
    if limit and len(ids) > limit:
        truncated_from = len(ids)
        closing = ids[-1] in model.codec.special_ids()
        ids = _truncate(ids, limit, model.codec.special_ids())
        if spans:  # the same tokens as the ids keep
            spans = spans[: limit - 1] + spans[-1:] if closing else spans[:limit]
    with model.lock:
        try:
            result = _run(model, ids, target, positions, seed)
        except torch.OutOfMemoryError:
            if model.device.type == "cpu":
                raise
            lost = model.device.type
            model.move(torch.device("cpu"), torch.float32)
            if model.device.type == "cpu" and lost == "cuda":
                torch.cuda.empty_cache()
            result = _run(model, ids, target, positions, seed)
            result.notes.append(f"Out of {lost} memory: the model was moved to the CPU and run there.")
    result.truncated_from = truncated_from
    if spans:
        result.text, result.spans = text, spans
    if truncated_from:
        takes = f"this server takes at most {limit} per capture" if by_server else f"this model takes {limit}"
        result.notes.append(f"The text is {truncated_from} tokens; {takes}, so only the first {limit} are shown.")
    return result


def token_limit(model_limit: int | None, max_tokens: int | None = None) -> tuple[int | None, bool]:
    """(tokens a capture keeps, whether the server's setting rather than the model is what limits it)."""
    server = operator.current().max_tokens if max_tokens is None else max_tokens
    if server and (not model_limit or server < model_limit):
        return server, True
    return model_limit, False


def _encode(model: LoadedModel, text: str) -> tuple[list[int], list]:
    """Ids and each token's character span (used to align two tokenisations); no spans if the codec has none."""
    encode = getattr(model.codec, "encode_with_offsets", None)
    if encode is None:
        return model.codec.encode(text), []
    return encode(text)


def _truncate(ids: list[int], limit: int, special: set[int]) -> list[int]:
    """First `limit` ids, keeping a closing special token ([SEP], </s>) at the end."""
    if ids[-1] in special:
        return ids[: limit - 1] + [ids[-1]]
    return ids[:limit]


def _run(model: LoadedModel, ids: list[int], target: str | None, positions: str = "normal",
         seed: int = 0) -> AttentionCapture:
    result = BACKENDS[model.backend](model, ids, target, positions, seed)
    if positions != "normal":
        result.notes.append(f"Positions {positions}: " + ("the positional encoding was permuted over positions "
                            f"(seed {seed})." if positions == "shuffled" else "the positional encoding was taken out."))
    return result


