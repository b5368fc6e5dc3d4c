"""A capture whose attention is a measure: every view draws a measure's grid (norm, ALTI, value zeroing, ...) the way
it draws the weights, on the capture's tokens, with the measure's name in its title and its unit on the colour bar.

    result = measure(model, make_prompt(model, text), "norm")
    views.heatmap(measured(cap, result), layer=2, head=5)   # "norm · self-attention · layer 2 · head 5"
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from attnviz.analysis.measures import METHODS, MeasureResult
from attnviz.analysis.measures.about import NAMES, UNITS
from attnviz.analysis.measures.rollout import normalise_rows
from attnviz.core.sources import AttentionSource, DenseSource
from attnviz.core.types import AttentionCapture
from attnviz.i18n import N_, t

OTHER_TOKENS = N_("The {measure} measure was computed on other tokens than the capture's: compute it on the same "
                  "text (and, for an encoder-decoder, the same decoder text).")


@dataclass
class MeasuredCapture(AttentionCapture):
    """The capture `base` with the attention of `measure.kind` replaced by the measure's values (its only kind).

    A per-head measure keeps the [layer, head, query_pos, key_pos] grid; a layer-level one is read as one head a
    layer. Everything else (tokens, special tokens, queries and keys, the device) is the capture's. Keep it as
    long as its measure: the sources remember what the views computed from them (overviews, statistics)."""

    measure: MeasureResult | None = None
    base: AttentionCapture | None = None

    @property
    def per_head(self) -> bool:
        return self.measure.per_head

    @property
    def signed(self) -> bool:
        return METHODS[self.measure.method].signed

    def magnitude(self) -> AttentionSource:
        """|values| (the source itself for a measure that is never negative): what sizes lines and thumbnails."""
        if not self.signed:
            return self.source(self.measure.kind)
        return self._kept("magnitude", lambda: DenseSource(self.source(self.measure.kind).dense().abs()))

    def shares(self) -> AttentionSource:
        """|values| with each row divided by its sum: the measure's shares, which head statistics read as they
        read weights (for norm: the share of what a head moves that comes from each key)."""
        return self._kept("shares", lambda: DenseSource(normalise_rows(self.magnitude().dense().float())))

    def _kept(self, name: str, make) -> AttentionSource:
        memo = self.source(self.measure.kind).memo
        if name not in memo:
            memo[name] = make()
        return memo[name]


def measured(cap: AttentionCapture, result: MeasureResult) -> MeasuredCapture:
    """`cap` drawn with `result` instead of α (the measure must have been computed on the capture's text, and on
    its decoder text for an encoder-decoder). ValueError when the tokens differ."""
    query, keys = cap.axes(result.kind) if result.kind in cap.kinds else ([], [])
    if (list(query), list(keys)) != (list(result.tokens), list(result.key_tokens)):
        raise ValueError(t(OTHER_TOKENS, measure=measure_label(result.method)))
    base = cap.base if isinstance(cap, MeasuredCapture) else cap
    copied = {f.name: getattr(base, f.name) for f in fields(AttentionCapture)}
    source = result.source()
    # what the views read, both ways (exports read the base capture's weights and the measure apart)
    copied["sources"], copied["attention"] = {result.kind: source}, {result.kind: source.dense()}
    return MeasuredCapture(**copied, measure=result, base=base)


def measure_of(cap: AttentionCapture) -> MeasureResult | None:
    """The measure a capture draws (None: the attention weights)."""
    return cap.measure if isinstance(cap, MeasuredCapture) else None


def measure_label(method: str) -> str:
    """A measure's name as a person reads it ("norm", "value zeroing", ...)."""
    return t(NAMES[method]) if method in NAMES else method


def measure_unit(method: str) -> str:
    """What one value of a measure is (a colour bar's title)."""
    return t(UNITS[method]) if method in UNITS else method
