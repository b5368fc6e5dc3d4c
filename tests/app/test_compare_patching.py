"""AppTest of compare's activation patching: with one model in both panes (the he/she set-up) the grid holds
patch_heads' shares, the heads that carry the difference are named and ranked, a click opens the head in both panes;
with two models the page says why there is no patching, in both languages."""
import re

import numpy as np
import pytest
from apphelpers import assert_clean, decode, figures, messages, open_page, panes
from catalogue_check import not_in_catalogue

from attnviz.analysis.causal import patch_heads
from attnviz.analysis.prompts import make_prompt, token_id
from attnviz.analysis.targets import NextToken, Similarity
from attnviz.app.pages.compare.patching import SENTENCE
from attnviz.app.state import compare, sidebar
from attnviz.app.widgets.literal import escape
from attnviz.figures.causal import patch_carriers
from attnviz.i18n import translate

A, B = "The doctor said he would be late.", "The doctor said she would be late."
DATA = ("attnviz", "minilm", "glassllm-en", "auto", "cpu", "Language · 语言", "English", "简体中文", "png", "svg",
        A, B, SENTENCE, escape(SENTENCE), "all-MiniLM-L6-v2", "glassllm-en")


def patched(at):
    """Press "Patch every head" where it is drawn (a grid already computed is shown without it)."""
    if compare.PATCH_RUN in [b.key for b in at.button]:
        at.button(key=compare.PATCH_RUN).click().run()
    return at


def grid(at) -> dict:
    found = [f for f in figures(at) if f["layout"]["title"]["text"].startswith("Each head patched")]
    assert found, [f["layout"]["title"]["text"] for f in figures(at)]
    return found[0]


def test_the_patching_grid_holds_patch_heads_shares(glass):
    state = {**panes({"model": "glassllm-en", "text": A}, {"model": "glassllm-en", "text": B}),
             compare.PATCH_TARGET.token: " late"}
    at = open_page(compare, state)
    assert_clean(at)
    at = patched(at)
    assert_clean(at)
    expected = patch_heads(glass, make_prompt(glass, A), make_prompt(glass, B), NextToken(token_id(glass, " late")))
    z = decode(grid(at)["data"][0]["z"]).astype(np.float64)
    assert np.allclose(z, expected.restored, atol=1e-4, equal_nan=True)
    assert any(patch_carriers(expected) == m.value for m in at.markdown)
    table = at.dataframe[-1].value  # the ranking, last on the page
    assert [tuple(r) for r in table.iloc[:3, :2].to_numpy()] == [(layer, head) for layer, head, _ in
                                                                 expected.ranked()[:3]]
    at.session_state[compare.PATCHING_CHART] = {"selection": {"points": [{"customdata": [2, 3]}]}}
    at.run()
    assert_clean(at)
    assert (at.session_state[compare.LAYER_A], at.session_state[compare.HEAD_A]) == (2, 3)
    assert at.session_state[compare.LOCK] is True and at.session_state[compare.VIEW] == "Heatmap"


def test_a_sentence_encoder_follows_the_similarity_to_a_sentence(minilm):
    at = patched(open_page(compare, panes({"model": "minilm", "text": A}, {"model": "minilm", "text": B})))
    assert_clean(at)
    expected = patch_heads(minilm, make_prompt(minilm, A), make_prompt(minilm, B),
                           Similarity(make_prompt(minilm, SENTENCE)))
    z = decode(grid(at)["data"][0]["z"]).astype(np.float64)
    assert np.allclose(z, expected.restored, atol=1e-4, equal_nan=True)
    assert not_in_catalogue(at, DATA) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_two_models_get_a_message_instead(lang):
    at = open_page(compare, {sidebar.LANG: lang, **panes({"model": "minilm", "text": A},
                                                          {"model": "glassllm-en", "text": A})})
    assert_clean(at)
    words = translate(lang, "Which heads carry the difference between A and B?")
    assert any(h.value == words for h in at.subheader)
    assert any(m.startswith(translate(lang, "Activation patching swaps a head's output between the two texts, so "
                                             "both panes must run the same model; pane A runs {a} and pane B {b}. "
                                             "Pick one model for both (the quick set-up “Same model, two texts” "
                                             "does).", a="`all-MiniLM-L6-v2`", b="`glassllm-en`")[:20])
               for m in messages(at, "info"))
    assert compare.PATCH_RUN not in [b.key for b in at.button]
    assert not_in_catalogue(at, DATA) == []


def test_a_difference_too_small_to_share_out_is_said(glass):
    """When one head alone moves the target by more than 1.5 times A and B's difference, the shares (over 100%)
    cannot say which heads carry it: the page says so, with the difference; a clear difference gets no such note."""
    he, she = "The doctor said he would be late.", "The doctor said she would be late."
    at = patched(open_page(compare, panes({"model": "glassllm-en", "text": he}, {"model": "glassllm-en", "text": she})))
    assert_clean(at)
    restored = decode(grid(at)["data"][0]["z"]).astype(np.float64)
    said = next(c.value for c in at.main.caption if " on A, " in c.value)  # "log p(…): −0.5842 on A, −0.5995 on B."
    a, b = (float(x) for x in re.findall(r"(-?\d+\.\d{4}) on [AB]", said.replace("−", "-")))
    notes = [m for m in messages(at, "info") if m.startswith("A and B differ by only")]
    assert len(notes) == (np.nanmax(np.abs(restored)) > 1.5), (said, notes)  # said once, or not at all
    assert not notes or f"A and B differ by only {abs(a - b):.3f} in the target" in notes[0]
