"""Attention a researcher already has — Hugging Face `outputs.attentions`, a TransformerLens cache — as a capture.

Neither library is imported: a Hugging Face output is a sequence of `[batch, head, query_pos, key_pos]`
tensors (one a layer) or an object holding such sequences; a TransformerLens `ActivationCache` is read by
duck typing, through its keys `blocks.{i}.attn.hook_pattern`. The tensors are not copied: a source reads
one layer's tensor a head or a block of rows at a time.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import torch

from attnviz.core.sources import AttentionSource
from attnviz.core.types import AttentionCapture, LazyStacks

PATTERN_KEY = re.compile(r"^blocks\.(\d+)\.attn\.hook_pattern$")  # TransformerLens' hook name for the weights

# What a person is told when the tensors and the tokens do not fit together (plain English; listed for the catalogues)
NOT_ATTENTION = ("attention must be a non-empty sequence of [batch, head, query_pos, key_pos] tensors, one per "
                 "layer (outputs.attentions of a model run with output_attentions=True)")
EMPTY_ATTENTIONS = ("the model returned no attention weights (None): run it with output_attentions=True and "
                    "attn_implementation=\"eager\"; fused attention (SDPA, flash) never computes them")
BAD_SHAPE = "layer {layer}: expected [batch, head, query_pos, key_pos] (or [head, query_pos, key_pos]), got shape {shape}"
LAYERS_DIFFER = "layer {layer} has shape {shape}, but layer 0 has {first}: every layer must have the same heads and positions"
BATCH_OUT_OF_RANGE = "batch {batch} is out of range: the tensors hold {size} sequence(s)"
NEEDS_TOKENS = "pass the tokens as well: show(attentions, tokens) with one string per position ({n} here)"
TOKENS_MISMATCH = "{what} has {given} entries, but the attention has {expected} positions on that axis"
NO_PATTERNS = "this cache has no attention patterns: no key named blocks.{i}.attn.hook_pattern"
MISSING_LAYERS = "this cache has patterns for layers {present}, not for every layer from 0: run the model with every layer's hook_pattern cached"


class LayerListSource(AttentionSource):
    """Attention held as one `[batch, head, query_pos, key_pos]` tensor a layer (a model's output), one batch row read."""

    def __init__(self, layers: list[torch.Tensor], batch: int = 0):
        self.layers = layers
        self.batch = batch
        first = layers[0]
        self.shape = (len(layers), *first.shape[-3:])  # type: ignore[assignment]
        self.device = first.device
        self.memo = {}

    def _layer(self, layer: int) -> torch.Tensor:
        t = self.layers[layer]
        return t[self.batch] if t.dim() == 4 else t  # [head, query_pos, key_pos]

    def rows(self, layer: int, start: int = 0, stop: int | None = None) -> torch.Tensor:
        return self._layer(layer)[:, start:stop].float()

    def head(self, layer: int, head: int) -> torch.Tensor:
        return self._layer(layer)[head].float()

    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in self.layers)


def _check_layers(layers: Sequence, batch: int) -> list[torch.Tensor]:
    """The layers as tensors of one shape, detached; errors that say what to fix."""
    if layers is None:
        raise ValueError(EMPTY_ATTENTIONS)
    if isinstance(layers, torch.Tensor) or not isinstance(layers, Sequence) or not layers:
        raise TypeError(NOT_ATTENTION)
    if any(t is None for t in layers):
        raise ValueError(EMPTY_ATTENTIONS)
    out = []
    for i, t in enumerate(layers):
        if not isinstance(t, torch.Tensor):
            t = torch.as_tensor(t)  # numpy arrays (TransformerLens can hand them out) read the same way
        if t.dim() not in (3, 4):
            raise ValueError(BAD_SHAPE.format(layer=i, shape=list(t.shape)))
        out.append(t.detach())
    first = out[0].shape
    for i, t in enumerate(out):
        if t.shape != first:
            raise ValueError(LAYERS_DIFFER.format(layer=i, shape=list(t.shape), first=list(first)))
    if len(first) == 4 and not -first[0] <= batch < first[0]:
        raise IndexError(BATCH_OUT_OF_RANGE.format(batch=batch, size=first[0]))
    return out


