"""Measures and causal tools for the pages: the prompt that gives a capture's own tokens, and every result computed
once per model, tokens, method and target, shared by every session and bounded by memory (like the captures).

The package's functions hold the model's lock while they run; the costly ones (value zeroing: a run of a layer per
token; head ablation and patching: a run per head) are refused past the operator's ATTNVIZ_MAX_MEASURE_TOKENS, so
that one visitor cannot keep the model, and the others, waiting for minutes.
"""
from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Hashable

import streamlit as st
import torch

from attnviz.analysis.causal import ablate_heads, direct_logit_attribution, patch_heads
from attnviz.analysis.measures import agreement, measure
from attnviz.analysis.prompts import make_prompt
from attnviz.analysis.targets import NextToken, Similarity, Target, predicted_token
from attnviz.app.pipeline.cache import SharedCache
from attnviz.core import settings
from attnviz.core.types import AttentionCapture
from attnviz.i18n import Message, N_
from attnviz.models.forward import Prompt
from attnviz.models.loading import LoadedModel

# the measures and tools whose cost grows with the tokens times the tokens (or the heads): bounded by the operator
COSTLY = ("value-zeroing", "value-zeroing-rollout", "ablation", "patching")
TOO_LONG = N_("This server runs {what} on texts of up to {limit} tokens, and this one has {n}: shorten the text "
              "(the other measures still run).")
NEEDS_DECODER_TEXT = N_("This encoder-decoder wrote its own decoder tokens, which a measure cannot run again: type "
                        "the decoder's text in the sidebar to measure its decoder self-attention and cross-attention.")


