"""capture(model, text): every attention pattern of one forward pass, for any loaded model (one backend per model family)."""
from __future__ import annotations

import functools

import torch

from attnviz.capture import modes
from attnviz.capture.huggingface import MAX_GENERATED, capture_hf
from attnviz.capture.positions import POSITION_MODES
from attnviz.capture.scratch import capture_scratch
from attnviz.core import settings as operator
from attnviz.core.errors import BadText, CaptureTooLarge
from attnviz.core.types import AttentionCapture
from attnviz.i18n import Message, N_
from attnviz.models import unknown
from attnviz.models.loading import TRAINED_OFFLINE, LoadedModel, bundled_codec
from attnviz.models.unknown import UnknownNote
from attnviz.models.textbound import cut_note, cut_text

BACKENDS = {"scratch": capture_scratch, "hf": capture_hf}  # LoadedModel.backend -> its capture function


# (cut by the server's limit rather than the model's, the text was cut before tokenising) -> the note
TRUNCATED = {
    (False, False): N_("The text is {n} tokens; this model takes {limit}, so only the first {limit} are shown."),
    (True, False): N_("The text is {n} tokens; this server takes at most {limit} per capture, so only the first "
                      "{limit} are shown."),
    (False, True): N_("The characters read make {n} tokens; this model takes {limit}, so only the first {limit} are "
                      "shown."),
    (True, True): N_("The characters read make {n} tokens; this server takes at most {limit} per capture, so only "
                     "the first {limit} are shown."),
}

def capture(model: LoadedModel, text: str, target: str | None = None, positions: str = "normal",
            seed: int = 0, ids: list[int] | None = None, mode: str = "auto",
            max_tokens: int | None = None) -> AttentionCapture:
    """Run text through the model and return its attention, kept on the model's device.

    For encoder-decoders, `target` is the decoder's text; without it the model writes its own
    (greedily). `ids` (instead of text) captures given token ids, such as a generated sequence.
    `positions` "shuffled" permutes the positional encoding over positions (seeded),
    "removed" takes it out (zeros; for rotary, no rotation): the same tokens, other positions.
    `max_tokens` caps the tokens captured (default: the operator's setting, ATTNVIZ_MAX_TOKENS;
    0: none); a longer text is cut, and a note says so.
    `mode` "eager" stores every weight; "qk" records queries and keys while the model runs its fast
    attention and computes heads on demand (Hugging Face models); "auto" picks q/k when the whole stack
    would pass the settings' `eager_stack_mb`. `cap.mode` says which ran; a capture past the settings'
    `capture_max_mb` raises CaptureTooLarge with a message that names the way out.
    Safe to call from several threads on one shared model: each call holds the model's lock
    while hooks are attached.
    """
    if positions not in POSITION_MODES:
        raise ValueError(f"positions must be one of {POSITION_MODES}, got {positions!r}")
    # The usable length (the model's, or the server's max_tokens when lower) bounds the text before
    # tokenising: the tokenizer's time and memory grow with the whole text.
    limit, by_server = token_limit(model.info.max_positions, max_tokens)
    cut_notes: list[str] = []
    if target:
        target, cut = cut_text(target, limit)
        if cut:
            cut_notes.append(Message("Decoder text: {note}", note=cut_note(len(target) + cut, cut, limit, by_server)))
    spans: list = []
    if ids is None:
        if not isinstance(text, str) or not text.strip():
            raise BadText(Message("The text is empty: type a sentence to see its attention."))
        text, cut = cut_text(text, limit)
        if cut:
            cut_notes.append(cut_note(len(text) + cut, cut, limit, by_server))
        ids, spans = _encode(model, text)
    if not ids:
        raise BadText(Message("The text gave no tokens for this model: try ordinary words."))
    truncated_from = None
    if limit and len(ids) > limit:
        truncated_from = len(ids)
        closing = ids[-1] in model.codec.special_ids()
        ids = _truncate(ids, limit, model.codec.special_ids())
        if spans:  # the same tokens as the ids keep
            spans = spans[: limit - 1] + spans[-1:] if closing else spans[:limit]
    n_target = _target_length(model, target)
    mode, mode_notes = modes.choose(model, mode, len(ids), n_target)
    with model.lock:
        try:
            result = _run(model, ids, target, positions, seed, mode)
        except torch.OutOfMemoryError:
            if model.device.type == "cpu":
                raise
            lost = model.device.type
            model.move(torch.device("cpu"), torch.float32)
            if model.device.type == "cpu" and lost == "cuda":
                torch.cuda.empty_cache()
            result = _run(model, ids, target, positions, seed, mode)
            result.notes.append(Message("Out of {device} memory: the model was moved to the CPU and run there.", device=lost))
        except (MemoryError, RuntimeError) as exc:
            # the CPU's allocator raises rather than crashing the server: say what to change instead
            if not isinstance(exc, MemoryError) and "allocate" not in str(exc):
                raise
            need = modes.stack_bytes(model, len(ids), n_target) if mode == "eager" else \
                modes.qk_bytes(model, len(ids), n_target)
            raise CaptureTooLarge(modes.too_large_message(model, mode, need, None, len(ids),
                                                          modes.qk_available(model))) from exc
    result.notes[:0] = mode_notes
    result.truncated_from = truncated_from
    result.notes[:0] = cut_notes
    if spans:
        result.text, result.spans = text, spans
        unread = unknown_note(model, text, ids, spans)
        if unread is not None:
            result.notes.append(unread)
    if truncated_from:
        result.notes.append(Message(TRUNCATED[by_server, bool(cut_notes)], n=truncated_from, limit=limit))
    return result


