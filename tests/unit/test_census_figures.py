"""The head-type figures draw the census they are given: each cell's type and scores, a head's card against its
thresholds, two censuses by relative depth, the ranked changes; thresholds move without measuring again."""
from __future__ import annotations

import numpy as np
import pytest

from attnviz.analysis.head_changes import IDENTICAL, Changes, HeadChange
from attnviz.analysis.headtypes.census import build
from attnviz.analysis.headtypes.definitions import ORDER
from attnviz.analysis.headtypes.side_by_side import side_by_side
from attnviz.cli.heads import table
from attnviz.figures import census as cf
from attnviz.figures import census_compare as cc
from attnviz.figures import changes as ch
from attnviz.i18n import translate

TEXT_TYPES = ("previous_token", "duplicate_token", "first_token", "delimiter", "local", "broad", "offset")


def planted(spread: bool = False, texts: int = 1):
    """A 2-layer × 3-head census: L0 h0 previous-token (0.9), L0 h1 sink (0.8), L0 h2 nothing, L1 h0 induction
    (0.7), L1 h1 fixed offset +2 (0.6), L1 h2 broad (0.95); every other score low, duplicate-token not measured."""
    scores = {n: np.full((2, 3), 0.05) for n in ("induction", *TEXT_TYPES)}
    scores["duplicate_token"][:] = np.nan
    scores["previous_token"][0, 0] = 0.9
    scores["first_token"][0, 1] = 0.8
    scores["induction"][1, 0] = 0.7
    scores["offset"][1, 1] = 0.6
    scores["broad"][1, 2] = 0.95
    offsets = np.array([[1, 0, 0], [0, 2, 0]])
    extra = {}
    if spread:
        extra = {"spread": {n: np.full((2, 3), 0.01) for n in scores},
                 "counts": {n: np.full((2, 3), texts) for n in scores}, "texts": texts}
    return build(scores, offsets, **extra, model="planted")


ASSIGNED = [["previous_token", "first_token", None], ["induction", "offset", "broad"]]


def test_the_census_figure_colours_each_cell_by_its_type_and_hovers_every_score():
    census = planted()
    assert census.assigned == ASSIGNED
    fig = cf.census_figure(census)
    heat, cells, *legend = fig.data
    names = cf.measured(census)
    assert names == [n for n in ORDER if n != "retrieval"]
    want = [[names.index(a) + 1 if a else 0 for a in row] for row in ASSIGNED]
    assert np.asarray(heat.z).tolist() == want  # 0 is grey: no type
    assert heat.colorscale[0][1] == cf.NONE_COLOUR and heat.colorscale[-1][1] == cf.TYPE_COLOURS[names[-1]]
    assert [list(d) for d in cells.customdata] == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]
    assert np.asarray(heat.text).tolist() == [["prev", "sink", ""], ["ind", "off+2", "broad"]]
    first = cells.hovertext[0]
    assert first.startswith("layer 0 · head 0: previous-token")
    assert "<b>previous-token: 0.900</b>" in first  # past its threshold: bold
    assert "<br>local: 0.050<br>" in first and "duplicate-token: not measured" in first
    assert "<b>fixed offset: 0.600 at offset +2</b>" in cells.hovertext[4]
    assert [d.name for d in legend] == [f"{cf.type_label(n)} ≥ {census.thresholds[n]:g}" for n in names] + ["no type"]
    assert fig.layout.title.text == "Head types of planted"


def test_a_survey_census_hovers_spread_and_count_and_says_medians():
    census = planted(spread=True, texts=12)
    census.counts["induction"][:] = 8  # induction over 8 probes: its count differs from the texts'
    fig = cf.census_figure(census)
    hover = fig.data[1].hovertext[0]
    assert "previous-token: 0.900 (IQR 0.010)</b>" in hover and "induction: 0.050 (IQR 0.010, n = 8)" in hover
    assert cf.head_card(census, 0, 0).data[0].hovertext[2] == "previous-token: 0.900 (IQR 0.010, n = 12) · threshold 0.4"
    assert fig.layout.title.text == "Head types of planted over 12 texts (medians)"
    assert "Over 12 texts" in cf.census_caption(census) and "Over" not in cf.census_caption(planted())


def test_the_figure_and_tables_speak_chinese():
    census = planted()
    fig = cf.census_figure(census, lang="zh")
    assert fig.data[2].name == "归纳 ≥ 0.4" and fig.data[-1].name == "无类型"
    assert np.asarray(fig.data[0].text).tolist()[0][:2] == ["前词", "汇聚"]
    frame = cf.thresholds_table(census, lang="zh")
    assert list(frame.columns[:3]) == ["类型", "阈值", "头数"]
    assert frame.iloc[0, 0] == "归纳" and frame.iloc[0, 4] == translate("zh", cf.HEAD_TYPES["induction"].reason)
    assert cf.census_caption(census, lang="zh").startswith("每个头按得分超过阈值最多的类型着色")


