"""AppTest of what the compare page says changed: the heads ranked (the library's head_changes), a bar or a row
opening A's and B's heads side by side, the identical-panes note instead of a blank B − A map, the two censuses
side by side, panes laid out for their width, which model picker applies, and the checkpoint set-up on the task's
own sample (the induction head appears)."""
from __future__ import annotations

import numpy as np
import pytest

from apphelpers import assert_clean, decode, figures, messages, open_page, panes
from catalogue_check import not_in_catalogue

from attnviz import capture
from attnviz.analysis.compare import compare
from attnviz.analysis.head_changes import head_changes
from attnviz.analysis.headtypes.census import census
from attnviz.analysis.headtypes.side_by_side import side_by_side
from attnviz.figures import changes as ch
from attnviz.figures import views
from attnviz.figures.census_compare import census_strips, strips_table
from attnviz.figures.compare_plots import PANE_PX
from attnviz.app.pages.compare.patching import SENTENCE as PATCH_SENTENCE
from attnviz.app.widgets.literal import escape
from attnviz.app.state import compare as K
from attnviz.app.state import sidebar

HE, SHE = "The doctor said he would be late.", "The doctor said she would be late."
DATA = ("attnviz", "minilm", "auto", "cpu", "png", "svg", "Language · 语言", "English", "简体中文", "A", "B",
        "all-MiniLM-L6-v2", "A: all-MiniLM-L6-v2", "B: all-MiniLM-L6-v2", HE, SHE,
        # a patching of these texts already computed on this server is shown at once (another test may have run it)
        PATCH_SENTENCE, escape(PATCH_SENTENCE))


def _titles(at) -> list[str]:
    return [f["layout"]["title"]["text"] for f in figures(at)]


def _titled(at, start: str) -> dict:
    found = [f for f in figures(at) if f["layout"]["title"]["text"].startswith(start)]
    assert len(found) == 1, _titles(at)
    return found[0]


@pytest.fixture(scope="module")
def he_she(minilm):
    a, b = capture(minilm, HE), capture(minilm, SHE)
    return a, b, head_changes(compare(a, b), a, b)


