"""The guided lesson: every step in both languages, one figure each, every string from the catalogues."""
import pytest
from apphelpers import assert_clean, figures, open_app, open_page
from catalogue_check import not_in_catalogue

from attnviz.i18n import translate
from attnviz.lessons.steps import STEP_TITLES, STEPS
from attnviz.lessons.worked_example import SEED_001_TOKENS
from attnviz.app.state import home, lesson, sidebar

# what a page may show that is data, not prose: the worked example's words, model ids, devices, math symbols
DATA = (*SEED_001_TOKENS, "attnviz", "minilm", "glassllm-en", "zh-char", "auto", "cpu", "cuda", "mps", "Language · 语言", "English",
        "简体中文", "t0", "t1", "t2", "t3", "t4", "t5")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_step_in_both_languages(lang):
    at = open_page(lesson, {sidebar.LANG: lang})
    for i, step in enumerate(STEPS):
        assert_clean(at)
        assert [h.value for h in at.main.header] == [translate(lang, STEP_TITLES[step])]
        assert at.main.caption[0].value == translate(lang, "Step {n} of {total}", n=i + 1, total=len(STEPS))
        # one figure a step: a plotly chart, or the text view's HTML (an iframe beside the arrow-key script); one
        # head's weights beside its norms are one figure in two halves
        shown = len(figures(at)) + (len(at.get("iframe")) - 1)
        assert shown == (2 if step == "looks_not_moves" else 1), (step, shown)
        assert not at.error, [e.value for e in at.error]
        assert not_in_catalogue(at, DATA) == [], step
        assert at.button(key=lesson.BACK).disabled == (i == 0)
        if i < len(STEPS) - 1:
            at.button(key=lesson.NEXT).click().run()
    assert at.button(key=lesson.NEXT).disabled
    assert at.query_params[lesson.STEP.param] == str(len(STEPS))  # the number shown
    assert (at.query_params.get(sidebar.LANG.param) == "zh") == (lang == "zh")


def test_the_step_comes_from_the_link_and_steps_are_live():
    at = open_page(lesson, {lesson.STEP: 2})  # as restored from ?step=2: "Step 2 of 9"
    assert at.main.header[0].value == "One attention weight by hand"
    before = at.main.markdown[-1].value
    at.selectbox(key=lesson.KEY).set_value(2).run()
    assert at.main.markdown[-1].value != before and "**" in at.main.markdown[-1].value
    at.button(key=lesson.BACK).click().run()
    assert at.main.header[0].value == "Why word order matters" and lesson.STEP.param not in at.query_params


def test_word_order_without_positions_keeps_the_weight():
    at = open_page(lesson)
    first = at.main.caption[-1].value
    at.radio(key=lesson.ORDER).set_value("reversed").run()
    assert at.main.caption[-1].value == first  # the same weight, in another row
    at.toggle(key=lesson.ORDER_PE).set_value(True).run()
    assert at.main.caption[-1].value != first


def test_real_heads_finds_a_previous_token_head_in_minilm():
    at = open_page(lesson, {lesson.STEP: STEPS.index("real_heads") + 1, lesson.REAL_PATTERN: "previous"})
    assert_clean(at)
    caption = at.main.caption[-1].value
    score = float(caption.split(" gives ")[1].split(" ")[0])
    assert score > 0.5, caption  # MiniLM has strong previous-token heads


def test_presentation_mode_from_the_link_hides_the_sidebar_and_offers_a_way_back():
    # the way back is drawn by app.py (the sidebar is hidden), which AppTest shows on the first run only
    at = open_app({sidebar.PRESENT: True, sidebar.LANG: "zh"})
    assert_clean(at)
    assert at.button(key=sidebar.PRESENT_LEAVE).label == "退出演示模式"
    assert any("attnviz presentation mode" in el.proto.body for el in at.get("html"))  # the CSS that hides the sidebar
    assert at.query_params[sidebar.PRESENT.param] == "1" and at.query_params[sidebar.LANG.param] == "zh"
    at = open_page(lesson, {sidebar.PRESENT: True})
    assert figures(at)[0]["layout"]["font"]["size"] == 20  # figures grow too


def test_no_presentation_css_by_default():
    at = open_app()
    assert not any("attnviz presentation mode" in el.proto.body for el in at.get("html"))
    assert sidebar.PRESENT.param not in at.query_params and sidebar.LANG.param not in at.query_params


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_and_sidebar_strings_are_all_in_the_catalogues(lang):
    # scope: the pages translated so far (home, lesson, the sidebar, the shared pickers and facts)
    at = open_page(home, {sidebar.LANG: lang})
    assert_clean(at)
    assert at.main.caption[0].value == translate(lang, "See what attention does inside a Transformer. Pick a model and type a text in the sidebar.")
    facts_table = "| " + translate(lang, "Architecture") + " |"  # the facts, each a catalogue string
    model_data = ("BertModel", "bert", "float32", facts_table)
    leftovers = [s for s in not_in_catalogue(at, DATA) if not any(d in s for d in model_data)]
    assert leftovers == []
    table = next(m.value for m in at.markdown if m.value.startswith(facts_table))
    assert f"**{translate(lang, 'encoder')}**" in table
    assert f"**{translate(lang, 'learned', context='model facts')}**" in table