def test_thresholds_move_without_measuring_again():
    census = planted()
    raised = census.with_thresholds({"previous_token": 0.95, "broad": 0.5})
    assert raised.scores is census.scores  # the same arrays: nothing measured again
    assert raised.assigned[0][0] is None and raised.thresholds["previous_token"] == 0.95
    assert raised.assigned[1][2] == "broad" and raised.thresholds["broad"] == 0.5
    assert census.assigned == ASSIGNED  # the original is untouched
    frame = cf.thresholds_table(raised)
    row = frame[frame["type"] == "previous-token"].iloc[0]
    assert row["threshold"] == 0.95 and row["heads"] == 0
    with pytest.raises(ValueError, match="below 1"):
        census.with_thresholds({"local": 1.0})


def test_a_head_card_draws_its_scores_against_their_thresholds():
    census = planted()
    fig = cf.head_card(census, 1, 1)
    bars, ticks = fig.data
    names = cf.measured(census)
    assert list(bars.x) == [0 if np.isnan(census.scores[n][1, 1]) else census.scores[n][1, 1] for n in names]
    assert list(ticks.x) == [census.thresholds[n] for n in names]
    assert bars.y[names.index("offset")] == "fixed offset (+2)"
    colours = list(bars.marker.color)
    assert colours[names.index("offset")] == cf.TYPE_COLOURS["offset"]
    assert colours[names.index("local")] == cf.NONE_COLOUR  # below its threshold: grey
    assert list(bars.marker.line.width).index(2.5) == names.index("offset")  # the type it is given, outlined
    assert bars.text[names.index("duplicate_token")] == "not measured"
    assert fig.layout.title.text == "layer 1 · head 1: fixed offset (+2)"
    card = cf.head_card_table(census, 1, 1)
    assert card["past its threshold"].tolist() == [n == "offset" for n in names]
    survey = cf.head_card_table(planted(spread=True, texts=7), 0, 0)
    assert survey["count"].tolist() == [7] * len(names) and survey["IQR"].iloc[0] == 0.01


def test_two_censuses_by_relative_depth():
    a = planted()
    b = planted().with_thresholds({"induction": 0.8, "duplicate_token": 0.01})  # B: no induction head
    rows = side_by_side(a, b)
    fig = cc.census_strips(rows, 2, 2, "trained", "start")
    ai, bi = fig.data
    names = [r.name for r in rows]
    assert names == ["induction", "previous_token", "offset", "first_token", "broad"]
    assert list(fig.layout.yaxis.ticktext)[0] == "induction · A 1 · B 0"
    k = names.index("induction")
    assert list(ai.customdata[k]) == [1, 0, 0] and ai.x[k] == pytest.approx(1.0) and ai.y[k] == pytest.approx(k - 0.17)
    assert ai.marker.size[k] == 15 and "only in A" in ai.hovertext[k]  # the head that has it in A alone: larger
    assert len(bi.x) == 4 and all(s == 10 for s in bi.marker.size)
    assert ai.name == "A: trained" and bi.name == "B: start"
    frame = cc.strips_table(rows, same_shape=True)
    got = frame.iloc[k].tolist()
    assert got[:4] == ["induction", "L1 h0", "", 1.0] and np.isnan(got[4]) and got[5:] == ["L1 h0", ""]
    # heads of one layer are spread around its depth, never on top of each other
    many = build({"first_token": np.full((3, 4), 0.9), "broad": np.zeros((3, 4))}, np.zeros((3, 4), int))
    x = cc.placed([h for h in side_by_side(many, many)[0].a], 3)
    assert len(set(np.round(x, 6))) == 12 and max(abs(v - round(v * 2) / 2) for v in x) <= cc.MAX_NUDGE * 1.5 + 1e-9


def test_changes_table_and_figure_follow_the_ranking():
    ranked = [HeadChange(4, 9, 4, 9, 0.0346, 0.61), HeadChange(1, 3, 1, 3, 0.0231, 0.51),
              HeadChange(0, 0, 0, 0, 0.001, 0.01)]
    changes = Changes("same", ranked)
    frame = ch.changes_table(changes, top=2)
    assert frame.values.tolist() == [[1, "L4 h9", "L4 h9", 0.0346, 0.61], [2, "L1 h3", "L1 h3", 0.0231, 0.51]]
    assert list(ch.changes_table(changes, lang="zh").columns) == ["名次", "A 的头", "B 的头", "距离", "单元格最大变化"]
    fig = ch.changes_figure(changes, top=2)
    assert list(fig.data[0].y) == ["A L4 h9 → B L4 h9", "A L1 h3 → B L1 h3"]
    assert [list(c)[:4] for c in fig.data[0].customdata] == [[4, 9, 4, 9], [1, 3, 1, 3]]
    assert fig.layout.xaxis.tickformat == ".3~f"  # plain decimals: 0.01, not 10m
    assert ch.identical_note(changes) is None
    same = Changes("same", ranked, identical=True)
    assert ch.identical_note(same) == IDENTICAL
    assert ch.identical_note(same, lang="zh") == "A 与 B 完全相同：词元相同，每个头的注意力也相同，所以没有任何变化。"
    assert "the same head of B" in ch.changes_caption(changes)


def test_the_command_lines_table():
    text = table(planted())
    lines = text.splitlines()
    assert lines[0].split() == ["h0", "h1", "h2"]
    assert lines[1].split() == ["L0", "prev", "sink", "·"] and lines[2].split() == ["L1", "ind", "off+2", "broad"]
    assert "prev = previous-token (1)" in text and "thresholds: induction 0.4" in text
