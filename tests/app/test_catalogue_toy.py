"""The worked example in English and 简体中文: every string it shows is in a catalogue, and its numbers do not
depend on the language."""
import numpy as np
import pytest

from apphelpers import assert_clean, messages, open_page
from catalogue_check import not_in_catalogue

from attnviz.i18n import translate
from attnviz.app.state import worked_example, sidebar
from attnviz.models.registry import OFFLINE_MODELS

# The sidebar's language names and device names are the same in every language (not this page's strings).
# the language and device names, and the bundled models by name (presentation mode's bar lists them)
SHARED = ("English", "简体中文", "auto", "cpu", "cuda", "mps", *OFFLINE_MODELS)
# Every setting of the page a visitor can reach: presets, sizes, masks, heads, scaling off, each mistake.
MODES = {
    "seed-001": {},
    "seed-001 sinusoidal, causal, unscaled": {worked_example.SINUSOIDAL_PE: True, worked_example.MASK: "causal",
                                              worked_example.SCALE: False},
    "seed-000": {worked_example.PRESET: "seed-000", worked_example.MISTAKE: "v_times_weights"},
    "custom, 2 heads, padding": {worked_example.PRESET: "custom", worked_example.WEIGHTS: "random",
                                 worked_example.SEED: 3, worked_example.HEADS: 2,
                                 worked_example.MASK: "padding", worked_example.PADDING: 1,
                                 worked_example.MISTAKE: "scale_d_model"},
    "custom, labels that do not fit": {worked_example.PRESET: "custom", worked_example.N_TOKENS: 5,
                                       worked_example.LABELS: "我，爱，北京",
                                       worked_example.MISTAKE: "v_times_weights"},
    "one head, d_model mistake": {worked_example.MISTAKE: "scale_d_model"},
    "no scaling mistake": {worked_example.MISTAKE: "no_scale"},
}


def _open(lang: str, state: dict | None = None):
    at = open_page(worked_example, {sidebar.LANG: lang, **(state or {})})
    assert_clean(at)
    return at


def _numbers(at) -> tuple:
    """What the page computed and printed: every intermediate, its formulas, its tables."""
    steps = at.session_state[worked_example.SHOWN]
    latex = [el.value for el in at.latex]
    tables = [el.value.to_numpy().tolist() for el in at.dataframe]
    return steps, latex, tables


@pytest.mark.parametrize("mode", list(MODES))
def test_every_string_is_in_a_catalogue_and_the_numbers_agree(mode):
    at = {lang: _open(lang, MODES[mode]) for lang in ("en", "zh")}
    for lang in at:
        assert not_in_catalogue(at[lang], SHARED) == [], (lang, mode)
    (steps_en, latex_en, tables_en), (steps_zh, latex_zh, tables_zh) = _numbers(at["en"]), _numbers(at["zh"])
    assert steps_en.keys() == steps_zh.keys()
    for name in steps_en:
        assert np.array_equal(steps_en[name], steps_zh[name]), name
    assert latex_en == latex_zh  # the worked cell, term by term, is the same in both languages
    assert [len(t) for t in tables_en] == [len(t) for t in tables_zh]
    # the number tables (not the article table, whose words differ) print the same digits
    numeric = [i for i, t in enumerate(tables_en) if all(isinstance(v, str) and v.replace(".", "").replace("−", "")
                                                         .replace("-", "").replace("∞", "").isdigit() for r in t for v in r)]
    assert numeric and all(tables_en[i] == tables_zh[i] for i in numeric)


def test_chinese_page_reads_in_chinese():
    at = _open("zh")
    assert at.title[0].value == "手算示例：一步一步算出注意力"
    headers = [h.value for h in at.header]
    assert {"逐步计算", "算出一个单元格", "为什么要除以 √d_k？", "常见错误", "文章哪里算错了"} <= set(headers)
    assert at.radio(key=worked_example.PRESET).options == ["“Transformer is powerful”（3 个词）", "直接给出 Q、K、V（2 个词元）", "自定义"]
    assert at.selectbox(key=worked_example.MASK).options == ["无", "因果掩码", "填充掩码"]
    captions = " ".join(c.value for c in at.caption)
    assert "出自文章《Transformer注意力机制的发展历程与里程碑》" in captions
    assert "d_k = 3，所以每个分数都除以 √3 = 1.7321。" in captions  # the number formatted as in English
    notes = " ".join(m.value for m in at.markdown)
    assert "`np.softmax` 并不存在" in notes


def test_the_articles_mistakes_are_explained_in_chinese():
    at = _open("zh", {worked_example.PRESET: "seed-000"})
    notes = " ".join(m.value for m in at.markdown)
    assert "0.5·0.5 + 1·1 = 1.25" in notes and "softmax 一行的权重之和为 1" in notes
    article = [el.value for el in at.dataframe if "文中的结果" in el.value.columns][0]
    assert list(article.columns) == ["文中的结果", "重新计算"]
    assert article["重新计算"][2] == "没有第三个键（只给了两行）"
    assert article["重新计算"][0] == "α₁₁ = 0.3704"  # the same number the English page shows


def test_chinese_messages_for_what_a_visitor_typed():
    at = _open("zh", {worked_example.PRESET: "custom", worked_example.N_TOKENS: 5, worked_example.LABELS: "我，爱，北京"})
    assert "请给出 5 个非空标签；在此之前暂用 t0、t1、…。" in messages(at, "warning")
    at = _open("zh", {worked_example.MISTAKE: "np_softmax"})
    assert "运行这段代码时，Python 报错如下：" in [m.value for m in at.markdown]
    at = _open("zh", {worked_example.PRESET: "custom", worked_example.N_TOKENS: 5,
                      worked_example.MISTAKE: "v_times_weights"})
    assert any(translate("zh", "shape error: V is {v_rows}×{v_cols} and Aᵀ is {a_rows}×{a_cols}; V·Aᵀ only multiplies when d_v equals the number of tokens, and even then it mixes dimensions instead of tokens.", v_rows=5, v_cols=4, a_rows=5, a_cols=5) == c.value
               for c in at.code)


def test_full_width_commas_split_chinese_labels():
    at = _open("zh", {worked_example.PRESET: "custom", worked_example.N_TOKENS: 3, worked_example.LABELS: "我，爱,北京"})
    assert at.session_state[worked_example.LAST_GOOD].spec.tokens == ["我", "爱", "北京"]
    assert not at.warning


def test_real_model_cell_in_chinese():
    at = _open("zh", {worked_example.REAL: True})
    assert not_in_catalogue(at, SHARED) == []
    success = at.success[0].value
    assert success.startswith("重新计算得 ") and "自注意力" in success and "层 0，头 0" in success


def test_presentation_mode_tables_grow_and_keep_typed_labels_literal():
    at = _open("zh", {sidebar.PRESENT: True, worked_example.PRESET: "custom", worked_example.N_TOKENS: 2,
                      worked_example.LABELS: "**b**,[x](y)"})
    assert not_in_catalogue(at, SHARED) == []
    # the results are HTML tables, whose type follows the presentation CSS; only the editors stay grids
    assert at.table and all(el.key.startswith(worked_example.editor("")) for el in at.dataframe)
    x = at.table[0].value
    assert list(x.index) == [r"\*\*b\*\*", r"\[x\]\(y\)"]  # markdown in a label is shown, not rendered
    assert x.iloc[0, 0].replace("\\", "") == f"{at.session_state[worked_example.SHOWN]['X'][0, 0]:.4f}"
