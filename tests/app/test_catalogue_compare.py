"""The compare page in English and 简体中文: labels, messages and figure titles come from the catalogues."""
import pytest
from apphelpers import assert_clean, figures, messages, open_page, panes
from catalogue_check import not_in_catalogue

from attnviz.i18n import translate
from attnviz.app.state import compare, sidebar

HE, SHE = "The doctor said he was late.", "The doctor said she was late."
DATA = ("attnviz", "minilm", "glassllm-en", "auto", "cpu", "cuda", "mps", "Language · 语言", "English", "简体中文",
        "png", "svg", HE, SHE, "/path/to/model",
        "A: all-MiniLM-L6-v2", "B: all-MiniLM-L6-v2")  # the census strips' legend: a side and a model's name


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("view", ["Heatmap", "Head view", "Model view", "Aggregates", "Statistics", "Query–key"])
def test_every_view_speaks_the_chosen_language(lang, view):
    at = open_page(compare, {sidebar.LANG: lang,
                             **panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": SHE}),
                             compare.VIEW: view})
    assert_clean(at)
    assert at.title[0].value == translate(lang, "Compare side by side")
    assert at.radio(key=compare.VIEW).label == translate(lang, "View (each pane, through the explorer's own view functions)")
    assert not at.error, [e.value for e in at.error]
    assert not_in_catalogue(at, DATA) == []


def test_chinese_panes_titles_and_headers(minilm):
    at = open_page(compare, {sidebar.LANG: "zh",
                             **panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": SHE}),
                             compare.LAYER_A: 5, compare.HEAD_A: 3})
    assert_clean(at)
    assert at.selectbox(key=compare.pane("a", "model")).label == "模型 A"
    assert at.toggle(key=compare.LOCK).label == "B 跟随 A"
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert titles[:2] == ["自注意力 · 第 5 层 · 第 3 个头"] * 2
    assert titles[2:] == ["变化最大的 10 个头", "B 第 5 层第 3 个头 − A 第 5 层第 3 个头", "A 的头（行）× B 的头（列）",
                          "A 与 B 的头类型（按相对深度）"]
    assert [h.value for h in at.subheader] == ["变化了什么", "对齐词元上的差值 B − A", "B 的哪个头在做 A 的某个头所做的事？",
                                               "A 和 B 的头类型", "A 和 B 的注意力头统计",
                                               "哪些头承载了 A 与 B 之间的差别？"]
    assert list(at.dataframe[0].value.columns) == ["名次", "A 的头", "B 的头", "距离", "单元格最大变化"]
    assert list(at.dataframe[-1].value.columns[:5]) == ["头编号", "窗格", "层", "头", "相对深度"]


def test_a_pane_that_fails_says_so_in_chinese():
    at = open_page(compare, {sidebar.LANG: "zh",
                             **panes({"model": "minilm", "text": HE},
                                     {"model": "custom", "path": "/no/such/model", "text": HE})})
    assert_clean(at)
    errors = messages(at, "error")
    assert errors == ["窗格 B 出错：`/no/such/model` 处没有文件夹。请检查路径，或选择一个离线模型。"], errors
    assert any("窗格 B 没有加载成功" in i.value for i in at.info)


def test_shuffled_positions_note_in_chinese():
    at = open_page(compare, {sidebar.LANG: "zh",
                             **panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": HE, "pos": "shuffled"})})
    assert_clean(at)
    assert "窗格 B：位置编码已打乱：位置编码在各位置之间随机置换（随机种子 0）。" in [c.value for c in at.caption]