@st.cache_resource(show_spinner=False)
def shared_results() -> SharedCache:
    """The process's one cache of measures and causal results (a quarter of the captures' memory budget)."""
    return SharedCache(lambda: settings.current().capture_cache_mb * 2**20 // 4, _size)


def _size(value) -> int:
    values = getattr(value, "values", None)
    return values.numel() * values.element_size() if isinstance(values, torch.Tensor) else 2**16


_watched: set[int] = set()


def _model_key(model: LoadedModel) -> int:
    """The model's identity in a cache key; its results are dropped when the model itself is (another model may
    later live at the same address)."""
    key = id(model)
    if key not in _watched:
        _watched.add(key)
        cache = shared_results()
        weakref.finalize(model, lambda: (cache.drop(lambda k: k[1] == key), _watched.discard(key)))
    return key


def target_key(target: Target | None) -> str | None:
    return None if target is None else json.dumps(target.to_json(), sort_keys=True)


def _prompt_key(prompt: Prompt) -> tuple:
    return prompt.ids, prompt.decoder_ids


def too_long(what: str, words: str, n_tokens: int) -> Message | None:
    """Why a costly tool (COSTLY) is refused on a text of n_tokens here (None: it may run). words: its name."""
    limit = settings.current().max_measure_tokens
    if what in COSTLY and limit and n_tokens > limit:
        return Message(TOO_LONG, what=words, limit=limit, n=n_tokens)
    return None


def prompt_of(model: LoadedModel, cap: AttentionCapture, decoder_text: str = "") -> Prompt:
    """The prompt whose tokens are the capture's (cut where the capture was cut): its ids, and for an
    encoder-decoder the decoder's ids of `decoder_text` as the capture read them (its closing token kept where the
    capture kept it). Without a decoder text the decoder is its start token alone (see decoder_matches)."""
    decoder = None
    if model.info.architecture == "encoder-decoder":
        decoder = make_prompt(model, cap.text or " ", decoder_text or None).decoder_ids
        if decoder_text and cap.target_tokens and model.codec.display(list(decoder)) != list(cap.target_tokens):
            encode = getattr(model.codec, "encode_target", None)
            whole = (decoder[0], *encode(decoder_text)) if encode else decoder
            limit = model.info.max_positions
            decoder = tuple(whole[:limit] if limit else whole)
    return Prompt(tuple(cap.token_ids), decoder, cap.text, tuple(cap.spans))


def decoder_matches(model: LoadedModel, cap: AttentionCapture, prompt: Prompt, kind: str) -> Message | None:
    """None where a measure of `kind` on `prompt` lands on the capture's tokens; otherwise why not."""
    if kind == "self" or prompt.decoder_ids is None:
        return None
    if model.codec.display(list(prompt.decoder_ids)) == list(cap.target_tokens or []):
        return None
    return Message(NEEDS_DECODER_TEXT)


def _cached(key: tuple, make: Callable[[], object]):
    return shared_results().get(key, make)


def has(key: Hashable) -> bool:
    """Whether a result is ready (another visitor's counts): a page then shows it without its button."""
    return shared_results().peek(key) is not None


def measure_key(model: LoadedModel, prompt: Prompt, method: str, kind: str, target: Target | None = None,
                layers: list[int] | None = None) -> tuple:
    return ("measure", _model_key(model), _prompt_key(prompt), method, kind, target_key(target),
            tuple(layers) if layers is not None else None)


def measured_values(model: LoadedModel, prompt: Prompt, method: str, kind: str = "self",
                    target: Target | None = None, layers: list[int] | None = None):
    """measure(...) once per model, tokens, method, kind, target and layers; value zeroing of some layers is read
    from every layer's where those are already there."""
    whole = shared_results().peek(measure_key(model, prompt, method, kind, target)) if layers is not None else None
    if whole is not None:
        return whole
    return _cached(measure_key(model, prompt, method, kind, target, layers),
                   lambda: measure(model, prompt, method, kind, target=target, layers=layers))


def agreement_with_weights(model: LoadedModel, prompt: Prompt, result, weight):
    """analysis.measures.agreement of a measure's result with the weights' (both from measured_values), once."""
    key = ("agreement", *measure_key(model, prompt, result.method, result.kind, result.target, result.layers)[1:])
    return _cached(key, lambda: agreement(result.values, weight.values))


def ablation_key(model: LoadedModel, prompt: Prompt, target: Target, kind: str, how: str) -> tuple:
    return ("ablation", _model_key(model), _prompt_key(prompt), kind, target_key(target), how)


def ablation(model: LoadedModel, prompt: Prompt, target: Target, kind: str, how: str):
    return _cached(ablation_key(model, prompt, target, kind, how),
                   lambda: ablate_heads(model, prompt, target, kind, how))


def dla_key(model: LoadedModel, prompt: Prompt, target: NextToken) -> tuple:
    return ("dla", _model_key(model), _prompt_key(prompt), target_key(target))


def dla(model: LoadedModel, prompt: Prompt, target: NextToken):
    return _cached(dla_key(model, prompt, target), lambda: direct_logit_attribution(model, prompt, target))


def patching_key(model: LoadedModel, prompt_a: Prompt, prompt_b: Prompt, target: Target, kind: str) -> tuple:
    return ("patching", _model_key(model), _prompt_key(prompt_a), _prompt_key(prompt_b), kind, target_key(target))


def patching(model: LoadedModel, prompt_a: Prompt, prompt_b: Prompt, target: Target, kind: str):
    return _cached(patching_key(model, prompt_a, prompt_b, target, kind),
                   lambda: patch_heads(model, prompt_a, prompt_b, target, kind))


def predicted(model: LoadedModel, prompt: Prompt) -> int:
    """The id of the token the model finds most likely after the prompt (at the decoder's last position)."""
    return _cached(("predicted", _model_key(model), _prompt_key(prompt)), lambda: predicted_token(model, prompt))


def similarity_to(model: LoadedModel, sentence: str) -> Similarity:
    """A sentence encoder's target: the similarity of its pooled embedding to `sentence` (BadText when empty)."""
    return Similarity(make_prompt(model, sentence))
