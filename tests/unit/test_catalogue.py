"""The catalogues: the same keys in every language, the same placeholders, no key written twice."""
import ast
from pathlib import Path

import pytest

from attnviz.i18n import catalogue
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


SOURCES = ["en.py", "zh.py"] + sorted(p.relative_to(FOLDER).as_posix() for p in (FOLDER / "pages").glob("[!_]*.py"))


@pytest.mark.parametrize("source", SOURCES)
def test_no_key_is_written_twice(source):
    # a dict literal silently keeps the last of two equal keys: read the source instead
    tree = ast.parse((FOLDER / source).read_text(encoding="utf-8"))
    literals = [n.value for n in ast.walk(tree) if isinstance(n, (ast.AnnAssign, ast.Assign))
                and isinstance(n.value, ast.Dict)]
    assert literals, source
    for literal in literals:
        keys = [k.value for k in literal.keys]
        assert len(keys) == len(set(keys)), (source, sorted({k for k in keys if keys.count(k) > 1}))


def test_a_key_in_two_files_is_refused(monkeypatch):
    import types
    clash = types.SimpleNamespace(__name__="clash", EN={"lesson.next": "x"}, ZH={"lesson.next": "x"})
    monkeypatch.setattr(catalogue, "page_modules", lambda: [clash])
    with pytest.raises(ValueError, match="lesson.next"):
        catalogue._merged()


def test_every_page_module_has_the_same_keys_in_both_languages():
    for module in catalogue.page_modules():
        assert set(module.EN) == set(module.ZH), module.__name__


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
