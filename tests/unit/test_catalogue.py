"""The gettext catalogues: every message the code says is extracted, translated, reviewed and compiled; a changed
English message turns fuzzy and fails the check until its translation is reviewed."""
import shutil

import pytest

from attnviz import i18n
from attnviz.i18n import Message, t, tc, tn, tp, translate
from attnviz.i18n import catalogues, tools
from attnviz.lessons.steps import STEP_TEXTS, STEP_TITLES, STEPS


def test_the_catalogues_are_complete_reviewed_and_compiled():
    assert tools.problems() == []


@pytest.fixture
def scratch_locale(tmp_path, monkeypatch):
    """A copy of the catalogues the tools work on (the package's own stay untouched)."""
    locale = tmp_path / "locale"
    shutil.copytree(catalogues.LOCALE, locale)
    monkeypatch.setattr(tools, "LOCALE", locale)
    monkeypatch.setattr(tools, "TEMPLATE", locale / "attnviz.pot")
    return locale


def _code_saying(old: str, new: str):
    """tools.template() as if the code had one English message changed."""
    real = tools.template

    def changed():
        catalog = real()
        message = catalog.get(old)
        catalog.delete(old)
        catalog.add(new, None, message.locations, flags=message.flags)
        return catalog
    return changed


def test_a_changed_english_message_fails_the_check_until_its_translation_is_reviewed(scratch_locale, monkeypatch):
    old = "Leave presentation mode"
    new = "Leave the presentation mode"
    monkeypatch.setattr(tools, "template", _code_saying(old, new))
    assert any(new in p and "not in the template" in p for p in tools.problems())  # the code says what no .po has
    tools.extract()
    tools.update()
    zh = tools._read(tools.po_path("zh"), "zh_Hans_CN")
    entry = zh.get(new)
    assert entry.fuzzy  # the old translation kept, marked for review
    assert entry.string == translate("zh", old)
    problems = tools.problems()
    assert any(f"zh: {new!r} is fuzzy" in p for p in problems), problems
    entry.flags.discard("fuzzy")  # a translator reviews it
    tools._write(tools.po_path("zh"), zh)
    tools.compile_catalogues()
    assert tools.problems() == []


def test_an_untranslated_message_and_a_wrong_placeholder_fail_the_check(scratch_locale):
    zh = tools._read(tools.po_path("zh"), "zh_Hans_CN")
    zh.get("Next").string = ""
    zh.get("Step {n} of {total}").string = "第 {m} 步，共 {total} 步"
    tools._write(tools.po_path("zh"), zh)
    tools.compile_catalogues()
    problems = tools.problems()
    assert "zh: 'Next' is not translated" in problems
    assert "zh: 'Step {n} of {total}': the translation's placeholders differ from the English" in problems


def test_messages_are_said_in_the_active_language():
    assert t("Next") == "Next"
    with i18n.language("zh"):
        assert t("Next") == "下一步"
        assert t("Step {n} of {total}", n=2, total=9) == "第 2 步，共 9 步"
        assert tc("count", "Heads") == "头数" and t("Heads") == "注意力头"  # one English word, two senses
    with i18n.language("xx"):  # a language attnviz does not speak: English
        assert t("Next") == "Next"
    assert t("Next") == "Next"  # the block's language is gone after it


def test_plurals_follow_each_language():
    singular = "Stopped: nobody looked at this training for 1 minute. Resume it to go on."
    plural = "Stopped: nobody looked at this training for {minutes} minutes. Resume it to go on."
    assert tn(singular, plural, 1, minutes=1) == singular
    assert tn(singular, plural, 5, minutes=5) == plural.format(minutes=5)
    with i18n.language("zh"):
        assert tn(singular, plural, 5, minutes=5) == "已停止：这次训练已有 5 分钟无人查看。点“继续训练”即可接着训练。"
    lazy = Message.plural(singular, plural, 3, minutes=3)
    assert str(lazy) == plural.format(minutes=3) and "3 分钟" in i18n.say(lazy, "zh")


def test_presentation_mode_takes_the_wording_in_the_context_present():
    intro = "See what attention does inside a Transformer. Pick a model and type a text in the sidebar."
    assert tp(intro) == intro
    with i18n.language("en", present=True):
        assert tp(intro) == "See what attention does inside a Transformer."
        assert t("Next") == "Next"  # a message without a presentation wording
    with i18n.language("zh", present=True):
        assert "侧边栏" not in tp(intro) and tp(intro)


def test_every_lesson_step_has_a_title_and_text_in_both_languages():
    for step in STEPS:
        for lang in ("en", "zh"):
            assert translate(lang, STEP_TITLES[step]) and translate(lang, STEP_TEXTS[step]), (lang, step)
        assert translate("zh", STEP_TITLES[step]) != STEP_TITLES[step], step


def test_a_message_is_english_until_said_and_pickles_by_its_msgid():
    import pickle

    m = Message("Capture failed for {what}: {detail}", what="minilm", detail="OSError")
    assert m == "Capture failed for minilm: OSError" and m.msgid == "Capture failed for {what}: {detail}"
    again = pickle.loads(pickle.dumps(m))
    assert again.msgid == m.msgid and again.fmt == m.fmt and i18n.say(again, "zh") == i18n.say(m, "zh") != str(m)
