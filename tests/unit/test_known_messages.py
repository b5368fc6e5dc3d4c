"""The package's own messages that the catalogue knows are found, with what varies, and said in Chinese."""
from functools import partial

import pytest

from attnviz.core.errors import BadText, ModelNotFound
from attnviz.lessons.catalogue import lookup
from attnviz.ui import errors


@pytest.fixture
def zh(monkeypatch):
    monkeypatch.setattr(errors, "lang", lambda: "zh")
    monkeypatch.setattr(errors, "t", partial(lookup, "zh"))


def test_known_messages_are_translated_with_their_values(zh):
    assert errors.note("The text is 602 tokens; this model takes 512, so only the first 512 are shown.") == \
        "这段文本有 602 个词元；这个模型最多接受 512 个，所以只显示前 512 个。"
    assert errors.say(BadText("The text is empty: type a prompt for the model to continue.")) == \
        "文本为空：输入一段提示，让模型接着写。"
    # a different number at the second {limit} is not the same message
    assert errors.note("The text is 602 tokens; this model takes 512, so only the first 500 are shown.").startswith("The")


def test_unknown_errors_get_a_sentence_for_their_kind(zh):
    said = errors.say(ModelNotFound("There is no folder at `/x`. Check the path."))
    assert said == "找不到这个模型。详情：There is no folder at `/x`. Check the path."


def test_english_is_left_as_it_is(monkeypatch):
    monkeypatch.setattr(errors, "lang", lambda: "en")
    assert errors.say(ModelNotFound("There is no folder at `/x`.")) == "There is no folder at `/x`."


def test_capture_notes_that_the_package_writes_are_said_in_chinese(zh):
    """The notes come from the package itself, so a reworded note would fail here, not pass as English."""
    from attnviz import capture, load_model

    cap = capture(load_model("scratch-decoder", device="cpu"), "one two three", mode="qk")
    assert cap.mode == "eager" and len(cap.notes) == 1
    said = errors.note(cap.notes[0])
    assert said.endswith("是从零搭建的模型，不能用“查询与键”模式：已改为存下全部注意力权重（eager）。"), said
    assert errors.note("This model does not take attnviz's recording attention function; its weights come from "
                       "plain eager attention and \"explain this cell\" is not available.").startswith("这个模型不使用")
    assert errors.note("The target is 70 tokens with the start token; this model takes 64, so only the first 64 "
                       "are shown.") == "目标文本加上起始词元共 70 个词元；这个模型最多接受 64 个，所以只显示前 64 个。"
