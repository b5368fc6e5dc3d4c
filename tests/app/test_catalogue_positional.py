"""The positional-encodings page in English and 简体中文: every tab, with a learned, a rotary and a sinusoidal
model, shows only catalogue strings; the Chinese page reads in Chinese, with the same numbers."""
import pytest

from apphelpers import assert_clean, figures, open_page
from catalogue_check import not_in_catalogue

from attnviz.app.state import positions, sidebar
from attnviz.models.registry import OFFLINE_MODELS

# the language and device names, and the bundled models by name (presentation mode's bar lists them)
SHARED = ("English", "简体中文", "auto", "cpu", "cuda", "mps", *OFFLINE_MODELS)
# Streamlit draws every tab in one run, so each model shows all five tabs at once.
MODELS = {
    "minilm (learned)": {},
    "glassllm (rotary)": {sidebar.MODEL: "glassllm-en", positions.EFFECT_MODE: "removed"},
    "scratch encoder (sinusoidal)": {sidebar.MODEL: "scratch-encoder", positions.EFFECT_MODE: "removed",
                                     positions.LEARNED_SKIP0: False},
}


def _open(lang: str, state: dict | None = None):
    at = open_page(positions, {sidebar.LANG: lang, **(state or {})})
    assert_clean(at)
    return at


def _text(at) -> str:
    return " ".join(el.value for kind in ("markdown", "caption", "info", "success", "warning", "subheader")
                    for el in at.get(kind))


@pytest.mark.parametrize("model", list(MODELS))
def test_every_string_is_in_a_catalogue_in_both_languages(model):
    at = {lang: _open(lang, MODELS[model]) for lang in ("en", "zh")}
    for lang in at:
        assert not_in_catalogue(at[lang], SHARED) == [], (lang, model)
    # the same figures with the same data: only their words change
    figs = {lang: figures(at[lang]) for lang in at}
    assert len(figs["en"]) == len(figs["zh"])
    for en, zh in zip(figs["en"], figs["zh"]):
        assert [d.get("z", d.get("y")) for d in en["data"]] == [d.get("z", d.get("y")) for d in zh["data"]]
    assert [el.value for el in at["en"].latex] == [el.value for el in at["zh"].latex]


def test_chinese_tabs_prose_and_figure_labels():
    at = _open("zh", {positions.D_MODEL: 16, positions.LENGTH: 20})
    assert at.title[0].value == "位置编码"
    assert [tab.label for tab in at.tabs] == ["正弦编码", "可学习编码", "旋转编码（RoPE）", "模型实际用的编码", "对注意力的影响"]
    text = _text(at)
    assert "平移就是旋转" in text and "相似度只取决于距离" in text
    assert "学习了一张 **512 个位置 × 384 个维度** 的表" in text  # numbers as in English
    assert "捕获到的各行与表 `embeddings.position_embeddings` 的第 0–12 行相同" in text
    assert "可学习的位置编码是一张加到词嵌入上的表" in text  # why MiniLM has no bias-by-distance curve
    heat = figures(at)[0]
    assert heat["layout"]["xaxis"]["title"]["text"] == "维度"
    # a short Chinese y title stands upright above the axis (attnviz.figures.axis_titles), not rotated beside it
    assert [a["text"] for a in heat["layout"]["annotations"]] == ["位置"] and not heat["layout"]["yaxis"].get("title", {}).get("text")
    waves = figures(at)[1]
    assert [d["name"] for d in waves["data"]][:2] == ["维度 0（sin）", "维度 1（cos）"]
    assert at.radio(key=positions.EFFECT_MODE).options == ["打乱", "移除"]


def test_chinese_rotary_model():
    at = _open("zh", {sidebar.MODEL: "glassllm-en", positions.ROPE_PICKERS.layer: 1, positions.ROPE_PICKERS.head: 2})
    text = _text(at)
    assert "使用 `glassllm-en`：d_head = 32。" in text
    assert "词元" in text and "层 1，头 2，旋转之前" in text
    assert "使用 **旋转** 位置编码" in text
    rot = [f for f in figures(at) if f["layout"].get("xaxis", {}).get("title", {}).get("text") == "相对距离 m − n"]
    assert len(rot) == 1


def test_chinese_effect_titles():
    at = _open("zh", {sidebar.MODEL: "scratch-encoder", positions.EFFECT_MODE: "removed"})
    titles = [f["layout"].get("title", {}).get("text") for f in figures(at)]
    assert "带位置编码" in titles and "位置被去掉" in titles
    assert "所有层、所有头中最大的变化" in _text(at)


def test_presentation_mode_in_chinese():
    at = _open("zh", {sidebar.PRESENT: True})
    assert not_in_catalogue(at, SHARED) == []
    fig = figures(at)[0]
    assert fig["layout"]["height"] == 600 and fig["layout"]["xaxis"]["tickfont"]["size"] == 18
