"""What a capture holds and what describes a model; the dimension names used everywhere.

An attention stack is `[layer, head, query_pos, key_pos]`; a positional encoding `[pos, d_model]`
(learned, sinusoidal), `[pos, d_head/2]` angles (rotary) or `[head, query_pos, key_pos]` (relative bias).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import Literal

import numpy as np
import torch

from attnviz.core.errors import CaptureTooLarge
from attnviz.core import settings as operator
from attnviz.core.sources import AttentionSource, DenseSource, QKSource
from attnviz.i18n import Message, joined

DIMS = ("layer", "head", "query_pos", "key_pos")
Architecture = Literal["encoder", "decoder", "encoder-decoder"]
# `self`: the encoder's (or a decoder-only model's) self-attention; `decoder_self` and `cross`
# exist only for encoder-decoders, whose decoder attends to itself and to the source.
Kind = Literal["self", "decoder_self", "cross"]
# what a person reads for the model's architecture, family and positional scheme (said in the page's language)
ARCHITECTURE_WORDS = {"encoder": Message("encoder"), "decoder": Message("decoder"),
                      "encoder-decoder": Message("encoder-decoder")}
FAMILY_WORDS = {"hugging face": Message("hugging face"), "from-scratch": Message("from-scratch"),
                "glassllm": Message("glassllm")}
POSITIONAL_WORDS = {
    "alibi": Message("ALiBi"), "none": Message("none"),
    "relative": Message.in_context("model facts", "relative (T5 buckets)"),
    "disentangled": Message.in_context("model facts", "relative (DeBERTa, disentangled)"),
    "learned": Message.in_context("model facts", "learned"),
    "sinusoidal": Message.in_context("model facts", "sinusoidal"),
}
# an attention kind in words, in the messages the package writes (figures say theirs with figures.words)
KIND_LABELS = {"self": Message("self-attention"), "decoder_self": Message("decoder self-attention"),
               "cross": Message("cross-attention")}


@dataclass(frozen=True)
class ModelInfo:
    """The facts a person wants about a model before reading its attention."""

    name: str
    family: str  # "from-scratch", "hugging face" or "glassllm"
    architecture: Architecture
    model_type: str
    n_layers: int
    n_heads: int
    n_kv_heads: int
    d_model: int
    d_head: int
    positional: str  # sinusoidal | learned | rotary | alibi | relative (T5 buckets) | disentangled (DeBERTa) | none
    n_params: int
    max_positions: int | None
    causal: bool
    decoder_layers: int | None = None  # encoder-decoders: layers on the decoder side
    # max_positions is the number of tokens the model takes (RoBERTa: its table's rows less padding_idx + 1)
    rotary_fraction: float | None = None  # rotary: share of each head's dimensions that is turned (Phi 0.5)
    rotary_pairing: str | None = None  # rotary: "half" (pairs i, i + r/2) or "interleaved" (2i, 2i + 1)
    positional_source: str = ""  # the module the positions come from

    @property
    def positional_text(self) -> str:
        """The positional scheme in words, with rotary's fraction and pairing where they matter."""
        if self.positional != "rotary":
            return POSITIONAL_WORDS.get(self.positional, self.positional)
        parts = []
        if self.rotary_fraction is not None and self.rotary_fraction < 1:
            parts.append(Message("{share} of each head", share=f"{self.rotary_fraction:.0%}"))
        if self.rotary_pairing == "interleaved":
            parts.append(Message("pairs 2i, 2i+1"))
        return Message("rotary ({parts})", parts=joined("{first}, {rest}", parts)) if parts \
            else Message.in_context("model facts", "rotary")

    def kv_group(self, head: int) -> int:
        """The key/value head that query head `head` reads (grouped-query attention)."""
        return kv_head(head, self.n_heads, self.n_kv_heads)

    def heads_sharing_kv(self, head: int) -> list[int]:
        """Query heads that read the same key/value head as `head`, itself included."""
        group = self.n_heads // self.n_kv_heads
        first = self.kv_group(head) * group
        return list(range(first, first + group))


def kv_head(head: int, n_heads: int, n_kv_heads: int) -> int:
    """The key/value head that query head `head` reads: consecutive query heads share one (grouped-query
    attention; one for all under multi-query attention)."""
    return head // (n_heads // n_kv_heads)


@dataclass
class PositionalCapture:
    """The positional encoding a forward pass really used, read through a hook."""

    kind: str
    source: str  # the module (or hook point) it was read at
    values: dict[str, np.ndarray] = field(default_factory=dict)


