"""The worked example's notes, checks and cell messages in each language: same facts, same numbers."""
import re

import numpy as np
from torch import nn

from attnviz.core.types import ModelInfo
from attnviz.figures.positions import position_bias_figure, waves
from attnviz.lessons.cells import parse_cell, parse_grid
from attnviz.lessons.worked_example import mistake_effect, preset, seed_notes, source


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def test_seed_notes_say_the_same_numbers_in_both_languages():
    for name in ("seed-000", "seed-001"):
        en, zh = seed_notes(name), seed_notes(name, lang="zh")
        assert len(en) == len(zh) > 0
        for a, b in zip(en, zh):
            assert set(_numbers(a)) == set(_numbers(b)), (a, b)
    assert seed_notes("custom", lang="zh") == []
    assert "softmax 一行的权重之和为 1" in " ".join(seed_notes("seed-000", lang="zh"))
    assert source("seed-001", lang="zh") == ("“Transformer is powerful”：三个词，以及它们的词嵌入和位置编码。"
                                        "出自文章《Transformer注意力机制的发展历程与里程碑》。")


def test_checks_and_cells_in_chinese():
    spec = preset("seed-001")
    spec.W_Q = np.eye(2)
    assert spec.check(lang="zh") == ["W_Q 须是 3×3 的矩阵（现在是 2×2）。"]
    assert spec.check() == ["W_Q must be 3×3 (it is 2×2)."]
    assert parse_cell("abc", lang="zh") == (None, "'abc' 不是数字")
    assert parse_cell("", lang="zh")[1] == "这一格是空的"
    assert parse_grid([["1", "2"]], (2, 2), lang="zh")[1][0].message == "它有 1×2 格，需要 2×2 格"
    note = mistake_effect(preset("seed-001", weights="random"), "scale_d_model", lang="zh")["note"]
    assert note.startswith("只有一个头时 d_k = d_model")


def test_position_figures_in_chinese():
    assert [d.name for d in waves(np.zeros((4, 4)), [0, 1], lang="zh").data] == ["维度 0（sin）", "维度 1（cos）"]
    info = ModelInfo(name="m", family="hugging face", architecture="decoder", model_type="falcon", n_layers=1,
                     n_heads=4, n_kv_heads=4, d_model=32, d_head=8, positional="alibi", n_params=0,
                     max_positions=32, causal=True)
    fig, text = position_bias_figure(info, nn.Module(), distance=4, lang="zh")
    assert text.startswith("ALiBi 给每个分数加上 −m·(i − j)") and fig.data[0].name == "头 0"
    assert position_bias_figure(ModelInfo(**{**info.__dict__, "positional": "rotary"}), nn.Module(),
                                lang="zh")[1].startswith("旋转位置编码是旋转查询和键")
