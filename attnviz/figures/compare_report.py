"""A comparison as one standalone HTML file: plotly.js inlined once, so it opens offline anywhere."""
from __future__ import annotations

import html

from attnviz.analysis.compare import Comparison
from attnviz.figures.compare_plots import difference_heatmap, distance_matrix
from attnviz.i18n.catalogue import CATALOGUES, DEFAULT, lookup
from attnviz.i18n.keyed import say


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _kind(kind: str, lang: str) -> str:
    """A unit's kind (same, changed, special) as the report's language says it."""
    key = f"compare.report.kind.{kind}"
    return lookup(lang, key) if key in CATALOGUES[DEFAULT] else say(kind, lang)


def report_html(result: Comparison, name_a: str, name_b: str, text_a: str, text_b: str,
                tokens_a: list[str], tokens_b: list[str], lang: str = DEFAULT) -> str:
    """The alignment, the head-distance matrix with best matches and, per layer, B − A of the head means.

    lang: the language of every heading, sentence, table header and figure text (the command line's is English).
    Names, texts and tokens are the user's: escaped, never markup."""
    def tr(key: str, **fmt) -> str:  # catalogue text is trusted; what fills it (names, tokens) is escaped
        text = html.escape(lookup(lang, f"compare.report.{key}"), quote=False)
        return text.format(**{k: html.escape(str(v)) for k, v in fmt.items()}) if fmt else text

    def plain(key: str, **fmt) -> str:  # for _table and plotly, which escape (or safe_label) themselves
        return lookup(lang, f"compare.report.{key}", **fmt)

    esc = html.escape
    al = result.alignment
    parts = [f"<h1>{tr('heading')}</h1><p><b>A</b> {esc(name_a)}: <code>{esc(text_a)}</code><br>"
             f"<b>B</b> {esc(name_b)}: <code>{esc(text_b)}</code></p>",
             f"<p>{tr('layers', pairs=', '.join(f'{i}→{j}' for i, j in enumerate(result.layers_b)))}</p>",
             f"<h2>{tr('alignment')}</h2>",
             _table([plain("col.unit"), plain("col.tokens_a"), plain("col.tokens_b"), plain("col.kind")],
                    [[u.label, " ".join(tokens_a[i] for i in u.a), " ".join(tokens_b[j] for j in u.b),
                      _kind(u.kind, lang)] for u in al.units])]
    if al.unaligned_a or al.unaligned_b:
        parts.append(f"<p>{tr('unaligned', a=[tokens_a[i] for i in al.unaligned_a], b=[tokens_b[j] for j in al.unaligned_b])}</p>")
    figures = []
    if not al.comparable:
        parts.append(f"<p>{esc(say(al.reason(lang), lang))}</p>")
    else:
        parts.append(f"<h2>{tr('distances')}</h2><p>{tr('distances_about')}</p>")
        figures.append(distance_matrix(result.distances, result.shape_a, result.shape_b, result.best_a,
                                       plain("distances_title"), lang=lang))
        parts.append(_table([plain("col.head_a"), plain("col.best_b"), plain("col.distance")],
                            [[f"L{i // result.shape_a[1]} h{i % result.shape_a[1]}", f"L{l} h{h}", f"{d:.4f}"]
                             for i, (l, h, d) in enumerate(result.best_a) if l >= 0]))
        for layer, layer_b in enumerate(result.layers_b):
            diff = result.grid_b[layer_b].mean(0) - result.grid_a[layer].mean(0)
            figures.append(difference_heatmap(diff, result.labels, plain("difference_title", lb=layer_b, la=layer),
                                              lang=lang))
    body = "\n".join(parts)
    plots = "\n".join(f.to_html(include_plotlyjs=(i == 0), full_html=False) for i, f in enumerate(figures))
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}")
    return (f"<!doctype html><html lang=\"{esc(lang)}\"><head><meta charset='utf-8'><title>{tr('title')}</title>"
            f"<style>{style}</style></head><body>{body}\n{plots}</body></html>")
