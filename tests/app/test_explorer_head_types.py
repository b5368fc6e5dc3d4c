"""AppTest of the explorer's Head types view: the census drawn is the library's (figures.census on
analysis.headtypes.census), thresholds move it, a click opens a head's card, the card's button opens its heatmap,
and a task checkpoint is scored on its own sample (its induction head in layer 1)."""
from __future__ import annotations

import numpy as np
import pytest

from apphelpers import assert_clean, decode, figures, open_page
from catalogue_check import not_in_catalogue

from attnviz import capture
from attnviz.analysis.headtypes.census import census
from attnviz.figures import census as cf
from attnviz.app.shell.sidebar import DEFAULT_TEXT
from attnviz.app.state import explorer, sidebar

DATA = ("attnviz", "minilm", "auto", "cpu", "png", "svg", "Language · 语言", "English", "简体中文", "all-MiniLM-L6-v2")


def _census_figure(at) -> dict:
    found = [f for f in figures(at) if f["layout"]["title"]["text"].startswith(("Head types of", "all-MiniLM"))
             or "头类型" in f["layout"]["title"]["text"]]
    assert len(found) == 1, [f["layout"]["title"]["text"] for f in figures(at)]
    return found[0]


def _same_figure(drawn: dict, made) -> None:
    """The page's census figure holds what the library's figure of that census holds: cells, names, hovers."""
    assert np.array_equal(decode(drawn["data"][0]["z"]), np.asarray(made.data[0].z))
    if made.data[0].text is not None:  # each cell's type in a few letters, where the cells are wide enough
        assert drawn["data"][0]["text"] == [list(row) for row in made.data[0].text]
    assert list(drawn["data"][1]["hovertext"]) == list(made.data[1].hovertext)
    assert [d.get("name") for d in drawn["data"][2:]] == [d.name for d in made.data[2:]]  # types ≥ thresholds


@pytest.fixture(scope="module")
def measured(minilm):
    return census(minilm, DEFAULT_TEXT, cap=capture(minilm, DEFAULT_TEXT))


def test_the_census_is_the_librarys_and_its_card_the_heads_scores(measured):
    at = open_page(explorer, {explorer.VIEW: "Head types", explorer.LAYER: 1, explorer.HEAD: 4})
    assert_clean(at)
    _same_figure(_census_figure(at), cf.census_figure(measured))
    card = [f for f in figures(at) if f["layout"]["title"]["text"].startswith("layer 1 · head 4")]
    assert len(card) == 1
    want = cf.head_card(measured, 1, 4)
    assert np.allclose(decode(card[0]["data"][0]["x"]), np.asarray(want.data[0].x), atol=1e-9)
    assert at.dataframe[-1].value.equals(cf.head_card_table(measured, 1, 4))  # the card's table, drawn last
    assert any(c.value.startswith("Each head is coloured by the type") for c in at.caption)
    # every measured type has a slider at its threshold, and the table of definitions beside them
    for name in cf.measured(measured):
        assert at.slider(key=explorer.threshold(name)).value == pytest.approx(measured.thresholds[name])
    assert any(df.value.equals(cf.thresholds_table(measured)) for df in at.dataframe)


def test_a_threshold_moved_recolours_the_heads(measured):
    at = open_page(explorer, {explorer.VIEW: "Head types"})
    at.slider(key=explorer.threshold("previous_token")).set_value(0.05).run()
    assert_clean(at)
    moved = measured.with_thresholds({"previous_token": 0.05})
    assert moved.assigned != measured.assigned  # the move matters on this text
    _same_figure(_census_figure(at), cf.census_figure(moved))


def test_a_click_opens_the_heads_card_and_its_button_the_heatmap(measured):
    at = open_page(explorer, {explorer.VIEW: "Head types"})
    at.session_state[explorer.CENSUS_CHART] = {"selection": {"points": [{"customdata": [2, 5]}]}}
    at.run()
    assert_clean(at)
    assert (at.session_state[explorer.LAYER], at.session_state[explorer.HEAD]) == (2, 5)
    assert at.slider(key=explorer.LAYER).value == 2 and at.slider(key=explorer.HEAD).value == 5
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert f"layer 2 · head 5: {cf.head_name(measured, 2, 5)}" in titles
    at.button(key=explorer.CARD_OPEN).click().run()
    assert_clean(at)
    assert at.session_state[explorer.VIEW] == "Heatmap"
    assert [f["layout"]["title"]["text"] for f in figures(at)] == ["self-attention · layer 2 · head 5"]


def test_in_chinese_every_word_is_the_catalogues(measured):
    at = open_page(explorer, {sidebar.LANG: "zh", explorer.VIEW: "Head types"})
    assert_clean(at)
    assert _census_figure(at)["layout"]["title"]["text"] == cf.census_figure(measured, lang="zh").layout.title.text
    assert at.button(key=explorer.CARD_OPEN).label == "打开这个头的热力图"
    assert not_in_catalogue(at, DATA) == []


def test_a_task_checkpoint_is_scored_on_its_own_sample(induction_checkpoint):
    from attnviz.models.loading import load_model
    from attnviz.training.versus_start import checkpoint_sample, sample_census

    text, _ = checkpoint_sample(induction_checkpoint)
    at = open_page(explorer, {sidebar.MODEL: "custom", sidebar.PATH: str(induction_checkpoint), sidebar.TEXT: text,
                              explorer.VIEW: "Head types"})
    assert_clean(at)
    model = load_model(str(induction_checkpoint), device="cpu")
    want = sample_census(model, capture(model, text))
    assert want.heads_of("induction") and {layer for layer, _ in want.heads_of("induction")} == {1}
    _same_figure(_census_figure(at), cf.census_figure(want))
    assert any("repeat" in c.value for c in at.caption)  # the note: induction read on the sample's own repeat