def _tokens(tokens: Sequence[str] | None, n: int, what: str = "tokens") -> list[str]:
    if tokens is None:
        raise ValueError(NEEDS_TOKENS.format(n=n))
    tokens = [str(t) for t in tokens]
    if len(tokens) != n:
        raise ValueError(TOKENS_MISMATCH.format(what=what, given=len(tokens), expected=n))
    return tokens


def _capture(sources: dict[str, LayerListSource], tokens: list[str], target: list[str] | None, model: str,
             method: str) -> AttentionCapture:
    first = next(iter(sources.values()))
    dtype = str(first.layers[0].dtype).replace("torch.", "")
    return AttentionCapture(tokens=tokens, attention=LazyStacks(sources), positional=None, model=model,
                            device=str(first.device), dtype=dtype, mode="eager", target_tokens=target,
                            method=method, sources=dict(sources))


def from_attentions(attentions, tokens: Sequence[str] | None, target_tokens: Sequence[str] | None = None,
                    batch: int = 0, model: str = "hugging face outputs") -> AttentionCapture:
    """A capture of Hugging Face attentions: `outputs.attentions` (a tuple, one `[batch, head, query_pos,
    key_pos]` tensor a layer), or an encoder-decoder's output object (`encoder_attentions`,
    `decoder_attentions`, `cross_attentions`; `tokens` are the source's, `target_tokens` the decoder's)."""
    if hasattr(attentions, "encoder_attentions") and getattr(attentions, "encoder_attentions", None) is not None:
        out = attentions
        enc = LayerListSource(_check_layers(out.encoder_attentions, batch), batch)
        sources = {"self": enc}
        src_tokens = _tokens(tokens, enc.shape[-1])
        target = None
        for kind, name in (("decoder_self", "decoder_attentions"), ("cross", "cross_attentions")):
            layers = getattr(out, name, None)
            if layers is not None:
                sources[kind] = LayerListSource(_check_layers(layers, batch), batch)
        if len(sources) > 1:
            n_target = next(s for k, s in sources.items() if k != "self").shape[-2]
            target = _tokens(target_tokens, n_target, "target_tokens")
            if "cross" in sources and sources["cross"].shape[-1] != len(src_tokens):
                raise ValueError(TOKENS_MISMATCH.format(what="tokens", given=len(src_tokens),
                                                        expected=sources["cross"].shape[-1]))
        return _capture(sources, src_tokens, target, model, "the model's own attention weights (output_attentions)")
    if hasattr(attentions, "attentions") and not isinstance(attentions, (list, tuple)):
        attentions = attentions.attentions  # the output object itself
    src = LayerListSource(_check_layers(attentions, batch), batch)
    n_q, n_k = src.shape[-2:]
    if n_q != n_k:
        raise ValueError(BAD_SHAPE.format(layer=0, shape=list(src.layers[0].shape)))
    return _capture({"self": src}, _tokens(tokens, n_k), None, model,
                    "the model's own attention weights (output_attentions)")


def is_pattern_cache(obj) -> bool:
    """Whether obj looks like a TransformerLens ActivationCache (or a dict) holding attention patterns."""
    keys = getattr(obj, "keys", None)
    if not callable(keys) or isinstance(obj, torch.Tensor):
        return False
    try:
        return any(PATTERN_KEY.match(str(k)) for k in keys())
    except TypeError:
        return False


def from_transformer_lens(cache, tokens: Sequence[str] | None, batch: int = 0,
                          model: str = "TransformerLens cache") -> AttentionCapture:
    """A capture of a TransformerLens `ActivationCache` (or any mapping) with `blocks.{i}.attn.hook_pattern`
    keys, each `[batch, head, query_pos, key_pos]` (`[head, ...]` when the cache dropped the batch)."""
    found = {int(m.group(1)): k for k in cache.keys() if (m := PATTERN_KEY.match(str(k)))}
    if not found:
        raise ValueError(NO_PATTERNS)
    if sorted(found) != list(range(len(found))):
        raise ValueError(MISSING_LAYERS.format(present=sorted(found)))
    layers = [cache[found[i]] for i in range(len(found))]
    src = LayerListSource(_check_layers(layers, batch), batch)
    return _capture({"self": src}, _tokens(tokens, src.shape[-1]), None, model,
                    "TransformerLens hook_pattern (the model's own attention weights)")
