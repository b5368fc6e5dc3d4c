"""The not-in-catalogue check itself: what it lets through and what it catches, on strings alone."""
from catalogue_check import Checker

from attnviz.i18n import translate

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
    assert zh.ok("- " + translate("zh", "This is not a model attnviz can read. {detail}", detail="`x`"))
    assert not zh.ok("- " + ENGLISH_NOTE)


def test_an_english_sentence_inside_a_chinese_one_is_caught():
    zh = Checker("zh", ())
    assert zh.ok(translate("zh", "Could not load {what}: {detail}", what="minilm", detail="OSError"))
    assert not zh.ok(translate("zh", "Could not load {what}: {detail}", what="minilm", detail=ENGLISH_NOTE))


def test_numbers_and_data_pass_in_any_language():
    assert Checker("zh", ()).ok("0.512")
    assert Checker("en", ("my own words",)).ok("my own words")
    assert not Checker("en", ()).ok("Go to the next step")  # written in a page, not in a catalogue


def test_a_figures_words_are_read_and_english_axis_titles_on_a_chinese_page_are_caught():
    from catalogue_check import WORDS, figure_texts

    spec = {"layout": {"title": {"text": "<b>第 0 步：第 1 个头</b>"},
                       "xaxis": {"title": {"text": "key (attended to)"}}, "yaxis2": {"title": {"text": "d_k"}},
                       "annotations": [{"text": "PE(pos)·PE(pos + k)"}]},
            "data": [{"type": "heatmap", "colorbar": {"title": {"text": "权重"}}}]}
    texts = figure_texts(spec)
    assert {"第 0 步：第 1 个头", "key (attended to)", "d_k", "PE(pos)·PE(pos + k)", "权重"} <= set(texts)
    zh = Checker("zh", ())
    caught = [s for s in texts if s.strip() and WORDS.search(s) and not zh.ok(s)]
    assert caught == ["key (attended to)"]  # notation passes; words must be catalogue text
