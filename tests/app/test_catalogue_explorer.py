"""The explorer in English and 简体中文: every view's labels, messages and figure titles come from the catalogues."""
import pytest
from apphelpers import assert_clean, figures, messages, open_page
from catalogue_check import not_in_catalogue

from attnviz.app.widgets.literal import escape
from attnviz.i18n import translate
from attnviz.app.state import explorer, sidebar

# what the page may show that is data, not prose: model ids, devices, file formats, projection names
DATA = ("attnviz", "minilm", "glassllm-en", "auto", "cpu", "cuda", "mps", "Language · 语言", "English", "简体中文",
        "png", "svg", "PCA", "t-SNE", "UMAP")
def _rows(at) -> list[str]:
    """The sentence map's rows as its picker names them (the text's own words)."""
    return [o for box in at.selectbox if box.key == explorer.SENTENCE for o in box.options]


MAIN_VIEWS = ["Heatmap", "Head view", "Model view", "Text", "Sentences", "Aggregates", "Statistics", "Query–key",
              "Generate", "Head types"]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("view", MAIN_VIEWS)
def test_every_view_speaks_the_chosen_language(lang, view):
    at = open_page(explorer, {sidebar.LANG: lang, explorer.VIEW: view})
    assert_clean(at)
    assert at.title[0].value == translate(lang, "Explorer")
    radio = at.radio(key=explorer.VIEW)
    assert radio.label == translate(lang, "View")
    assert radio.options == [translate(lang, v) for v in
                             MAIN_VIEWS]
    assert not at.error, [e.value for e in at.error]
    text = at.session_state[sidebar.TEXT]  # the sentence map quotes the text's sentences
    assert not_in_catalogue(at, DATA + (text, escape(text), *_rows(at))) == []


def test_chinese_labels_and_figure_titles():
    at = open_page(explorer, {sidebar.LANG: "zh", explorer.LAYER: 2, explorer.HEAD: 4})
    assert_clean(at)
    assert at.selectbox(key=explorer.FOCUS).label == "聚焦于一个查询词元"
    assert at.toggle(key=explorer.HIDE).label == "隐藏特殊词元"
    title = figures(at)[0]["layout"]["title"]["text"]
    assert title == "自注意力 · 第 2 层 · 第 4 个头"
    assert figures(at)[0]["layout"]["xaxis"]["title"]["text"] == "键（被关注）"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "矩阵（CSV）" in labels and "整个捕获（NPZ）" in labels
    assert any(m.value.startswith("**指向这个视图的链接**") for m in at.markdown)
    assert at.query_params[sidebar.LANG.param] == "zh"


def test_chinese_statistics_table_and_options():
    at = open_page(explorer, {sidebar.LANG: "zh", explorer.VIEW: "Statistics", explorer.STAT: "mean distance"})
    assert_clean(at)
    assert at.selectbox(key=explorer.STAT).value == "mean distance"  # the value stays the key a link carries
    assert "平均距离" in at.selectbox(key=explorer.STAT).options
    assert figures(at)[0]["layout"]["title"]["text"] == "每个头的平均距离"
    table = at.dataframe[0].value
    assert list(table.columns[:3]) == ["层", "头", "熵"] and "聚类" in table.columns
    assert list(table.columns[-3:]) == ["α₁（第一个词元）", "得到权重最多的键", "它们的占比"]  # the sinks


def test_a_link_value_out_of_range_is_said_in_chinese():
    at = open_page(explorer, {sidebar.LANG: "zh", explorer.LAYER: 40})
    assert_clean(at)
    assert any("这里没有层 40" in i.value for i in at.info), [i.value for i in at.info]


def test_a_long_text_is_cut_and_said_in_chinese():
    at = open_page(explorer, {sidebar.LANG: "zh", sidebar.TEXT: "word " * 600})
    assert_clean(at)
    warnings = [w.value for w in at.warning]
    # longer than the model reads: the sidebar's window picker chooses the part read, and the page says which
    assert "读取的是 600 个词元中的第 0–509 个：前面截去 0 个，后面截去 90 个。" in warnings, warnings


def test_a_missing_folder_is_said_in_chinese(tmp_path):
    folder = tmp_path / "no-such-model"
    at = open_page(explorer, {sidebar.LANG: "zh", sidebar.MODEL: "custom", sidebar.PATH: str(folder)})
    assert_clean(at)
    errors = messages(at, "error")
    assert errors == [f"`{folder}` 处没有文件夹。请检查路径，或选择一个离线模型。"], errors
    at = open_page(explorer, {sidebar.LANG: "en", sidebar.MODEL: "custom", sidebar.PATH: str(folder)})
    assert messages(at, "error") == [f"There is no folder at `{folder}`. Check the path, or pick one of the "
                                           "offline models."]
