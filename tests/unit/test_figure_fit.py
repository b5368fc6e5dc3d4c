"""Figure text fits its figure: titles wrap, y titles keep clear of the title, colour bars and ranges read."""
import numpy as np
import pandas as pd

from attnviz.figures import axis_titles, plots, positions, survey, titles, training
from attnviz.i18n import translate


def _lines(text: str) -> list[str]:
    return text.split("<br>")


def test_a_long_title_wraps_at_a_word_boundary_in_a_narrow_figure():
    for lang in ("en", "zh"):
        fig = plots.head_heatmap(np.full((3, 3), 1 / 3), ["Transformer", "is", "powerful"],
                                 ["Transformer", "is", "powerful"], translate(lang, "Attention weights (query rows, key columns)"), lang=lang)
        fig.update_layout(title_font_size=24)  # presentation mode's title size
        before_t, before_h = fig.layout.margin.t, fig.layout.height
        titles.fit_title(fig, 660)
        lines = _lines(fig.layout.title.text)
        room = 660 - 10 - titles._left_px(fig)
        assert all(titles.text_px(line, 24) <= room for line in lines), lines
        assert "".join(lines).replace(" ", "") == translate(lang, "Attention weights (query rows, key columns)").replace(" ", "")
        if lang == "en":  # too long for one line at 24 px in 660 px: two, broken between words
            assert lines == ["Attention weights (query rows, key", "columns)"] or len(lines) == 2
            assert all(not line.endswith(" ") and not line.startswith(" ") for line in lines)
            assert fig.layout.margin.t > before_t and fig.layout.height > before_h  # the figure grows by a line
            assert 0.9 < fig.layout.title.y < 1  # placed below the top edge: plotly drops the pad for several lines
        else:  # fifteen characters fit
            assert len(lines) == 1 and fig.layout.margin.t == before_t
    wide = plots.head_heatmap(np.eye(3), list("abc"), list("abc"), translate("en", "Attention weights (query rows, key columns)"))
    assert "<br>" not in titles.fit_title(wide, 1200).layout.title.text


def test_chinese_wraps_after_punctuation():
    text = "熵：在整个语料上的均值（± 一个标准差）"
    lines = _lines(titles.wrap(text, 12 * 17, 17))
    assert len(lines) == 2 and lines[0] == "熵：在整个语料上的均值" and lines[1].startswith("（")


def test_upright_y_title_sits_under_the_figure_title():
    table = pd.DataFrame({"layer": [0, 1], "head": [1, 0], "mean": [3.6, 3.5], "std": [0.4, 0.4]})
    fig = survey.ranking_figure(table, "熵", title="熵：在整个语料上的均值（± 一个标准差）")
    t = fig.layout.title
    assert (t.y, t.yref, t.yanchor) == (1, "container", "top")  # pinned: a larger margin cannot move it down
    title_bottom = t.pad.t + 17 * axis_titles.LINE
    note = fig.layout.annotations[0]
    note_top = fig.layout.margin.t - note.yshift - 13 * axis_titles.LINE  # the annotation, above the plot
    assert note_top >= title_bottom
    # a figure without a title keeps the old room, and its title (none) is not placed
    bare = survey.joint_figure(pd.DataFrame({"x": [0.0], "y": [1.0], "role": ["query"], "pos": [0], "text_id": [0],
                                             "context": ["a"], "template": [None]}),
                               labels={"axis_2": "轴 2"})
    assert bare.layout.margin.t == axis_titles.ROOM_FONT + 16 and bare.layout.title.y is None


def test_short_heatmap_has_a_horizontal_colour_bar_and_no_gap():
    keys = ["<unk>", "log", "in"] * 10
    fig = plots.head_heatmap(np.random.default_rng(0).dirichlet(np.ones(30), size=4), [f"head {h}" for h in range(4)],
                             keys, "layer 0", axis_titles=("head", "key (attended to)"))
    bar = fig.data[0].colorbar
    assert bar.orientation == "h" and bar.nticks == 6
    # the top margin stacks title (36), axis title (22) and labels as wide as "<unk>" (5 characters), not "&lt;unk&gt;"
    assert fig.layout.margin.t == int(36 + 22 + 5 * plots.CHAR_PX + 8)
    tall = plots.head_heatmap(np.eye(12), list("abcdefghijkl"), list("abcdefghijkl"))
    assert tall.data[0].colorbar.orientation is None and tall.data[0].colorbar.len == 1


def test_snapshot_head_keeps_its_whole_query_title():
    for lang in ("en", "zh"):
        axes = (translate(lang, "query (attending)"), translate(lang, "key (attended to)"))
        for n in (2, 8):
            fig = training.snapshot_head(np.full((n, n), 1 / n), list("abcdefgh")[:n], list("abcdefgh")[:n], 0,
                                         axis_titles=axes)
            m = fig.layout.margin
            assert m.l > 0 and fig.layout.yaxis.automargin
            plot_h = fig.layout.height - m.t - m.b
            below = (titles.text_px(axes[0], training.TITLE_FONT_PX) - plot_h) / 2  # the centred title's overhang
            assert m.b >= below
    assert translate("zh", "query (attending)") == translate("zh", "query (attending)") == "查询（发出注意力）"


def test_rotary_line_is_named_outside_the_plot():
    fig = positions.rotary_dot_chart(np.cos(np.arange(64) / 6) * 3, 0.0, lang="zh")
    assert not fig.layout.annotations  # no label on the line, where the curve crosses it
    named = [t for t in fig.data if t.name]
    assert [t.name for t in named] == ["不旋转时的 q·k"] and named[0].line.dash == "dot"
    assert fig.layout.legend.y == 1 and fig.layout.legend.yanchor == "bottom"  # above the plot area
    assert fig.layout.shapes[0].y0 == 0.0


def test_used_encoding_colours_are_clipped_at_the_99th_percentile():
    rng = np.random.default_rng(0)
    values = rng.normal(0, 0.05, size=(13, 384))
    values[0, 100] = 3.0  # one extreme cell
    for lang, word in (("en", "clipped"), ("zh", "截断")):
        trace = positions.used_encoding(values, [str(i) for i in range(13)], lang=lang).data[0]
        top = float(np.percentile(np.abs(values), 99))
        assert np.isclose(trace.zmax, top) and np.isclose(trace.zmin, -top) and top < 0.2
        assert word in trace.colorbar.title.text and f"{top:.3g}" in trace.colorbar.title.text
        assert np.allclose(np.asarray(trace.z), values.astype(np.float32))  # hover shows the true values
    even = positions.used_encoding(np.ones((2, 2)), ["0", "1"])
    assert even.data[0].zmax is None and not even.data[0].colorbar.title.text  # nothing to clip: no note
