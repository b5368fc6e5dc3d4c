"""Compare's heatmaps at 1400 px and at 1280×720: no two tick labels overlap (their boxes estimated as the layout
estimates them: characters × CHAR_PX across, a 17 px line, in a plot area no wider than Chromium draws it), the
distance matrix stacks title, legend and labels, and colour bars read in plain numbers."""
from __future__ import annotations

import html
from itertools import combinations

import numpy as np
import pytest
import torch

from attnviz.core.types import AttentionCapture
from attnviz.figures import compare_plots, plots, views
from attnviz.figures.compare_plots import PANE_PX
from attnviz.figures.plots import CHAR_PX, FIGURE_PX, LINE_PX

HE = ["[CLS]", "the", "doctor", "said", "he", "would", "be", "late", ".", "[SEP]"]
ALIGNED = ["[CLS]", "The", "doctor", "said", "he→she", "would", "be", "late", ".", "[SEP]"]
WORDS = ("the surgeon explained that she would certainly be late for an internationalization appointment "
         "because of heavy traffic downtown , and nobody was surprised").split()
LONG = ["[CLS]"] + [WORDS[i % len(WORDS)] for i in range(60)] + ["[SEP]"]
LONGER = [WORDS[i % len(WORDS)] for i in range(300)]  # pooled to 128 cells
# Figure widths, measured in Chromium on the compare page: a pane at 1280 and 1400 px, the full column at both
PANES = {1280: PANE_PX, 1400: 438}
FULL = {1280: FIGURE_PX, 1400: 940}


def _chars(label: str) -> float:
    return len(html.unescape(label)) * CHAR_PX


def boxes(fig, plot_w: float) -> tuple[list, list]:
    """(x boxes, y boxes) of the tick labels: (left, top, right, bottom) in px, the plot's top left at (0, 0)."""
    heat = fig.data[0]
    layout = fig.layout
    cols, rows = list(heat.x), list(heat.y)
    plot_h = layout.height - layout.margin.t - layout.margin.b
    xs = []
    for value, text in zip(layout.xaxis.tickvals, layout.xaxis.ticktext):
        centre = (cols.index(value) + 0.5) * plot_w / len(cols)
        if layout.xaxis.tickangle == -90:  # turned upright: a line across, its characters up
            xs.append((centre - LINE_PX / 2, -_chars(text), centre + LINE_PX / 2, 0))
        else:
            xs.append((centre - _chars(text) / 2, -LINE_PX, centre + _chars(text) / 2, 0))
    ys = []
    for value, text in zip(layout.yaxis.tickvals, layout.yaxis.ticktext):
        centre = (rows.index(value) + 0.5) * plot_h / len(rows)
        ys.append((-_chars(text), centre - LINE_PX / 2, 0, centre + LINE_PX / 2))
    return xs, ys


