"""A Chinese classroom on the pages: zh-char by default for Chinese text on a 简体中文 page (never over a model someone
chose), a note for every [UNK] in the page's language, lesson links that count as people do, and presentation
mode's teacher bar."""
import pytest
from apphelpers import assert_clean, figures, messages, open_app, open_page
from catalogue_check import not_in_catalogue

from attnviz.i18n import translate
from attnviz.lessons.steps import STEPS
from attnviz.app.state import compare, explorer, lesson, positions, sidebar

ZH_TEXT = "猫坐在垫子上，因为它累了。注意力机制是Transformer的核心。"
UNREAD = "猫坐在垫因为它累了注意机制是核"  # the characters MiniLM's vocabulary lacks, in order
# what a page may show that is data, not prose: the language switch's names, formats, devices, model ids
DATA = ("English", "简体中文", "png", "svg", "auto", "cpu", "zh-char", "minilm", "glassllm-en", "Transformer")
PICKED = "zh-char was chosen for you because the page is in 简体中文 and the text is Chinese. A model you pick above stays picked."


def test_a_chinese_page_reads_chinese_text_with_zh_char():
    at = open_page(explorer, {sidebar.LANG: "zh", sidebar.TEXT: ZH_TEXT})
    assert_clean(at)
    assert at.session_state[sidebar.MODEL] == "zh-char"
    assert translate("zh", PICKED) in [c.value for c in at.sidebar.caption]
    assert not at.main.warning and not at.error  # zh-char reads every character
    assert figures(at), "the explorer draws the capture"
    assert not_in_catalogue(at, (ZH_TEXT, *DATA)) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_starts_from_the_pages_model_and_says_what_a_pane_cannot_read(lang):
    at = open_page(compare, {sidebar.LANG: lang, sidebar.TEXT: ZH_TEXT})
    assert_clean(at)
    model = {"en": "minilm", "zh": "zh-char"}[lang]
    assert [at.session_state[compare.pane(side, "model")] for side in "ab"] == [model, model]
    assert not at.main.warning and not at.error and len(figures(at)) >= 2
    unread = [c for c in messages(at, "caption") if f"“{UNREAD}”" in c]
    if lang == "en":  # each pane says it, by its name
        assert [c.split(":")[0] for c in unread] == ["Pane A", "Pane B"] and "zh-char reads them." in unread[0]
    else:
        assert unread == []


@pytest.mark.parametrize("lang, text", [("en", ZH_TEXT), ("zh", "The cat sat on the mat because it was tired.")])
def test_no_pick_for_an_english_page_or_an_english_text(lang, text):
    at = open_page(explorer, {sidebar.LANG: lang, sidebar.TEXT: text})
    assert_clean(at)
    assert at.session_state[sidebar.MODEL] == "minilm"
    assert translate(lang, PICKED) not in [c.value for c in at.sidebar.caption]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_model_from_the_link_is_kept_and_its_unknown_tokens_are_said(lang):
    at = open_page(explorer, {sidebar.LANG: lang, sidebar.TEXT: ZH_TEXT, sidebar.MODEL: "minilm"})  # ?model=minilm
    assert_clean(at)
    assert at.session_state[sidebar.MODEL] == "minilm"
    expected = {"en": f"15 of 25 tokens are the unknown token [UNK]: this model cannot read “{UNREAD}”. zh-char reads them.",
                "zh": None}[lang]
    warnings = messages(at, "warning")
    assert len(warnings) == 1, warnings
    if expected:
        assert warnings[0] == expected
    else:  # the same facts, in Chinese: the count, the characters, the model to choose instead
        assert "15" in warnings[0] and "25" in warnings[0] and f"“{UNREAD}”" in warnings[0] and "zh-char" in warnings[0]
        assert "unknown" not in warnings[0] and "reads" not in warnings[0]


def test_a_model_picked_in_the_teacher_bar_is_never_replaced():
    at = open_app({sidebar.LANG: "zh", sidebar.TEXT: ZH_TEXT, sidebar.PRESENT: True})
    assert_clean(at)
    assert at.session_state[sidebar.MODEL] == "zh-char"
    at.selectbox(key=sidebar.BAR_MODEL).set_value("glassllm-en").run()
    assert_clean(at)
    assert at.session_state[sidebar.MODEL] == "glassllm-en" and at.session_state[sidebar.MODEL_CHOSEN]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_teacher_bar_offers_pages_model_text_language_and_the_way_back(lang):
    at = open_app({sidebar.LANG: lang, sidebar.PRESENT: True})
    assert_clean(at)
    bar_model = at.selectbox(key=sidebar.BAR_MODEL)
    assert bar_model.value == "minilm" and "zh-char" in bar_model.options
    assert at.button(key=sidebar.PRESENT_LEAVE).label == translate(lang, "Leave presentation mode")
    labels = [p.proto.popover.label for p in at.get("popover")]
    assert translate(lang, "Home") in labels  # the page switcher, named after the page shown
    assert "The cat sat on the ma…" in labels  # the text's start: one click opens its box
    assert at.text_area(key=sidebar.BAR_TEXT).value == "The cat sat on the mat because it was tired."


