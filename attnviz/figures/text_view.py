"""The text view: the sentence itself, each word shaded by how much the chosen word attends to it.

Hovering a word chooses it (a few lines of inline script, no library). Tokens are data: every one is
escaped before it enters the HTML.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from attnviz.core.types import AttentionCapture
from attnviz.figures.measured import measure_of
from attnviz.figures.view_types import ViewOptions, options

SCRIPT = """
<script>
const W = %s;
const spans = document.querySelectorAll(".attnviz-word");
function choose(q) {
  const row = W[q]; const top = Math.max(...row, 1e-9);
  spans.forEach((s, k) => {
    s.style.background = "rgba(31,119,180," + (row[k] / top).toFixed(3) + ")";
    s.style.color = row[k] / top > 0.55 ? "white" : "black";
    s.style.outline = k === q ? "3px solid #d62728" : "none";
    s.title = (row[k]).toFixed(3);
  });
}
spans.forEach((s, k) => s.addEventListener("mouseenter", () => choose(k)));
choose(%d);
</script>
"""


@dataclass(frozen=True)
class TextView:
    """The shaded sentence as HTML, the weights behind it ([query, key] table) and the chosen query."""

    html: str
    table: pd.DataFrame
    query: int
    weights: np.ndarray  # the chosen query's row: how much it attends to each token


def matrix(cap: AttentionCapture, opts: ViewOptions, mean_heads: bool = False) -> np.ndarray:
    """[query_pos, key_pos]: one head, or the mean over the layer's heads (self-attention: text on both sides).
    A measured capture (figures.measured) gives its measure's sizes: a layer-level measure has one head a layer."""
    measure = measure_of(cap)
    if not mean_heads:
        head = opts.head if measure is None or measure.per_head else 0
        m = cap.head(opts.kind, opts.layer, head).astype(np.float64)
    else:
        m = cap.layer(opts.kind, opts.layer).mean(axis=0).astype(np.float64)  # [head, q, k] -> [q, k]
    return np.abs(m) if measure is not None else m


def text_view(cap: AttentionCapture, opts: ViewOptions | None = None, mean_heads: bool = False,
              font_px: int = 20, **changes) -> TextView:
    """The sentence with each token shaded by the chosen token's attention to it (focus: that token, else the last)."""
    o = options(opts, changes)
    m = matrix(cap, o, mean_heads)
    tokens = cap.axes(o.kind)[1]
    n = min(len(tokens), m.shape[1])
    m = m[:n, :n]
    query = o.focus if o.focus is not None and 0 <= o.focus < n else n - 1
    row = m[query]
    top = max(float(row.max()), 1e-9)
    spans = []
    for k, token in enumerate(tokens[:n]):
        shade = row[k] / top
        spans.append(f'<span class="attnviz-word" data-k="{k}" title="{row[k]:.3f}" style="padding:2px 4px;margin:2px;'
                     f'border-radius:4px;display:inline-block;background:rgba(31,119,180,{shade:.3f});'
                     f'color:{"white" if shade > 0.55 else "black"}">{html.escape(token)}</span>')
    body = (f'<div style="font-family:sans-serif;font-size:{font_px}px;line-height:2.2;cursor:default">'
            + "".join(spans) + "</div>")
    # the matrix goes into the script as plain numbers (json.dumps of floats): no text from the user
    page = body + SCRIPT % (json.dumps(np.round(m, 4).tolist()), query)
    table = pd.DataFrame(m, index=[f"{i}·{t}" for i, t in enumerate(tokens[:n])],
                         columns=[f"{i}·{t}" for i, t in enumerate(tokens[:n])])
    return TextView(page, table, query, row)
