"""A census of a model's heads: every type's score for every layer × head, and the type each head is given.

A head is given the type whose score is furthest past its threshold, measured as a share of the way from
the threshold to a perfect 1: (score − threshold) / (1 − threshold). A head past no threshold has no type
(None). Ties follow definitions.ORDER (specific types before general ones).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from attnviz.analysis.headtypes.definitions import HEAD_TYPES, ORDER, THRESHOLDS
from attnviz.analysis.headtypes.measure import OFFSET_AT, text_scores
from attnviz.analysis.headtypes.probe import (
    PROBE_LENGTH,
    PROBES,
    induction_scores,
    repeat_scores,
)
from attnviz.core.types import AttentionCapture
from attnviz.i18n import Message, N_
from attnviz.models.loading import LoadedModel

# notes for a person (Message: English on the command line, the page's language where a page says them)
INDUCTION_ON_TEXT = N_("The induction score is measured on this text's own repeated run rather than on repeated "
                       "random tokens.")
INDUCTION_NOT_MEASURED = N_("The induction score is not measured: this text repeats no run of two or more tokens.")
UNKNOWN_TYPE = N_("There is no head type called {name!r}; the types are: {known}.")
BAD_THRESHOLD = N_("The threshold of {name} must be at least 0 and below 1, not {value}.")


def thresholds_with(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """The default thresholds with some changed; an unknown type or a threshold outside [0, 1) is an error."""
    out = dict(THRESHOLDS)
    for name, value in (overrides or {}).items():
        if name not in HEAD_TYPES:
            raise ValueError(Message(UNKNOWN_TYPE, name=name, known=", ".join(HEAD_TYPES)))
        if not 0 <= float(value) < 1:
            raise ValueError(Message(BAD_THRESHOLD, name=name, value=value))
        out[name] = float(value)
    return out


def margins(scores: Mapping[str, np.ndarray], thresholds: Mapping[str, float]) -> dict[str, np.ndarray]:
    """Per type, (score − threshold) / (1 − threshold): ≥ 0 past the threshold, 1 for a perfect score."""
    return {name: (np.asarray(value, dtype=np.float64) - thresholds[name]) / (1.0 - thresholds[name])
            for name, value in scores.items()}


def assign(scores: Mapping[str, np.ndarray], thresholds: Mapping[str, float]) -> list[list[str | None]]:
    """[layer][head]: the type furthest past its threshold (see the module's docstring), or None."""
    names = [n for n in ORDER if n in scores]
    shape = np.asarray(scores[names[0]]).shape
    m = margins({n: scores[n] for n in names}, thresholds)
    stacked = np.stack([np.where(np.isnan(m[n]), -np.inf, m[n]) for n in names])  # [type, layer, head]
    best = stacked.argmax(0)  # the first of equal margins: ORDER's precedence
    ok = np.take_along_axis(stacked, best[None], 0)[0] >= 0
    return [[names[best[l, h]] if ok[l, h] else None for h in range(shape[1])] for l in range(shape[0])]


@dataclass
class Census:
    """Type scores per head and the type each head is given. On one text, `scores` are that text's (the
    induction score the mean over its probes); over a survey they are medians over texts, `spread` the
    interquartile range and `counts` how many texts (or probes) each score had."""

    scores: dict[str, np.ndarray]  # type -> [layer, head]; NaN: not measured (no repeats, no delimiter, ...)
    offsets: np.ndarray  # [layer, head]: the offset type's offset (key − query)
    thresholds: dict[str, float]
    assigned: list[list[str | None]]  # [layer][head]
    spread: dict[str, np.ndarray] = field(default_factory=dict)  # type -> [layer, head]
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # type -> [layer, head]
    texts: int = 1
    model: str = ""
    notes: list[str] = field(default_factory=list)  # notes for a person: Messages (say() them on a page)

    @property
    def shape(self) -> tuple[int, int]:
        return self.offsets.shape  # type: ignore[return-value]

    def heads_of(self, name: str) -> list[tuple[int, int]]:
        """(layer, head) of every head given type `name`, layer-major."""
        return [(l, h) for l, row in enumerate(self.assigned) for h, t in enumerate(row) if t == name]

    def types(self) -> list[str]:
        """The types that appear, in ORDER."""
        seen = {t for row in self.assigned for t in row if t}
        return [n for n in ORDER if n in seen]

    def with_thresholds(self, overrides: Mapping[str, float]) -> Census:
        """The same scores with some thresholds changed and every head's type assigned again: nothing is
        measured again (a page's threshold sliders). ValueError as thresholds_with."""
        limits = thresholds_with({**self.thresholds, **overrides})
        return replace(self, thresholds=limits, assigned=assign(self.scores, limits))

    def to_json(self) -> dict:
        """scores[type][layer][head] (null: not measured), assigned[layer][head], the thresholds, the offsets."""
        def grid(a: np.ndarray) -> list[list[float | None]]:
            return [[None if np.isnan(v) else round(float(v), 6) for v in row] for row in np.asarray(a, float)]

        out = {"model": self.model, "layers": self.shape[0], "heads": self.shape[1], "texts": self.texts,
               "thresholds": self.thresholds, "assigned": self.assigned,
               "scores": {n: grid(v) for n, v in self.scores.items()},
               "offset_at": [[int(v) for v in row] for row in self.offsets],
               "definitions": {n: {"label": t.label, "definition": t.definition, "source": t.source}
                               for n, t in HEAD_TYPES.items() if n in self.scores},
               "notes": list(self.notes)}
        if self.spread:
            out["spread"] = {n: grid(v) for n, v in self.spread.items()}
            out["counts"] = {n: [[int(c) for c in row] for row in v] for n, v in self.counts.items()}
        return out


def build(scores: dict[str, np.ndarray], offsets: np.ndarray, thresholds: Mapping[str, float] | None = None,
          retrieval: np.ndarray | None = None, **extra) -> Census:
    """A census from scores already measured; `retrieval` [layer, head] joins them when given."""
    scores = dict(scores)
    if retrieval is not None:
        retrieval = np.asarray(retrieval, dtype=np.float32)
        if retrieval.shape != offsets.shape:
            raise ValueError(f"retrieval scores of shape {retrieval.shape} for a model of shape {offsets.shape}")
        scores["retrieval"] = retrieval
    limits = thresholds_with(thresholds)
    return Census(scores, offsets, limits, assign(scores, limits), **extra)


def census_of_capture(cap: AttentionCapture, induction: np.ndarray | None = None,
                      retrieval: np.ndarray | None = None, thresholds: Mapping[str, float] | None = None,
                      kind: str = "self", causal: bool | None = None) -> Census:
    """The census of one capture. `induction`: `[layer, head]` or `[probe, layer, head]` prefix-matching scores
    (probe.induction_scores; without it the type is not measured); `retrieval`: `[layer, head]` scores from
    the long-context analysis (optional: the type is left out without it)."""
    values = text_scores(cap, kind, causal=causal)
    offsets = np.nan_to_num(values.pop(OFFSET_AT)).astype(np.int64)  # cross-attention has no offsets: 0
    scores: dict[str, np.ndarray] = {}
    spread: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    if induction is not None:
        runs = np.asarray(induction, dtype=np.float32).reshape(-1, *offsets.shape)  # [probe, layer, head]
        scores["induction"] = runs.mean(0)
        if len(runs) > 1:
            spread["induction"] = np.percentile(runs, 75, axis=0) - np.percentile(runs, 25, axis=0)
            counts["induction"] = np.full(offsets.shape, len(runs))
    scores.update(values)
    return build(scores, offsets, thresholds, retrieval, spread=spread, counts=counts, model=cap.model)


def census(model: LoadedModel, text: str, thresholds: Mapping[str, float] | None = None,
           retrieval: np.ndarray | None = None, induction: str = "probes", probes: int = PROBES,
           probe_length: int = PROBE_LENGTH, seed: int = 0, probe_tokens: Sequence[int] | None = None,
           cap: AttentionCapture | None = None) -> Census:
    """The census of `model` on `text` (or on a capture of it already made): the text scores from the text,
    induction from `probes` repeated random sequences of the model's own tokens (induction="probes", Olsson
    et al.'s measure), or from the text's own repeated run (induction="text": a toy task's sample, which a toy
    model reads better than random tokens; a note says which, or that the text repeats nothing)."""
    from attnviz.capture.api import capture

    if induction not in ("probes", "text"):
        raise ValueError(f"induction must be probes or text, not {induction!r}")
    cap = cap if cap is not None else capture(model, text)
    notes = []
    if induction == "text":
        runs = repeat_scores(cap)
        notes.append(Message(INDUCTION_ON_TEXT) if runs is not None else Message(INDUCTION_NOT_MEASURED))
    else:
        runs = induction_scores(model, probes, probe_length, seed, probe_tokens)
    result = census_of_capture(cap, runs, retrieval, thresholds, causal=model.info.causal)
    result.notes.extend(notes)
    return result
