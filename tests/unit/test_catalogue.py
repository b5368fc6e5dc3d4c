"""The catalogues: the same keys in every language, the same placeholders, no key written twice."""
import ast
from pathlib import Path

import pytest

from attnviz.lessons import catalogue
from attnviz.lessons.steps import STEPS

FOLDER = Path(catalogue.__file__).parent


def test_every_key_is_in_every_language():
    assert catalogue.missing() == {}
    assert set(catalogue.CATALOGUES) == {"en", "zh"}


def test_a_key_missing_in_one_language_is_found(monkeypatch):
    zh = dict(catalogue.CATALOGUES["zh"])
    zh.pop("lesson.next")
    monkeypatch.setitem(catalogue.CATALOGUES, "zh", zh)
    assert catalogue.missing() == {"zh": {"lesson.next"}}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_key_is_written_twice(lang):
    # a dict literal silently keeps the last of two equal keys: read the source instead
    tree = ast.parse((FOLDER / f"{lang}.py").read_text(encoding="utf-8"))
    literal = next(n.value for n in ast.walk(tree) if isinstance(n, ast.AnnAssign))
    keys = [k.value for k in literal.keys]
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})


def test_placeholders_agree_and_chinese_is_chinese():
    en, zh = catalogue.CATALOGUES["en"], catalogue.CATALOGUES["zh"]
    for key in en:
        assert catalogue.placeholders(en[key]) == catalogue.placeholders(zh[key]), key
    assert zh["lesson.next"] == "下一步" and en["lesson.next"] == "Next"
    assert catalogue.lookup("zh", "lesson.progress", n=2, total=9) == "第 2 步，共 9 步"
    assert catalogue.lookup("xx", "lesson.next") == "Next"  # an unknown language falls back to English


def test_every_lesson_step_has_a_title_and_text_in_both_languages():
    for lang, strings in catalogue.CATALOGUES.items():
        for step in STEPS:
            assert strings[f"lesson.{step}.title"] and strings[f"lesson.{step}.text"], (lang, step)


def test_patterns_accept_formatted_strings_and_nothing_else():
    every = catalogue.patterns()
    shown = catalogue.lookup("zh", "lesson.heads.caption", n=4, d_k=2, spread="0.512")
    assert any(p.fullmatch(shown) for p in every)
    assert not any(p.fullmatch("Go to the next step") for p in every)  # written in a page, not in a catalogue