def test_text_typed_in_the_teacher_bar_is_the_pages_text():
    at = open_app({sidebar.PRESENT: True})
    at.text_area(key=sidebar.BAR_TEXT).input("Dogs bark at night.").run()
    assert_clean(at)
    assert at.session_state[sidebar.TEXT] == "Dogs bark at night."


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lesson_links_count_as_people_do(lang):
    at = open_page(lesson, {lesson.STEP: 3, sidebar.LANG: lang})  # ?step=3
    assert_clean(at)
    assert at.main.caption[0].value == translate(lang, "Step {n} of {total}", n=3, total=len(STEPS))
    assert at.query_params[lesson.STEP.param] == "3"
    at.button(key=lesson.NEXT).click().run()
    assert at.main.caption[0].value == translate(lang, "Step {n} of {total}", n=4, total=len(STEPS))
    assert at.query_params[lesson.STEP.param] == "4"  # the number shown
    at.button(key=lesson.BACK).click().run()
    at.button(key=lesson.BACK).click().run()
    at.button(key=lesson.BACK).click().run()
    assert lesson.STEP.param not in at.query_params  # step 1 is the lesson's start: the link leaves it out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_out_of_range_step_says_so(lang):
    at = open_page(lesson, {lesson.STEP: 42, sidebar.LANG: lang})
    assert_clean(at)
    n = len(STEPS)
    assert translate(lang, "There is no {name} {value} here ({name}s {low}–{high}): showing {name} {fixed}.",
                     name=translate(lang, "step"), value=42, low=1, high=n, fixed=n) in messages(at, "info")
    assert at.main.caption[0].value == translate(lang, "Step {n} of {total}", n=n, total=n)


def test_an_unknown_language_says_so():
    at = open_app({sidebar.LANG: "fr"})  # ?lang=fr: said on the page the link opens
    assert_clean(at)
    assert "There is no language `fr` here: showing English." in messages(at, "info")  # the link's value as code
    assert at.session_state[sidebar.LANG] == "en"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_real_heads_step_reads_the_pages_language(lang):
    at = open_page(lesson, {lesson.STEP: STEPS.index("real_heads") + 1, sidebar.LANG: lang,
                            lesson.REAL_PATTERN: "previous"})
    assert_clean(at)
    model, text = at.radio(key=lesson.REAL_MODEL).value, at.text_input(key=lesson.REAL_TEXT).value
    assert (model, text) == {"en": ("minilm", "The cat sat on the mat. The cat sat on the mat."),
                             "zh": ("zh-char", "猫坐在垫子上。猫坐在垫子上。")}[lang]
    assert not at.main.warning and not at.error and len(figures(at)) == 1
    score = float(at.main.caption[-1].value.split(" gives ")[1].split(" ")[0]) if lang == "en" else None
    assert score is None or score > 0.5
    if lang == "zh":
        assert not_in_catalogue(at, (text, *DATA)) == []


def test_minilm_on_the_chinese_lesson_text_says_what_it_cannot_read():
    at = open_page(lesson, {lesson.STEP: STEPS.index("real_heads") + 1, sidebar.LANG: "zh",
                            lesson.REAL_MODEL: "minilm"})
    assert_clean(at)
    warnings = messages(at, "warning")
    assert len(warnings) == 1 and "“猫坐在垫”" in warnings[0] and "zh-char" in warnings[0], warnings


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_words_step_reads_chinese_with_zh_char(lang):
    at = open_page(lesson, {lesson.STEP: STEPS.index("words") + 1, sidebar.LANG: lang})
    assert_clean(at)
    assert not at.main.warning and not at.error
    caption = {"en": "MiniLM; darker is more weight. Hover a word to see where it looks.",
               "zh": translate("zh", "zh-char reads one character at a time and looks only at the characters before it; "
                                     "darker is more weight. Hover a character to see where it looks.")}[lang]
    assert at.main.caption[-1].value == caption


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_positional_page_says_what_minilm_cannot_read(lang):
    at = open_page(positions, {sidebar.LANG: lang, sidebar.TEXT: ZH_TEXT, sidebar.MODEL: "minilm"})
    assert_clean(at)
    warnings = messages(at, "warning")
    # the two tabs that show the tokens ("what the model used", "effect on attention") say it, each once
    assert len(warnings) == 2 and len(set(warnings)) == 1, warnings
    assert f"“{UNREAD}”" in warnings[0] and "zh-char" in warnings[0]
    assert ("unknown token" in warnings[0]) == (lang == "en")
