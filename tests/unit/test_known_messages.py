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
