"""What a measure returns: a grid on the same tokens as the attention weights, and what it needed."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from attnviz.analysis.targets import Target
from attnviz.core.sources import AttentionSource, DenseSource


@dataclass
class MeasureResult:
    """`values` is [layer, head, query_pos, key_pos] for a per-head method, [layer, query_pos, key_pos] for a
    layer-level one (float32, on the model's device). `target` is what a gradient was taken of (None when the
    method needs none) and `target_value` its value on the clean run."""

    method: str
    kind: str
    tokens: list[str]  # the query side
    key_tokens: list[str]  # the key side (the encoder's tokens for cross-attention)
    values: torch.Tensor
    per_head: bool
    model: str = ""
    target: Target | None = None
    target_value: float | None = None
    layers: list[int] | None = None  # the layers computed (None: all); the others are NaN
    _source: AttentionSource | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def n_layers(self) -> int:
        return int(self.values.shape[0])

    def source(self) -> AttentionSource:
        """The values read as an attention stack, so that every view draws them (a layer-level method as one
        head per layer); the same source each time."""
        if self._source is None:  # one source a result: what views compute from it (overviews, statistics) is kept
            stack = self.values if self.per_head else self.values[:, None]  # [layer, head|1, query_pos, key_pos]
            self._source = DenseSource(stack)
        return self._source

    def to_json(self) -> dict:
        """{"tokens", "method", "kind", "values"} (and "key_tokens" for cross-attention, "target" where used):
        values nested [layer][head][query_pos][key_pos] or [layer][query_pos][key_pos]."""
        out = {"tokens": list(self.tokens), "method": self.method, "kind": self.kind,
               "values": self.values.float().cpu().tolist()}
        if self.key_tokens != self.tokens:
            out["key_tokens"] = list(self.key_tokens)
        if self.target is not None:
            out["target"] = self.target.to_json()
            out["target_value"] = self.target_value
        return out
