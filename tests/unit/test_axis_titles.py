"""Short Chinese y-axis titles read upright (above the axis); Latin and long titles keep plotly's rotated title."""
import numpy as np
import pandas as pd

from attnviz.figures import axis_titles, compare_charts, plots, survey


def _annotations(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations if a.name == axis_titles.NAME]


def test_which_titles_stand_upright():
    assert axis_titles.upright("熵") and axis_titles.upright("平均距离") and axis_titles.upright("主成分 2")
    assert not axis_titles.upright("entropy") and not axis_titles.upright("查询（发出注意力）")
    assert not axis_titles.upright("PE") and not axis_titles.upright("")


def test_a_one_character_title_is_an_upright_annotation_above_the_axis():
    table = pd.DataFrame({"layer": [0, 1], "head": [1, 0], "mean": [0.5, 0.4], "std": [0.1, 0.1]})
    fig = survey.ranking_figure(table, "熵", title="每个头的熵")
    assert _annotations(fig) == ["熵"] and not fig.layout.yaxis.title.text
    note = fig.layout.annotations[0]
    assert (note.x, note.y, note.xanchor, note.yanchor, note.xref, note.yref) == (0, 1, "right", "bottom", "paper", "paper")
    assert note.textangle is None  # horizontal
    assert fig.layout.margin.l >= 30 and fig.layout.margin.t >= 30  # room in the corner for it


def test_english_and_long_titles_stay_axis_titles():
    fig = survey.ranking_figure(pd.DataFrame({"layer": [0], "head": [0], "mean": [1.0], "std": [0.0]}), "entropy")
    assert fig.layout.yaxis.title.text == "entropy" and not _annotations(fig)
    heat = plots.head_heatmap(np.eye(3), list("abc"), list("abc"), lang="zh")
    assert heat.layout.yaxis.title.text == "查询（发出注意力）" and not _annotations(heat)
    heads = plots.head_similarity_map(np.eye(2), ["h0", "h1"], lang="zh")
    assert _annotations(heads) == ["头"] and heads.layout.annotations[0].font.size == 13


def test_altair_turns_a_short_chinese_title_upright():
    frame = pd.DataFrame({"head id": ["A L0 h0"], "side": ["A"], "layer": [0], "head": [0], "relative depth": [0.0],
                          "entropy": [1.0]})
    spec = compare_charts.statistics_chart(frame, "entropy", lang="zh").to_dict()
    axis = spec["encoding"]["y"]["axis"]
    assert axis["title"] == "熵" and axis["titleAngle"] == 0
    spec = compare_charts.statistics_chart(frame, "entropy", lang="en").to_dict()
    assert spec["encoding"]["y"]["axis"] == {"title": "entropy"}
