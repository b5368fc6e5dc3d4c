"""A comparison as one standalone HTML file: plotly.js inlined once, so it opens offline anywhere."""
from __future__ import annotations

import html

from attnviz.analysis.compare import Comparison
from attnviz.figures.compare_plots import difference_heatmap, distance_matrix


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(result: Comparison, name_a: str, name_b: str, text_a: str, text_b: str,
                tokens_a: list[str], tokens_b: list[str]) -> str:
    """The alignment, the head-distance matrix with best matches and, per layer, B − A of the head means."""
    al = result.alignment
    parts = [f"<h1>attnviz: A vs B</h1><p><b>A</b> {html.escape(name_a)}: <code>{html.escape(text_a)}</code><br>"
             f"<b>B</b> {html.escape(name_b)}: <code>{html.escape(text_b)}</code></p>",
             f"<p>Layers matched by relative depth (first to first, last to last): A layer → B layer "
             f"{html.escape(', '.join(f'{i}→{j}' for i, j in enumerate(result.layers_b)))}.</p>",
             "<h2>Token alignment</h2>",
             _table(["unit", "A tokens", "B tokens", "kind"],
                    [[u.label, " ".join(tokens_a[i] for i in u.a), " ".join(tokens_b[j] for j in u.b), u.kind]
                     for u in al.units])]
    if al.unaligned_a or al.unaligned_b:
        parts.append(f"<p>Not aligned: A {html.escape(str([tokens_a[i] for i in al.unaligned_a]))}, "
                     f"B {html.escape(str([tokens_b[j] for j in al.unaligned_b]))}.</p>")
    figures = []
    if not al.comparable:
        parts.append(f"<p>{html.escape(al.reason())}</p>")
    else:
        parts.append("<h2>Head distances</h2><p>Jensen–Shannon divergence (base 2: 0 identical, 1 disjoint) "
                     "between aligned attention rows, averaged over queries; each A head's best match is ringed.</p>")
        figures.append(distance_matrix(result.distances, result.shape_a, result.shape_b, result.best_a,
                                       "A heads (rows) vs B heads (columns)"))
        parts.append(_table(["A head", "best match in B", "distance"],
                            [[f"L{i // result.shape_a[1]} h{i % result.shape_a[1]}", f"L{l} h{h}", f"{d:.4f}"]
                             for i, (l, h, d) in enumerate(result.best_a) if l >= 0]))
        for layer, layer_b in enumerate(result.layers_b):
            diff = result.grid_b[layer_b].mean(0) - result.grid_a[layer].mean(0)
            figures.append(difference_heatmap(diff, result.labels,
                                              f"B layer {layer_b} − A layer {layer}, mean over heads"))
    body = "\n".join(parts)
    plots = "\n".join(f.to_html(include_plotlyjs=(i == 0), full_html=False) for i, f in enumerate(figures))
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>attnviz comparison</title>"
            f"<style>{style}</style></head><body>{body}\n{plots}</body></html>")

