"""The measure a view draws: the attention weight today; the beyond-the-weights measures (issue 26) register here.

A measure maps (capture, kind) to an AttentionSource on the same `[layer, head, query_pos, key_pos]` grid as the
weights, or None when the capture cannot give it. The widget offers exactly the measures a capture can give.
"""
from __future__ import annotations

from collections.abc import Callable

from attnviz.core.sources import AttentionSource
from attnviz.core.types import AttentionCapture

MeasureSource = Callable[[AttentionCapture, str], AttentionSource | None]

MEASURES: dict[str, MeasureSource] = {
    "weight": lambda cap, kind: cap.source(kind),  # α, as captured
}

UNKNOWN_MEASURE = "measure {measure!r} is not available for this capture; choose one of {available}"


def available(cap: AttentionCapture, kind: str = "self") -> list[str]:
    """The measures this capture can give for `kind`, in the order they were registered."""
    return [name for name, get in MEASURES.items() if get(cap, kind) is not None]


def source_for(cap: AttentionCapture, kind: str, measure: str = "weight") -> AttentionSource:
    """The grid a view reads for `measure`."""
    get = MEASURES.get(measure)
    src = get(cap, kind) if get is not None else None
    if src is None:
        raise ValueError(UNKNOWN_MEASURE.format(measure=measure, available=available(cap, kind)))
    return src
