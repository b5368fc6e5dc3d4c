"""Views speak the language of their options: Chinese titles, axes, legends, tables and captions with lang="zh",
English by default (the command line and notebooks)."""
import re

import numpy as np
import pytest

from attnviz.figures import compare_plots, views
from attnviz.figures.views import ViewOptions

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_heatmap_english_by_default_and_chinese_when_asked(cap):
    en = views.heatmap(cap, layer=1, head=2).figure.layout
    assert en.title.text == "self-attention · layer 1 · head 2"
    assert en.xaxis.title.text == "key (attended to)" and en.yaxis.title.text == "query (attending)"
    zh = views.heatmap(cap, ViewOptions(lang="zh"), layer=1, head=2).figure
    assert zh.layout.title.text == "自注意力 · 第 1 层 · 第 2 个头"
    assert zh.layout.xaxis.title.text == "键（被关注）" and zh.layout.yaxis.title.text == "查询（发出注意力）"
    assert zh.data[0].colorbar.title.text == "权重"
    assert zh.data[0].hovertemplate.startswith("查询 %{y}<br>键 %{x}<br>权重")


@pytest.mark.parametrize("name", views.NAMES)
def test_every_view_title_is_chinese_with_lang_zh(cap, name):
    en, zh = views.build(cap, name, ViewOptions()), views.build(cap, name, ViewOptions(lang="zh"))
    assert not CJK.search(en.figure.layout.title.text or "")
    assert CJK.search(zh.figure.layout.title.text), (name, zh.figure.layout.title.text)
    if en.caption:
        assert not CJK.search(en.caption) and CJK.search(zh.caption), name


def test_tables_legends_and_hover_in_chinese(cap):
    hv = views.head_view(cap, ViewOptions(lang="zh", heads=(0, 1)))
    assert list(hv.table.columns) == ["头", "查询", "键", "权重"]
    assert [d.name for d in hv.figure.data if d.showlegend is not False][:2] == ["头 0", "头 1"]
    stats = views.statistics(cap, ViewOptions(lang="zh", stat="mean distance"))
    assert stats.figure.layout.title.text == "每个头的平均距离"
    assert list(stats.table.columns[:3]) == ["层", "头", "熵"]
    qk = views.qk(cap, ViewOptions(lang="zh"))
    assert list(qk.table.columns) == ["角色", "位置", "词元", "x", "y"] and set(qk.table["角色"]) == {"查询", "键"}
    assert qk.figure.layout.xaxis.title.text == "主成分 1"
    mv = views.model_view(cap, ViewOptions(lang="zh"))
    assert mv.figure.data[1].hovertemplate.startswith("第 %{customdata[0]} 层 · 第 %{customdata[1]} 个头")
    assert views.head_view(cap).table.columns[0] == "head"  # English stays the default


def test_refusals_in_chinese(cap):
    with pytest.raises(ValueError, match="没有可显示的词元"):
        views.heatmap(cap, ViewOptions(lang="zh", window=(1, 1)))
    with pytest.raises(ValueError, match="No tokens are left"):
        views.heatmap(cap, window=(1, 1))


def test_compare_figures_in_chinese():
    diff = compare_plots.difference_heatmap(np.eye(3) * 0.1, ["a", "b", "c"], "t", lang="zh")
    assert diff.layout.xaxis.title.text == "键（被关注）" and diff.data[0].hovertemplate.startswith("查询")
    dist = compare_plots.distance_matrix(np.zeros((2, 2)), (1, 2), (1, 2), [(0, 0, 0.0), (0, 1, 0.0)], "t", lang="zh")
    assert dist.data[0].colorbar.title.text == "JS 距离" and dist.data[2].name == "A 每个头最接近的 B 头"


def test_projection_axes_name_the_method():
    """PCA's axes are principal components; t-SNE's and UMAP's are only dimensions of the embedding."""
    from attnviz.figures.plots import qk_scatter

    xy = np.arange(8, dtype=float).reshape(4, 2)
    args = (xy[:2], xy[2:], ["a", "b"], ["a", "b"])
    assert qk_scatter(*args).layout.xaxis.title.text == "PC 1"
    tsne = qk_scatter(*args, method="t-SNE").layout
    assert tsne.xaxis.title.text == "t-SNE dimension 1" and tsne.yaxis.title.text == "t-SNE dimension 2"
    assert qk_scatter(*args, method="UMAP", lang="zh").layout.xaxis.title.text == "UMAP 第 1 维"
