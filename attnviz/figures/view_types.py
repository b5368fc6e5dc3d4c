"""What every view takes (ViewOptions) and returns (ViewResult), and the positions a view keeps."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from attnviz.core.types import AttentionCapture

MATRIX_CORNER = "query \\ key"  # the CSV's top-left cell: rows are queries, columns keys


@dataclass(frozen=True)
class ViewOptions:
    """Everything a view may be asked for; each view reads the fields it needs and ignores the rest."""

    kind: str = "self"
    layer: int = 0
    head: int = 0
    focus: int | None = None  # one query position: the view shows only what it attends to
    hide_special: bool = False  # drop special tokens ([CLS], <s>, …) from square kinds
    window: tuple[int, int] | None = None  # keep key positions [start, stop) (long inputs)
    renormalise: bool = False  # after dropping keys, rescale each row to sum to 1 again
    log_color: bool = False
    heads: tuple[int, ...] | None = None  # head view: the heads drawn (None: all)
    how: str = "mean"  # aggregate: mean | max | rollout | flow
    flow_normalise: bool = False  # flow: divide each row by its sum (the authors' code) instead of raw max-flow
    stat: str = "entropy"  # statistics: which statistic is charted
    method: str = "PCA"  # query–key: PCA | t-SNE | UMAP
    size: int = 32  # model view: each head pooled to at most size × size cells
    width: float | None = None  # px: the figure width heatmaps lay their tick labels out for (None: the explorer's)
    lang: str | None = None  # the language of titles, axes, hover, table headers and captions (None: the active one)

    def with_(self, **changes) -> ViewOptions:
        return replace(self, **changes)


@dataclass(frozen=True)
class ViewResult:
    """A view: its figure, the table behind it (for CSV; None where there is none) and a caption."""

    figure: go.Figure
    table: pd.DataFrame | None = None
    caption: str = ""

    def csv(self) -> str:
        """The table as CSV: a matrix keeps its row labels (query tokens) and 6 significant digits."""
        if self.table is None:
            raise ValueError("this view has no table")
        matrix = self.table.index.name == MATRIX_CORNER
        return self.table.to_csv(index=matrix, float_format="%.6g" if matrix else None)

    def show(self) -> None:  # notebooks: views.heatmap(cap).show()
        self.figure.show()


def options(base: ViewOptions | None, changes: dict) -> ViewOptions:
    """`base` (or the defaults) with keyword changes: views take either or both."""
    return replace(base or ViewOptions(), **changes)


def matrix_table(matrix: np.ndarray, query_tokens: list[str], key_tokens: list[str]) -> pd.DataFrame:
    """A [query_pos, key_pos] matrix labelled "pos:token" on both axes (unique even when tokens repeat)."""
    return pd.DataFrame(np.asarray(matrix), index=pd.Index([f"{i}:{t}" for i, t in enumerate(query_tokens)],
                                                           name=MATRIX_CORNER),
                        columns=[f"{j}:{t}" for j, t in enumerate(key_tokens)])


def is_square(kind: str) -> bool:
    """Self-attention kinds have the same tokens on both axes; cross-attention does not."""
    return kind != "cross"


def kept(cap: AttentionCapture, opts: ViewOptions) -> tuple[list[int], list[int]]:
    """(query rows, key columns) a view keeps after hiding special tokens and windowing.

    Square kinds keep the same positions on both axes; cross-attention keeps every decoder row.
    """
    query_tokens, key_tokens = cap.axes(opts.kind)
    cols = list(range(len(key_tokens)))
    if opts.hide_special and is_square(opts.kind) and any(cap.special):
        cols = [i for i in cols if not cap.special[i]]
    if opts.window is not None:
        start, stop = opts.window
        cols = [i for i in cols if start <= i < stop]
    rows = cols if is_square(opts.kind) else list(range(len(query_tokens)))
    return rows, cols