def overlapping(found: list) -> list:
    return [(a, b) for a, b in combinations(found, 2)
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


def heatmap_plot_width(fig, width: float) -> float:
    bar = fig.data[0].colorbar
    return plots.plot_width(width, list(fig.layout.yaxis.ticktext), bar.title.text, bar=bar.orientation != "h")


def capture(tokens: list[str]) -> AttentionCapture:
    n = len(tokens)
    stack = torch.tensor(np.random.default_rng(0).dirichlet(np.ones(n), size=(1, 2, n)), dtype=torch.float32)
    text = " ".join(tokens)
    starts = np.cumsum([0] + [len(t) + 1 for t in tokens[:-1]])
    return AttentionCapture(tokens=tokens, attention={"self": stack}, positional=None, model="m", device="cpu",
                            dtype="float32", mode="eager", text=text,
                            spans=[(int(s), int(s) + len(t)) for s, t in zip(starts, tokens)], token_ids=list(range(n)))


@pytest.mark.parametrize("screen", [1280, 1400])
@pytest.mark.parametrize("tokens", [HE, LONG, LONGER], ids=["he-she", "60 tokens", "300 tokens"])
def test_pane_heatmaps_labels_never_overlap(screen, tokens):
    fig = views.heatmap(capture(tokens), width=PANES[screen]).figure  # as the compare page asks for a pane
    xs, ys = boxes(fig, heatmap_plot_width(fig, PANES[screen]))
    assert xs and ys and not overlapping(xs) and not overlapping(ys)
    if tokens is HE:  # the he/she sentence keeps every key labelled: the word that differs is there to read
        assert list(fig.layout.xaxis.ticktext) == HE


def test_the_he_she_pane_turns_its_labels_where_they_collided():
    wide = views.heatmap(capture(HE)).figure  # laid out for the explorer's width: side by side
    pane = views.heatmap(capture(HE), width=PANE_PX).figure
    assert wide.layout.xaxis.tickangle == 0 and pane.layout.xaxis.tickangle == -90
    # the explorer's layout in a pane: its upright labels would overlap ("thedoctorsaid")
    assert overlapping(boxes(wide, heatmap_plot_width(pane, PANE_PX))[0])


@pytest.mark.parametrize("screen", [1280, 1400])
@pytest.mark.parametrize("labels", [ALIGNED, LONG], ids=["he-she", "60 tokens"])
def test_difference_heatmap_labels_never_overlap(screen, labels):
    diff = np.random.default_rng(1).normal(0, 0.01, (len(labels), len(labels)))
    fig = compare_plots.difference_heatmap(diff, labels, "B − A")
    xs, ys = boxes(fig, heatmap_plot_width(fig, FULL[screen]))
    assert not overlapping(xs) and not overlapping(ys)
    assert fig.data[0].colorbar.tickformat == ".3~f"  # ±0.03: plain decimals, not 30m


@pytest.mark.parametrize("screen", [1280, 1400])
@pytest.mark.parametrize("shape", [(6, 12), (12, 16)])
def test_distance_matrix_labels_title_and_legend_keep_apart(screen, shape):
    n = shape[0] * shape[1]
    dist = np.random.default_rng(2).random((n, n))
    best = [(i // shape[1], i % shape[1], 0.1) for i in range(n)]
    fig = compare_plots.distance_matrix(dist, shape, shape, best, "A heads (rows) × B heads (columns)")
    layout = fig.layout
    plot_w = plots.plot_width(FULL[screen], list(layout.yaxis.ticktext), fig.data[0].colorbar.title.text)
    xs, ys = boxes(fig, plot_w)
    assert not overlapping(xs) and not overlapping(ys)
    # from the top: the title's line, the legend's line, the axis title, then the labels (the tallest one)
    legend_top = (1 - layout.legend.y) * layout.height
    assert layout.legend.yref == "container" and legend_top >= compare_plots.TITLE_BAND_PX
    labels_top = layout.margin.t - max(_chars(t) for t in layout.xaxis.ticktext) - 4
    assert labels_top >= legend_top + compare_plots.LEGEND_BAND_PX + 16  # the axis title's line between
    assert layout.xaxis.tickangle == -90 and layout.title.yref == "container"
    # the cells fill the plot (the clickable markers once padded the axes by 5 cells, and the labels planned for
    # the plot's width overlapped in Chromium at 1280 px in Chinese)
    assert list(layout.xaxis.range) == [-0.5, n - 0.5] and list(layout.yaxis.range) == [n - 0.5, -0.5]


def test_the_estimated_plot_width_is_never_wider_than_chromium_draws_it():
    """Figure and plot widths read in Chromium on the compare page (he/she, then a 21-token sentence)."""
    measured = [  # figure px, y labels, colour bar title, plot px drawn
        (378, HE, "weight", 202), (438, HE, "weight", 260), (820, ALIGNED, "B − A", 642), (940, ALIGNED, "B − A", 759),
        (378, ["appointment"], "weight", 167), (438, ["appointment"], "weight", 227),
        (820, [f"L{l} h{h}" for l in range(6) for h in range(12)], "JS distance", 607),
        (940, [f"L{l} h{h}" for l in range(6) for h in range(12)], "JS distance", 726)]
    for width, y_labels, title, drawn in measured:
        estimate = plots.plot_width(width, y_labels, title)
        assert drawn - 20 <= estimate <= drawn, (width, title, estimate, drawn)


def test_colour_bars_read_in_plain_numbers():
    assert plots.plain_format(1.0) == ".1~f" and plots.plain_format(0.444) == ".2~f"
    assert plots.plain_format(0.028) == ".3~f" and plots.plain_format(1e-6) == ".7~f"
    same = compare_plots.difference_heatmap(np.zeros((3, 3)), ["a", "b", "c"])
    assert same.data[0].zmax == 1e-6 and same.data[0].colorbar.tickformat == ".7~f"  # 0.000001, never "1µ" or "1n"
    weights = plots.head_heatmap(np.full((4, 4), 0.25), list("abcd"), list("abcd"))
    assert weights.data[0].colorbar.tickformat == ".2~f"
