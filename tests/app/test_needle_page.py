"""The needle-in-a-haystack page on a tiny GPT-2 whose retrieval head is planted (tests/needle_model.py), in English
and 简体中文: the grid of depths × lengths and the heads' retrieval scores equal analysis.needle's, one case's steps
read as the planted head copies them, bad inputs said in the page's language."""
from pathlib import Path

import numpy as np
import pytest
from apphelpers import assert_clean, decode, figures, messages, open_page
from catalogue_check import not_in_catalogue
from needle_model import ANSWER, HAYSTACK, NEEDLE, QUESTION, planted

from attnviz import load_model
from attnviz.analysis import needle as nh
from attnviz.app.state import needle, sidebar
from attnviz.app.widgets.literal import escape

DEPTHS, LENGTHS, NEW = [0.0, 0.5, 1.0], [40, 90], 4


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return planted(tmp_path_factory.mktemp("needle") / "planted")


def _open(folder: Path, lang: str = "en", **changes):
    state = {sidebar.MODEL: "custom", sidebar.PATH: str(folder), sidebar.LANG: lang, needle.SOURCE: "own",
             needle.HAYSTACK: HAYSTACK, needle.NEEDLE: NEEDLE, needle.QUESTION: QUESTION, needle.ANSWER: ANSWER,
             needle.DEPTHS: ", ".join(str(d) for d in DEPTHS), needle.LENGTHS: ", ".join(map(str, LENGTHS)),
             needle.MAX_NEW: NEW, **changes}
    at = open_page(needle, state)
    assert_clean(at)
    return at


def test_the_grid_and_the_retrieval_scores_are_the_librarys(folder):
    expect = nh.grid(load_model(str(folder), device="cpu"), HAYSTACK, NEEDLE, QUESTION, ANSWER, DEPTHS, LENGTHS, NEW)
    at = _open(folder)
    assert at.title[0].value == "Needle in a haystack"
    assert messages(at, "info")[-1].startswith("6 cases (3 depths × 2 lengths).")
    assert not figures(at)  # nothing runs before the button
    at.button(key=needle.RUN).click().run()
    assert_clean(at)
    grid, scores = figures(at)
    assert np.allclose(decode(grid["data"][0]["z"]), expect.recall) and expect.right.all()
    assert grid["data"][0]["text"] == [["✓ 1.00", "✓ 1.00"]] * 3
    assert list(grid["data"][0]["y"]) == ["0%", "50%", "100%"] and list(grid["data"][0]["x"]) == ["40", "90"]
    assert np.allclose(decode(scores["data"][0]["z"]), expect.retrieval) and np.allclose(expect.retrieval[0],
                                                                                        [0.5, 0.25, 0, 0])
    assert scores["layout"]["title"]["text"].startswith("Retrieval score per head (Wu et al. 2024), mean over the 6 ")
    # the best head (layer 0, head 0) is read first: it copies the four words of the answer from the needle
    assert (at.number_input(key=needle.LAYER).value, at.number_input(key=needle.HEAD).value) == (0, 0)
    assert at.code[0].value.split() == ANSWER.split()
    steps = at.dataframe[0].value
    assert list(steps["written"]) == ANSWER.split() and list(steps["copied"]) == ["✓"] * 4
    at.number_input(key=needle.HEAD).set_value(2).run()  # the sink head: always the haystack's first word
    steps = at.dataframe[0].value
    assert len(set(steps["top key"])) == 1 and list(steps["copied"]) == [""] * 4
    assert set(steps["token"]) == {"start"}
    assert at.button(key=needle.RUN).label == "Run it again"
    assert at.query_params[needle.DEPTHS.param] == "0.0, 0.5, 1.0"
    assert at.query_params[needle.LENGTHS.param] == "40, 90"


def test_the_page_in_chinese(folder):
    at = _open(folder, "zh")
    at.button(key=needle.RUN).click().run()
    assert_clean(at)
    assert at.title[0].value == "大海捞针"
    grid, scores = figures(at)
    assert grid["layout"]["title"]["text"] == "找到针了吗？✓ 答对（召回率 &gt; 0.5），✗ 答错"
    assert list(at.dataframe[0].value.columns)[:2] == ["步数", "写出的词元"]
    words = tuple(HAYSTACK.split() + NEEDLE.split() + QUESTION.split())
    data = (HAYSTACK, NEEDLE, QUESTION, ANSWER, escape(ANSWER), *words, "custom", "auto", "cpu", "cuda", "mps",
            "Language · 语言", "English", "简体中文", "planted", "0.0, 0.5, 1.0", "40, 90")
    assert not_in_catalogue(at, data) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_inputs_are_said_and_nothing_runs(folder, lang):
    at = _open(folder, lang, **{needle.DEPTHS: "0, 2", needle.LENGTHS: "40, 500"})
    said = messages(at, "warning")
    if lang == "en":
        assert "Depths are numbers from 0 to 1, such as 0, 0.25, 0.5, 0.75, 1." in said
        assert any(w.startswith("A length of 500 tokens and 4 new ones pass the 128 tokens") for w in said), said
    else:
        assert len(said) == 2 and all("深度" in said[0] for _ in said[:1]), said
    assert not figures(at) and not at.button  # no run button while an input is wrong


def test_a_model_that_does_not_write_is_said(folder):
    at = open_page(needle, {sidebar.MODEL: "minilm"})
    assert_clean(at)
    assert any("The test needs a causal language model" in i for i in messages(at, "info"))
