"""A comparison as one standalone HTML file: plotly.js inlined once, so it opens offline anywhere."""
from __future__ import annotations

import html

import pandas as pd

from attnviz.analysis.compare import Comparison
from attnviz.analysis.head_changes import Changes
from attnviz.analysis.headtypes.census import Census
from attnviz.analysis.headtypes.side_by_side import side_by_side
from attnviz.figures.census_compare import census_strips, strips_table
from attnviz.figures.changes import changes_caption, changes_figure, changes_table, identical_note
from attnviz.figures.compare_plots import difference_heatmap, distance_matrix
from attnviz.i18n import N_, active, say, speaks, t


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _frame(frame: pd.DataFrame) -> str:
    return _table(list(frame.columns), [["" if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False)])


# a unit's kind (same, changed, special) as the report's language says it
KINDS = {"same": N_("same"), "changed": N_("changed"), "special": N_("special")}


def _escaped(text: str, **fmt) -> str:
    """A sentence of the report (said with t()): its words are trusted, what fills them (names, tokens) is escaped."""
    return html.escape(text, quote=False).format(**{k: html.escape(str(v)) for k, v in fmt.items()})


@speaks
def report_html(result: Comparison, name_a: str, name_b: str, text_a: str, text_b: str,
                tokens_a: list[str], tokens_b: list[str], changes: Changes | None = None,
                censuses: tuple[Census, Census] | None = None) -> str:
    """The alignment, what changed (changes: the heads ranked by how much they changed, analysis.head_changes),
    the head-distance matrix with best matches, per layer B − A of the head means (unless A and B are identical:
    then the report says so), and the two censuses side by side (censuses: A's and B's).

    Its headings, sentences, table headers and figure text are in the active language (lang= to choose; the
    command line's is English). Names, texts and tokens are the user's: escaped, never markup."""
    esc = html.escape
    al = result.alignment
    heading = _escaped(t("attnviz: A vs B"))
    layers = _escaped(t("Layers matched by relative depth (first to first, last to last): A layer → B layer {pairs}."),
                      pairs=", ".join(f"{i}→{j}" for i, j in enumerate(result.layers_b)))
    alignment = _escaped(t("Token alignment"))
    parts: list = [f"<h1>{heading}</h1><p><b>A</b> {esc(name_a)}: <code>{esc(text_a)}</code><br>"
             f"<b>B</b> {esc(name_b)}: <code>{esc(text_b)}</code></p>", f"<p>{layers}</p>", f"<h2>{alignment}</h2>",
             _table([t("unit"), t("A tokens"), t("B tokens"), t("kind")],
                    [[u.label, " ".join(tokens_a[i] for i in u.a), " ".join(tokens_b[j] for j in u.b),
                      t(KINDS[u.kind]) if u.kind in KINDS else u.kind] for u in al.units])]
    if al.unaligned_a or al.unaligned_b:
        unaligned = _escaped(t("Not aligned: A {a}, B {b}."), a=[tokens_a[i] for i in al.unaligned_a],
                             b=[tokens_b[j] for j in al.unaligned_b])
        parts.append(f"<p>{unaligned}</p>")
    if not al.comparable:
        parts.append(f"<p>{esc(say(al.reason()))}</p>")
    else:
        if changes is not None:
            parts.append("<h2>" + _escaped(t("What changed")) + f"</h2><p>{_escaped(changes_caption(changes))}</p>")
            note = identical_note(changes)
            if note:
                parts.append(f"<p><b>{_escaped(note)}</b></p>")
            elif changes.ranked:
                parts.append(_frame(changes_table(changes, TOP_CHANGES)))
                parts.append(changes_figure(changes, TOP_CHANGES))
        parts.append("<h2>" + _escaped(t("Head distances")) + f"</h2><p>{_escaped(t(DISTANCES_ABOUT))}</p>")
        parts.append(distance_matrix(result.distances, result.shape_a, result.shape_b, result.best_a,
                                       t("A heads (rows) vs B heads (columns)")))
        parts.append(_table([t("A head"), t("best match in B"), t("distance")],
                            [[f"L{i // result.shape_a[1]} h{i % result.shape_a[1]}", f"L{l} h{h}", f"{d:.4f}"]
                             for i, (l, h, d) in enumerate(result.best_a) if l >= 0]))
        for layer, layer_b in enumerate(result.layers_b if changes is None or not changes.identical else ()):
            diff = result.grid_b[layer_b].mean(0) - result.grid_a[layer].mean(0)
            parts.append(difference_heatmap(diff, result.labels, t("B layer {lb} − A layer {la}, mean over heads",
                                                                      lb=layer_b, la=layer)))
    if censuses is not None:
        census_a, census_b = censuses
        rows = side_by_side(census_a, census_b)
        parts.append("<h2>" + _escaped(t("Head types side by side")) + "</h2><p>"
                     + _escaped(t(TYPES_ABOUT)) + "</p>" + _frame(strips_table(rows, census_a.shape == census_b.shape)))
        parts.append(census_strips(rows, census_a.shape[0], census_b.shape[0], name_a, name_b))
    # parts: HTML, and figures drawn where they stand (plotly.js inlined once, with the first)
    drawn = [i for i, part in enumerate(parts) if not isinstance(part, str)]
    body = "\n".join(part if isinstance(part, str) else
                     part.to_html(include_plotlyjs=(i == drawn[0]), full_html=False) for i, part in enumerate(parts))
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}")
    title = _escaped(t("attnviz comparison"))
    return (f"<!doctype html><html lang=\"{esc(active())}\"><head><meta charset='utf-8'>"
            f"<title>{title}</title><style>{style}</style></head><body>{body}</body></html>")


TOP_CHANGES = 10  # heads the report lists as most changed
TYPES_ABOUT = N_("Each model's heads named by type (the type furthest past its threshold), placed by the relative "
                 "depth of their layer, so that two models of different depths compare; for two models of one shape, "
                 "the heads that have a type in one census only are drawn larger.")
DISTANCES_ABOUT = N_("Jensen–Shannon divergence (base 2: 0 identical, 1 disjoint) between aligned attention rows, "
                     "averaged over queries; each A head's best match is ringed.")
