"""The not-in-catalogue check itself: what it lets through and what it catches, on strings alone."""
from catalogue_check import Checker

from attnviz.lessons.catalogue import lookup

ENGLISH_NOTE = "This model does not take attnviz's recording attention function; its weights come from plain eager"


def test_a_chinese_page_refuses_english_catalogue_text():
    assert Checker("zh", ()).ok("下一步")
    assert not Checker("zh", ()).ok("Next")
    assert Checker("en", ()).ok("Next")


def test_placeholder_only_values_prove_nothing_by_themselves():
    zh = Checker("zh", ())
    assert zh.ok("3 · cat") and zh.ok("12 · [CLS]")  # a position and a token
    assert not zh.ok("3 · the cat sat on the mat")  # a sentence is not a token
    assert Checker("zh", ("the cat sat on the mat",)).ok("3 · the cat sat on the mat")  # unless it is the user's
    assert zh.ok("- " + lookup("zh", "ui.error.kind.NotAModel", detail="`x`"))
    assert not zh.ok("- " + ENGLISH_NOTE)


def test_an_english_sentence_inside_a_chinese_one_is_caught():
    zh = Checker("zh", ())
    assert zh.ok(lookup("zh", "ui.error.load_failed", what="minilm", detail="OSError"))
    assert not zh.ok(lookup("zh", "ui.error.load_failed", what="minilm", detail=ENGLISH_NOTE))


def test_numbers_and_data_pass_in_any_language():
    assert Checker("zh", ()).ok("0.512")
    assert Checker("en", ("my own words",)).ok("my own words")
    assert not Checker("en", ()).ok("Go to the next step")  # written in a page, not in a catalogue