def unknown_note(model: LoadedModel, text: str, ids: list[int], spans: list) -> UnknownNote | None:
    """A note when a noticeable share of the text is the unknown token or vanished (unknown.NOTE_SHARE),
    naming the characters and the bundled models that read them; None when the model reads the text."""
    found = unknown.report(model.codec, text, ids, spans)
    if not found.noticeable():
        return None
    others = {name: functools.partial(bundled_codec, name) for name in TRAINED_OFFLINE if name != model.spec}
    return UnknownNote(unknown.with_readers(found, others))


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


def _target_length(model: LoadedModel, target: str | None) -> int:
    """Decoder tokens an encoder-decoder capture will have (its own writing: at most MAX_GENERATED + 1)."""
    if model.info.architecture != "encoder-decoder":
        return 0
    if not target:
        return MAX_GENERATED + 1
    encode = getattr(model.codec, "encode_target", model.codec.encode)
    return len(encode(target)) + 1


def _truncate(ids: list[int], limit: int, special: set[int]) -> list[int]:
    """First `limit` ids, keeping a closing special token ([SEP], </s>) at the end."""
    if ids[-1] in special:
        return ids[: limit - 1] + [ids[-1]]
    return ids[:limit]


def _run(model: LoadedModel, ids: list[int], target: str | None, positions: str = "normal",
         seed: int = 0, mode: str = "eager") -> AttentionCapture:
    try:
        result = BACKENDS[model.backend](model, ids, target, positions, seed, mode)
    except modes.BypassesRecording as exc:
        # q/k cannot see this model's attention: choose again (the budget still holds for eager) and store it
        modes.mark_bypassing(model)
        mode, _ = modes.choose(model, "eager", len(ids), _target_length(model, target))
        result = BACKENDS[model.backend](model, ids, target, positions, seed, mode)
        result.notes.append(exc.args[0])  # its Keyed note
    if positions != "normal":
        result.notes.append(Message("Positions shuffled: the positional encoding was permuted over positions (seed {seed}).", seed=seed) if positions == "shuffled"
                            else Message("Positions removed: the positional encoding was taken out."))
    return result


