"""Numbers typed into a grid: parse each cell, and say which cells are wrong and why."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from attnviz.i18n import speaks, t


@dataclass(frozen=True)
class CellProblem:
    row: int
    col: int
    text: str
    message: str




@speaks
def parse_cell(text) -> tuple[float | None, str | None]:
    """(value, None) for a finite number, else (None, what is wrong with it, in the active language)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None, t("the cell is empty")
    raw = str(text).strip()
    if raw == "":
        return None, t("the cell is empty")
    normal = raw.replace("−", "-")  # a typographic minus, as pasted from documents
    if normal.count(",") == 1 and "." not in normal:  # a decimal comma
        normal = normal.replace(",", ".")
    try:
        value = float(normal)
    except ValueError:
        return None, t("{raw} is not a number", raw=repr(raw))
    if math.isnan(value):
        return None, t("{raw} is not a number you can compute with: type a number", raw=repr(raw))
    if math.isinf(value):
        return None, t("{raw} is infinite: type a finite number", raw=repr(raw))
    return value, None




@speaks
def parse_grid(rows: list[list], shape: tuple[int, int] | None = None) -> tuple[np.ndarray | None, list[CellProblem]]:
    """A float array from a grid of typed cells, or None with every problem found (said in the active language)."""
    problems: list[CellProblem] = []
    if shape is not None and (len(rows), len(rows[0]) if rows else 0) != shape:
        got = (len(rows), len(rows[0]) if rows else 0)
        return None, [CellProblem(-1, -1, "", t("it has {got_rows}×{got_cols} cells and needs {rows}×{cols}", got_rows=got[0], got_cols=got[1],
                                                     rows=shape[0], cols=shape[1]))]
    out = np.zeros((len(rows), len(rows[0]) if rows else 0))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            value, problem = parse_cell(text)
            if problem:
                problems.append(CellProblem(i, j, "" if text is None else str(text), problem))
            else:
                out[i, j] = value
    return (None if problems else out), problems


def format_number(value: float) -> str:
    """How a number shows in an editor cell: short, exact for the seeds' one- and two-digit values."""
    return f"{value:.6g}"


STEP_DECIMALS = 4  # every computed number on the worked-example page shows this many decimals


def step_number(value: float) -> str:
    """How a computed number shows in every step: fixed decimals, so columns line up and compare."""
    text = f"{value:.{STEP_DECIMALS}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.0000"