class LazyStacks(Mapping):
    """`cap.attention` of a q/k capture: each kind's whole stack, built from queries and keys when asked.

    Only for stacks that fit the per-capture budget; the package itself reads `cap.source(kind)` instead.
    """

    def __init__(self, sources: dict[str, AttentionSource]):
        self._sources = sources

    def __getitem__(self, kind: str) -> torch.Tensor:
        source = self._sources[kind]
        limit = operator.current().capture_max_mb * 2**20
        if source.dense_nbytes() > limit:
            raise CaptureTooLarge(Message("The whole {kind} stack {shape} would take {mb} MB, more than this server's per-capture budget ({limit} MB). Read one head with cap.head(kind, layer, head) or a reduction (attnviz.analysis.reduce) instead.", kind=kind, shape=str(list(source.shape)),
                                        mb=f"{source.dense_nbytes() / 2**20:.0f}", limit=f"{limit / 2**20:.0f}"))
        return source.dense()

    def __iter__(self):
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


@dataclass
class AttentionCapture:
    """Every attention pattern of one forward pass, kept on the model's device.

    `source(kind)` reads attention `[layer, head, query_pos, key_pos]` a head or a block of rows at a time,
    whichever way it was captured; each row sums to one over the keys the mask leaves open. `mode` is
    "eager" (every weight stored, `attention[kind]` is the stack) or "qk" (queries and keys stored, weights
    computed on demand; `attention[kind]` builds a stack only when it fits). `tokens` are the encoder's (or
    the only) tokens; `target_tokens` the decoder's tokens of an encoder-decoder. Shared between sessions
    by the app's cache: treat a capture as read-only.
    """

    tokens: list[str]
    attention: Mapping[str, torch.Tensor]
    positional: PositionalCapture | None
    model: str
    device: str
    dtype: str
    mode: str  # "eager" or "qk"
    target_tokens: list[str] | None = None
    token_ids: list[int] = field(default_factory=list)
    special: list[bool] = field(default_factory=list)
    truncated_from: int | None = None  # the token count before truncation, when it happened
    notes: list[str] = field(default_factory=list)
    # kind -> QKStack: the queries and keys the weights were computed from
    qk: dict = field(default_factory=dict)
    text: str = ""  # the text the tokens came from (empty when ids were given)
    # each token's characters text[start:end] (None: a special token, or unknown); empty when not known
    spans: list = field(default_factory=list)
    method: str = ""  # how the weights were obtained, in words
    sources: dict[str, AttentionSource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sources:
            if self.mode == "qk":
                self.sources = {kind: QKSource(stack) for kind, stack in self.qk.items()}
            else:
                self.sources = {kind: DenseSource(stack) for kind, stack in self.attention.items()}
        if self.mode == "qk" and not self.attention:
            self.attention = LazyStacks(self.sources)

    @property
    def kinds(self) -> list[str]:
        return list(self.sources)

    def source(self, kind: str) -> AttentionSource:
        """The attention of one kind, read in blocks (the one accessor every view and reduction uses)."""
        return self.sources[kind]

    def axes(self, kind: str) -> tuple[list[str], list[str]]:
        """(query tokens, key tokens) of an attention kind."""
        if kind == "self":
            return self.tokens, self.tokens
        target = self.target_tokens or []
        return (target, target) if kind == "decoder_self" else (target, self.tokens)

    def shape(self, kind: str) -> tuple[int, int, int, int]:
        return tuple(self.sources[kind].shape)  # type: ignore[return-value]

    def head(self, kind: str, layer: int, head: int) -> np.ndarray:
        """One head's pattern `[query_pos, key_pos]` as float32 on the host (the only copy made)."""
        return self.sources[kind].head(layer, head).cpu().numpy()

    def layer(self, kind: str, layer: int) -> np.ndarray:
        """Every head of one layer `[head, query_pos, key_pos]` as float32 on the host."""
        return self.sources[kind].layer(layer).cpu().numpy()

    def nbytes(self) -> int:
        """Memory the capture holds on its device (tensors shared between kinds or layers counted once)."""
        seen: dict[int, int] = {}
        tensors = [s.stack for s in self.sources.values() if isinstance(s, DenseSource)]
        for stack in self.qk.values():
            tensors += [stack.q, stack.k, *stack.bias, *stack.position_bias]
        for t in tensors:
            if t is not None:
                storage = t.untyped_storage()
                seen[storage.data_ptr()] = storage.nbytes()
        return sum(seen.values())
