"""attnviz zoom MODEL TEXT --layer L --head H [--rows A-B --cols A-B]: one head of a long input, pooled to a few
cells a side (max or mean) over the whole head or any region, down to single tokens — as the explorer's heatmap
zooms. Prints where the strongest cells are, the cells as JSON, or writes the figure (HTML, PNG, SVG) or a CSV."""
from __future__ import annotations

import argparse
import json
import sys

from attnviz.cli.common import MODEL_HELP
from attnviz.cli.long_text import add_text_args, add_window_args, load_and_capture
from attnviz.cli.targets import KINDS


def add_parser(sub) -> None:
    p = sub.add_parser("zoom", help="one head of a long input pooled to cells (max or mean), whole or any region",
                       description="Compute one head's weights over a region (query positions × key positions, "
                                   "both ends included) from the queries and keys, a block of rows at a time, and "
                                   "pool them into at most SIZE cells a side: each cell's largest weight (max keeps "
                                   "a sharp diagonal visible) or its mean. Without --rows/--cols, the whole head. "
                                   "A region no wider than SIZE is drawn at full resolution (a cell per token).")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    add_text_args(p)
    p.add_argument("--layer", type=int, required=True)
    p.add_argument("--head", type=int, required=True)
    p.add_argument("--rows", default=None, metavar="A-B", help="query positions A to B, both included (default all)")
    p.add_argument("--cols", default=None, metavar="A-B", help="key positions A to B, both included (default all)")
    p.add_argument("--size", type=int, default=512, help="at most this many cells a side (default 512)")
    p.add_argument("--how", default="max", choices=["max", "mean"], help="each cell's largest weight, or its mean")
    p.add_argument("--aside", action="store_true",
                   help="set the sinks aside (the keys that receive most weight over every head; `attnviz sinks`): "
                        "their columns emptied, each row renormalised over the other keys")
    p.add_argument("--kind", default="self", choices=KINDS, help="the attention drawn (encoder-decoders: cross, …)")
    add_window_args(p)
    p.add_argument("--out", default=None, metavar="FILE",
                   help="write the figure (.html, .png, .svg) or the cells (.csv) instead of a summary")
    p.add_argument("--json", action="store_true",
                   help="print {rows, cols, row_edges, col_edges, how, values[row cell][col cell], aside} as JSON")
    p.add_argument("--device", default="auto")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from attnviz.analysis.sinks import sinks
    from attnviz.analysis.zoom import region
    from attnviz.cli.long_text import check_head, first_last
    from attnviz.core.errors import AttnvizError
    from attnviz.figures.zoomed import cell_label

    model, cap = load_and_capture(args, args.kind)
    check_head(cap, args.kind, args.layer, args.head)
    src = cap.source(args.kind)
    q_tokens, k_tokens = cap.axes(args.kind)
    rows = first_last(args.rows, "--rows") or (0, len(q_tokens))
    cols = first_last(args.cols, "--cols") or (0, len(k_tokens))
    if rows[1] > len(q_tokens) or cols[1] > len(k_tokens):
        raise AttnvizError(f"the capture has {len(q_tokens)} query and {len(k_tokens)} key positions (0–"
                           f"{len(q_tokens) - 1}, 0–{len(k_tokens) - 1})")
    size = max(1, args.size)
    aside = tuple(int(p) for p in sinks(src).overall) if args.aside else ()
    z = region(src, args.layer, args.head, rows, cols,
               (size if rows[1] - rows[0] > size else None, size if cols[1] - cols[0] > size else None), args.how, aside)
    if args.json:
        print(json.dumps({"model": model.info.name, "layer": args.layer, "head": args.head, "kind": args.kind,
                          "rows": [rows[0], rows[1] - 1], "cols": [cols[0], cols[1] - 1], "how": args.how,
                          "row_edges": z.row_edges.tolist(), "col_edges": z.col_edges.tolist(), "aside": list(aside),
                          "values": np.round(z.values.astype(np.float64), 7).tolist()}))
        return 0
    if args.out:
        return _write(z, q_tokens, k_tokens, args, aside)
    wq, wk = z.cell
    print(f"{model.info.name} · layer {args.layer} · head {args.head}: queries {rows[0]}–{rows[1] - 1} × keys "
          f"{cols[0]}–{cols[1] - 1} in {z.values.shape[0]} × {z.values.shape[1]} cells of {wq} × {wk} positions "
          f"({args.how})" + (f"; sinks set aside: {', '.join(map(str, aside))}" if aside else ""))
    order = np.argsort(-z.values, axis=None, kind="stable")[:10]
    for rank, flat in enumerate(order, 1):
        i, j = np.unravel_index(int(flat), z.values.shape)
        q = cell_label(int(z.row_edges[i]), int(z.row_edges[i + 1]))
        k = cell_label(int(z.col_edges[j]), int(z.col_edges[j + 1]))
        words = f" “{q_tokens[int(z.row_edges[i])]}” ← “{k_tokens[int(z.col_edges[j])]}”" if (wq, wk) == (1, 1) else ""
        print(f"{rank:>3}. queries {q} ← keys {k}: {z.values[i, j]:.4f}{words}")
    return 0


def _write(z, q_tokens, k_tokens, args, aside) -> int:
    from attnviz.figures.zoomed import cell_label, zoomed_heatmap

    path = args.out
    if path.endswith(".csv"):
        import pandas as pd

        rows = [cell_label(int(a), int(b)) for a, b in zip(z.row_edges[:-1], z.row_edges[1:])]
        cols = [cell_label(int(a), int(b)) for a, b in zip(z.col_edges[:-1], z.col_edges[1:])]
        pd.DataFrame(z.values, index=pd.Index(rows, name="query \\ key"), columns=cols).to_csv(path,
                                                                                            float_format="%.6g")
    else:
        fig = zoomed_heatmap(z, q_tokens, k_tokens, f"layer {args.layer} · head {args.head}", sinks=aside)
        if path.endswith(".html"):
            fig.write_html(path, include_plotlyjs=True, full_html=True)
        else:
            try:
                fig.write_image(path)
            except Exception as exc:  # kaleido missing, or it cannot find a browser
                print(f"error: {path} not written ({type(exc).__name__}: {exc}); write .html or .csv, or install "
                      "kaleido for PNG/SVG", file=sys.stderr)
                return 2
    print(json.dumps({"written": [path]}))
    return 0
