"""AppTest of the explorer's measure picker: each measure draws the very values measure() gives, with its paragraph,
its badge and its agreement chart; the link keeps the measure; what cannot be shown is said, in both languages."""
import numpy as np
import pytest
from apphelpers import APP, TIMEOUT, assert_clean, figures, heatmap_z, messages, open_app, open_page, page_path
from catalogue_check import not_in_catalogue
from streamlit.testing.v1 import AppTest

from attnviz.analysis.measures import METHODS, agreement, measure
from attnviz.analysis.measures.about import ABOUT
from attnviz.analysis.prompts import make_prompt
from attnviz.analysis.targets import Similarity
from attnviz.app.pages.explorer.measures import download_stem
from attnviz.app.shell.sidebar import DEFAULT_TEXT
from attnviz.app.state import explorer, sidebar
from attnviz.app.widgets.target import DEFAULT_SENTENCE
from attnviz.figures.agreement import agreement_badge, rho_at
from attnviz.figures.views import ViewOptions
from attnviz.i18n import translate

DATA = ("attnviz", "minilm", "glassllm-en", "scratch-seq2seq", "auto", "cpu", "Language · 语言", "English", "简体中文",
        "png", "svg")
LAYER, HEAD = 2, 4


def expected(model, method: str, layers=None):
    """What measure() gives for the sidebar's default text (gradient × input: similarity to the default sentence)."""
    target = Similarity(make_prompt(model, DEFAULT_SENTENCE)) if METHODS[method].needs_target else None
    return measure(model, make_prompt(model, DEFAULT_TEXT), method, target=target, layers=layers)


def shown_matrix(result, layer: int = LAYER, head: int = HEAD) -> np.ndarray:
    values = result.values[layer, head] if result.per_head else result.values[layer]
    return values.float().cpu().numpy()


@pytest.mark.parametrize("method", [m for m in METHODS if m != "value-zeroing-rollout"])
def test_each_measure_draws_what_measure_gives(minilm, method):
    at = open_page(explorer, {explorer.MEASURE: method, explorer.LAYER: LAYER, explorer.HEAD: HEAD})
    assert_clean(at)
    layers = [LAYER] if method == "value-zeroing" else None
    result = expected(minilm, method, layers)
    assert np.allclose(heatmap_z(at), shown_matrix(result), atol=1e-5)
    if method == "weight":
        assert not any("badge" in m.value for m in at.markdown)  # the weights need no badge of agreement
        return
    assert any(c.value == ABOUT[method] for c in at.caption)  # its paragraph, under the picker
    rho = agreement(result.values, expected(minilm, "weight").values)
    badge = agreement_badge(rho_at(rho, LAYER, HEAD))
    assert any(badge in m.value and "badge" in m.value for m in at.markdown), [m.value for m in at.markdown]
    z = heatmap_z(at, 1)  # the agreement of every head (or layer), under the view
    assert np.allclose(z, rho if rho.ndim == 2 else rho[:, None], atol=1e-5, equal_nan=True)


def test_value_zeroing_rolled_out_waits_for_its_button(minilm):
    at = open_page(explorer, {explorer.MEASURE: "value-zeroing-rollout", explorer.LAYER: LAYER})
    assert_clean(at)
    assert not figures(at) or "value zeroing" not in figures(at)[0]["layout"]["title"]["text"]
    assert any("once per token" in m for m in messages(at, "info"))
    at.button(key=explorer.MEASURE_ALL).click().run()
    assert_clean(at)
    assert np.allclose(heatmap_z(at), shown_matrix(expected(minilm, "value-zeroing-rollout")), atol=1e-5)


def test_every_layer_views_wait_and_the_shown_layer_comes_first(minilm):
    at = open_page(explorer, {explorer.MEASURE: "value-zeroing", explorer.VIEW: "Model view"})
    assert_clean(at)
    assert not any("all heads" in f["layout"]["title"]["text"] for f in figures(at))
    at.button(key=explorer.MEASURE_ALL).click().run()
    assert_clean(at)
    assert figures(at)[0]["layout"]["title"]["text"].startswith("value zeroing · ")


def test_views_that_draw_weights_only_say_so():
    at = open_page(explorer, {explorer.MEASURE: "norm", explorer.VIEW: "Text"})
    assert_clean(at)
    assert any("draws the attention weights only" in m for m in messages(at, "info"))


def test_the_link_keeps_the_measure(minilm):
    at = open_page(explorer, {explorer.MEASURE: "norm", explorer.LAYER: 1, explorer.HEAD: 7})
    params = dict(at.query_params)
    assert params[explorer.MEASURE.param] == "norm"
    other = AppTest.from_file(APP, default_timeout=TIMEOUT)
    other.query_params.update(params)
    other.run()
    other.switch_page(page_path(explorer)).run()
    assert_clean(other)
    assert other.session_state[explorer.MEASURE] == "norm"
    assert np.allclose(heatmap_z(other), shown_matrix(expected(minilm, "norm"), 1, 7), atol=1e-5)
    plain = open_page(explorer)  # the weights, the default, stay out of the link
    assert explorer.MEASURE.param not in dict(plain.query_params)


