"""A robust census over a survey folder: per head, each type score's median over the texts, its interquartile
range and count; induction over the probes stored with each part."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from attnviz.analysis.headtypes.census import Census, build
from attnviz.analysis.headtypes.definitions import TEXT_TYPES
from attnviz.analysis.headtypes.measure import OFFSET_AT
from attnviz.i18n import Message, N_
from attnviz.survey.query import Survey
from attnviz.survey.rows import TYPE_COLUMNS

# the per-text column behind each type, for "the texts where this head does it most" (a head card): the
# induction probes are not texts, so induction reads the survey's own score on the texts' repeated tokens
TEXT_COLUMN = {**{name: TYPE_COLUMNS[name] for name in TEXT_TYPES}, "induction": "induction"}

INDUCTION_FROM_TEXTS = N_("This survey was written before induction probes were stored with it, so its induction "
                          "score is measured on the texts' own repeated tokens instead of repeated random tokens.")
MISSING_TYPES = N_("This survey was written before head-type scores were stored with it, so these types are not "
                   "measured: {types}. Run the survey again into a new folder to have them.")


def _grid(frame, column: str, shape: tuple[int, int], fill: float = np.nan) -> np.ndarray:
    out = np.full(shape, fill, dtype=np.float64)
    values = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
    out[frame["layer"].to_numpy(int), frame["head"].to_numpy(int)] = values
    return out


def _summary(survey: Survey, table: str, column: str, shape: tuple[int, int]):
    """(median, interquartile range, count) per [layer, head] of one column, over the rows where it is not null."""
    frame = survey.sql(f"""
        SELECT layer, head, median({column}) AS median,
               quantile_cont({column}, 0.75) - quantile_cont({column}, 0.25) AS iqr, count({column}) AS n
        FROM {table} GROUP BY layer, head""")
    return _grid(frame, "median", shape), _grid(frame, "iqr", shape), _grid(frame, "n", shape, 0).astype(np.int64)


def survey_census(survey: Survey | str | Path, thresholds: Mapping[str, float] | None = None,
                  retrieval: np.ndarray | None = None) -> Census:
    """The census of a survey folder (or an open Survey): medians over its texts (over its probes for
    induction). Folders written before head types give the types they can, with a note saying which not."""
    s = survey if isinstance(survey, Survey) else Survey(survey)
    shape = (int(s.manifest["n_layers"]), int(s.manifest["n_heads"]))
    have = set(s.columns())
    scores, spread, counts, notes = {}, {}, {}, []
    if s.has_probes:
        scores["induction"], spread["induction"], counts["induction"] = _summary(s, "probes", "induction", shape)
    else:
        scores["induction"], spread["induction"], counts["induction"] = _summary(s, "stats", "induction", shape)
        notes.append(Message(INDUCTION_FROM_TEXTS))
    missing = []
    for name in TEXT_TYPES:
        column = TYPE_COLUMNS[name]
        if column in have:
            scores[name], spread[name], counts[name] = _summary(s, "stats", column, shape)
        else:
            scores[name], spread[name], counts[name] = np.full(shape, np.nan), np.full(shape, np.nan), \
                np.zeros(shape, np.int64)
            missing.append(name)
    if missing:
        notes.append(Message(MISSING_TYPES, types=", ".join(missing)))
    offsets = np.zeros(shape, dtype=np.int64)
    if TYPE_COLUMNS[OFFSET_AT] in have:  # the offset most texts have at their best, per head
        # ties as the offset score breaks them (nearest 0, then the negative one): DuckDB's mode() picks any of
        # equally common values, and two queries could disagree
        column = TYPE_COLUMNS[OFFSET_AT]
        frame = s.sql(f"""
            SELECT layer, head, best AS at FROM (
              SELECT layer, head, {column} AS best, count(*) AS n FROM stats WHERE {column} IS NOT NULL
              GROUP BY layer, head, {column})
            QUALIFY row_number() OVER (PARTITION BY layer, head ORDER BY n DESC, abs(best), best) = 1""")
        offsets = np.nan_to_num(_grid(frame, "at", shape, 0)).astype(np.int64)
    texts = int(s.sql("SELECT count(*) AS n FROM texts")["n"].iloc[0])
    return build(scores, offsets, thresholds, retrieval, spread=spread, counts=counts, texts=texts,
                 model=str(s.manifest.get("model", "")), notes=notes)


def texts_for_type(survey: Survey, layer: int, head: int, type_name: str, n: int = 5):
    """(most, least): the n texts where this head's score for a type is highest and lowest (Survey.texts_for_head
    on the type's per-text column). KeyError for a type with no per-text column (retrieval)."""
    return survey.texts_for_head(layer, head, TEXT_COLUMN[type_name], n)