def test_the_heads_that_changed_most_are_the_librarys_ranking(he_she):
    cap_a, cap_b, changes = he_she
    at = open_page(K, panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": SHE}))
    assert_clean(at)
    bars = _titled(at, "The 10 heads that changed most")["data"][0]
    want = ch.changes_figure(changes)
    assert list(bars["y"]) == list(want.data[0].y) and np.allclose(decode(bars["x"]), want.data[0].x, atol=1e-9)
    assert bars["y"][0] == "A L4 h9 → B L4 h9"  # the largest change, which had to be found by eye
    table = at.dataframe[0].value
    assert table.equals(ch.changes_table(changes)) and len(table) == 72  # every head, the most changed first
    assert any(ch.changes_caption(changes) in c.value for c in at.caption)
    assert "B layer 0 head 0 − A layer 0 head 0" in _titles(at)  # not identical: the difference is drawn


def test_a_bar_or_a_row_opens_both_heads_side_by_side(he_she):
    second = he_she[2].ranked[1]
    at = open_page(K, panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": SHE}))
    at.session_state[K.CHANGES_CHART] = {"selection": {"points": [{"customdata": [4, 9, 4, 9, 0.49]}]}}
    at.run()
    assert_clean(at)
    assert _titles(at)[:2] == ["self-attention · layer 4 · head 9"] * 2
    assert at.session_state[K.LOCK] is False and "B layer 4 head 9 − A layer 4 head 9" in _titles(at)
    at.session_state[K.CHANGES_TABLE] = {"selection": {"rows": [1], "columns": []}}  # the second most changed
    at.run()
    assert _titles(at)[:2] == [f"self-attention · layer {second.layer_a} · head {second.head_a}"] * 2
    at.slider(key=K.LAYER_A).set_value(3).run()  # the row stays selected: it opened once, the slider now rules
    assert _titles(at)[0] == f"self-attention · layer 3 · head {second.head_a}"


def test_identical_panes_say_so_instead_of_a_blank_map():
    at = open_page(K, panes({"model": "minilm", "text": HE}))  # B starts as a copy of A
    assert_clean(at)
    assert "A and B are identical: the same tokens and the same attention in every head, so nothing changed." \
        in messages(at, "info")
    titles = _titles(at)
    assert not [t for t in titles if t.startswith(("B layer", "The 10"))]  # no blank B − A, no empty ranking
    assert "A heads (rows) × B heads (columns)" in titles
    at = open_page(K, {sidebar.LANG: "zh", **panes({"model": "minilm", "text": HE})})
    assert any(m.startswith("A 与 B 完全相同") for m in messages(at, "info")), messages(at, "info")


def test_the_two_censuses_side_by_side_are_the_librarys(minilm, glass):
    at = open_page(K, panes({"model": "minilm", "text": HE}, {"model": "glassllm-en", "text": HE}))
    assert_clean(at)
    ca = census(minilm, HE, cap=capture(minilm, HE))
    cb = census(glass, HE, cap=capture(glass, HE))
    rows = side_by_side(ca, cb)
    want = census_strips(rows, 6, 4, minilm.info.name, glass.info.name)
    drawn = _titled(at, "Head types of A and B")
    for got, made in zip(drawn["data"], want.data):
        assert got["name"] == made.name and [list(c) for c in got["customdata"]] == [list(c) for c in made.customdata]
        assert np.allclose(decode(got["x"]), made.x, atol=1e-9)
    assert drawn["layout"]["yaxis"]["ticktext"] == list(want.layout.yaxis.ticktext)
    assert any(df.value.equals(strips_table(rows)) for df in at.dataframe)
    # a head's point opens it in its pane: B's unlocks B
    at.session_state[K.STRIPS_CHART] = {"selection": {"points": [{"customdata": [3, 1, 1]}]}}
    at.run()
    assert at.session_state[K.LOCK] is False and _titles(at)[1] == "self-attention · layer 3 · head 1"


def test_panes_lay_their_labels_out_for_a_panes_width_and_say_which_picker_applies(minilm):
    at = open_page(K, panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": SHE}))
    want = views.heatmap(capture(minilm, HE), views.ViewOptions(width=PANE_PX)).figure.layout.xaxis
    drawn = figures(at)[0]["layout"]["xaxis"]
    assert drawn["tickangle"] == want.tickangle == -90 and drawn["ticktext"] == list(want.ticktext)
    assert any(c.value.startswith("On this page each pane's own model and text apply, not the sidebar's")
               for c in at.caption)


def test_in_chinese_what_changed_and_the_censuses_are_the_catalogues():
    at = open_page(K, {sidebar.LANG: "zh", **panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": SHE})})
    assert_clean(at)
    assert "变化最大的 10 个头" in _titles(at) and "A 与 B 的头类型（按相对深度）" in _titles(at)
    assert "变化了什么" in [s.value for s in at.subheader]
    assert not_in_catalogue(at, DATA) == []


def test_checkpoint_against_its_start_reads_the_tasks_sample_and_the_induction_head_appears(
        induction_checkpoint, monkeypatch):
    from attnviz.core import settings
    from attnviz.training.versus_start import checkpoint_sample, versus_start

    monkeypatch.setenv("ATTNVIZ_CHECKPOINT_DIR", str(induction_checkpoint.parent))
    settings.current.cache_clear()
    try:
        at = open_page(K)
        at.pills(key=K.SETUP).set_value("checkpoint").run()
    finally:
        monkeypatch.delenv("ATTNVIZ_CHECKPOINT_DIR")
        settings.current.cache_clear()
    assert_clean(at)
    text, _target = checkpoint_sample(induction_checkpoint)
    assert at.session_state[K.pane("a", "text")] == at.session_state[K.pane("b", "text")] == text  # not the cat
    assert at.session_state[K.pane("b", "model")] == "untrained"
    v = versus_start(induction_checkpoint)
    induction = next(r for r in v.types if r.name == "induction")
    assert induction.only_a and {layer for layer, _ in induction.only_a} == {1}
    table = next(df.value for df in at.dataframe if "only in A" in df.value.columns)
    assert table.equals(strips_table(v.types, same_shape=True))
    row = table[table["type"] == "induction"].iloc[0]
    assert row["only in A"] == ", ".join(f"L{l} h{h}" for l, h in induction.only_a) and row["heads of B"] == ""
    ranked = at.dataframe[0].value
    assert ranked.equals(ch.changes_table(v.changes))  # the same ranking the library makes of the same sample