def test_a_link_with_an_unknown_measure_is_said():
    at = open_page(explorer, {explorer.MEASURE: "attention"})
    assert_clean(at)
    assert any("attention" in m and "measure" in m for m in messages(at, "info"))
    assert at.selectbox(key=explorer.MEASURE).value == "weight"


def test_the_second_sentence_of_gradient_times_input_is_the_target(minilm):
    sentence = "Dogs bark at night."
    at = open_page(explorer, {explorer.MEASURE: "grad-input", explorer.LAYER: LAYER, explorer.HEAD: HEAD,
                              explorer.TARGET_SENTENCE: sentence})
    assert_clean(at)
    result = measure(minilm, make_prompt(minilm, DEFAULT_TEXT), "grad-input",
                     target=Similarity(make_prompt(minilm, sentence)))
    assert np.allclose(heatmap_z(at), shown_matrix(result), atol=1e-5)
    assert dict(at.query_params)[explorer.TARGET_SENTENCE.param] == sentence


def test_a_decoder_follows_the_token_typed(glass):
    from attnviz.analysis.prompts import token_id
    from attnviz.analysis.targets import NextToken

    at = open_page(explorer, {sidebar.MODEL: "glassllm-en", explorer.MEASURE: "grad-input", explorer.LAYER: 1,
                              explorer.HEAD: 2, explorer.TARGET_TOKEN: " the"})
    assert_clean(at)
    result = measure(glass, make_prompt(glass, DEFAULT_TEXT), "grad-input", target=NextToken(token_id(glass, " the")))
    assert np.allclose(heatmap_z(at), result.values[1, 2].numpy(), atol=1e-5)


def test_an_empty_second_sentence_is_said():
    at = open_page(explorer, {explorer.MEASURE: "grad-input", explorer.TARGET_SENTENCE: "   "})
    assert_clean(at)
    assert any(m.startswith("There is no text to run") for m in messages(at, "info")), messages(at, "info")
    assert not figures(at)[0]["layout"]["title"]["text"].startswith("gradient")


def open_in(lang: str, state: dict) -> AppTest:
    """The explorer in `lang`, the first run (the home page) in English: AppTest reads the home page's kind picker
    of an encoder-decoder back through its English format_func, and would find no such option in Chinese."""
    at = open_app(state)
    at.session_state[sidebar.LANG] = lang
    return at.switch_page(page_path(explorer)).run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_measure_the_family_cannot_give_is_said_in_both_languages(lang):
    at = open_in(lang, {sidebar.MODEL: "scratch-seq2seq", sidebar.TARGET: "la casa", explorer.KIND: "cross",
                        explorer.MEASURE: "alti"})
    assert_clean(at)
    said = messages(at, "info")
    assert any(translate(lang, "{why} The views show the attention weights instead.", why="") in m for m in said)
    assert not figures(at)[0]["layout"]["title"]["text"].startswith(("ALTI", translate(lang, "ALTI")))
    assert not_in_catalogue(at, DATA) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_measured_page_speaks_the_chosen_language(lang):
    at = open_page(explorer, {sidebar.LANG: lang, explorer.MEASURE: "norm", explorer.LAYER: LAYER})
    assert_clean(at)
    assert at.selectbox(key=explorer.MEASURE).label == translate(lang, "Measure")
    assert at.selectbox(key=explorer.MEASURE).options[1] == translate(lang, "norm")
    assert not_in_catalogue(at, DATA) == []


def test_the_server_limit_refuses_value_zeroing_on_a_long_text(monkeypatch):
    from attnviz.core import settings

    s = settings.from_environment({"ATTNVIZ_MAX_MEASURE_TOKENS": "8"})
    monkeypatch.setattr(settings, "current", lambda: s)
    at = open_page(explorer, {explorer.MEASURE: "value-zeroing"})
    assert_clean(at)
    assert any("up to 8 tokens" in m for m in messages(at, "info"))
    at = open_page(explorer, {explorer.MEASURE: "norm"})  # the cheap measures still run
    assert figures(at)[0]["layout"]["title"]["text"].startswith("norm · ")


def test_a_click_on_the_agreement_chart_opens_the_head():
    at = open_page(explorer, {explorer.MEASURE: "norm", explorer.VIEW: "Statistics"})
    at.session_state[explorer.AGREEMENT_CHART] = {"selection": {"points": [{"customdata": [3, 5]}]}}
    at.run()
    assert_clean(at)
    assert at.session_state[explorer.VIEW] == "Heatmap"
    assert (at.session_state[explorer.LAYER], at.session_state[explorer.HEAD]) == (3, 5)
    assert figures(at)[0]["layout"]["title"]["text"] == "norm · self-attention · layer 3 · head 5"


def test_downloads_say_the_measure():
    opts = ViewOptions(layer=2, head=4)
    assert download_stem("all-MiniLM-L6-v2", "heatmap", opts, "norm") == "all-minilm-l6-v2-norm-heatmap-L2-H4"
    assert download_stem("all-MiniLM-L6-v2", "heatmap", opts, "alti", per_head=False) == \
        "all-minilm-l6-v2-alti-heatmap-L2"
    assert download_stem("all-MiniLM-L6-v2", "model_view", opts, "norm") == "all-minilm-l6-v2-norm-model_view"
    assert download_stem("all-MiniLM-L6-v2", "heatmap", opts, "weight") is None
