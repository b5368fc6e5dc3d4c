"""AppTest of the explorer's "which heads cause it": the ablation grid holds ablate_heads' values and a click opens the
head; direct logit attribution holds the package's parts and opens a head's source tokens; what a model cannot give
is said in both languages."""
import numpy as np
import pytest
from apphelpers import assert_clean, decode, figures, messages, open_page
from catalogue_check import not_in_catalogue

from attnviz.analysis.causal import ablate_heads, direct_logit_attribution
from attnviz.analysis.causal.dla import NO_UNEMBEDDING
from attnviz.analysis.prompts import make_prompt, token_id
from attnviz.analysis.targets import NextToken, Similarity
from attnviz.app.shell.sidebar import DEFAULT_TEXT
from attnviz.app.state import explorer, sidebar
from attnviz.app.widgets.literal import escape
from attnviz.app.widgets.target import DEFAULT_SENTENCE
from attnviz.figures.causal import dla_parts
from attnviz.i18n import translate

DATA = ("attnviz", "minilm", "glassllm-en", "auto", "cpu", "Language · 语言", "English", "简体中文", "png", "svg",
        "all-MiniLM-L6-v2", DEFAULT_SENTENCE, escape(DEFAULT_SENTENCE))


def ablate(at):
    """Press "Ablate every head" where it is drawn (a grid already computed, by any test, is shown without it)."""
    if explorer.ABLATE_RUN in [b.key for b in at.button]:
        at.button(key=explorer.ABLATE_RUN).click().run()
    return at


def titled(at, start: str) -> dict:
    found = [f for f in figures(at) if f["layout"].get("title", {}).get("text", "").startswith(start)]
    assert found, [f["layout"].get("title", {}).get("text") for f in figures(at)]
    return found[0]


@pytest.mark.parametrize("how", ["zero", "mean"])
def test_the_ablation_grid_holds_ablate_heads_values(minilm, how):
    at = open_page(explorer, {explorer.ABLATE_HOW: how})
    assert_clean(at)
    if explorer.ABLATE_RUN in [b.key for b in at.button]:  # behind its button until computed
        assert not [f for f in figures(at) if "Each head set" in f["layout"]["title"]["text"]]
    ablate(at)
    assert_clean(at)
    grid = titled(at, "Each head set to")
    expected = ablate_heads(minilm, make_prompt(minilm, DEFAULT_TEXT), Similarity(make_prompt(minilm, DEFAULT_SENTENCE)),
                            how=how)
    assert np.allclose(decode(grid["data"][0]["z"]).astype(np.float64), expected.delta, atol=1e-5)
    assert "similarity to “A cat was sleeping on the rug.”" in grid["layout"]["title"]["text"]


def test_a_click_on_the_ablation_grid_opens_the_head():
    at = ablate(open_page(explorer, {explorer.VIEW: "Model view"}))
    at.session_state[explorer.ABLATION_CHART] = {"selection": {"points": [{"customdata": [4, 9]}]}}
    at.run()
    assert_clean(at)
    assert at.session_state[explorer.VIEW] == "Heatmap"
    assert (at.session_state[explorer.LAYER], at.session_state[explorer.HEAD]) == (4, 9)
    titled(at, "Each head set to")  # computed once: shown again without its button


def test_direct_logit_attribution_and_its_source_tokens(glass):
    at = open_page(explorer, {sidebar.MODEL: "glassllm-en", explorer.TARGET_TOKEN: " the",
                              explorer.TARGET_OTHER: " a"})
    assert_clean(at)
    target = NextToken(token_id(glass, " the"), token_id(glass, " a"))
    result = direct_logit_attribution(glass, make_prompt(glass, DEFAULT_TEXT), target)
    bars = titled(at, "Direct logit attribution")["data"][0]
    parts = dla_parts(result)
    top = parts.loc[parts["value"].abs().sort_values(ascending=False, kind="stable").index]
    assert np.allclose(decode(bars["x"])[:5], top["value"].to_numpy()[:5], atol=1e-4)
    assert np.isclose(decode(bars["x"]).sum(), result.logit, atol=1e-3)  # the parts add up to the logit
    layer, head = 2, 1
    at.session_state[explorer.DLA_CHART] = {"selection": {"points": [{"customdata": [layer, head, "self"]}]}}
    at.run()
    assert_clean(at)
    sources = titled(at, f"L{layer} h{head}")
    assert np.allclose(decode(sources["data"][0]["y"]), result.per_source["self"][layer, head], atol=1e-5)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_model_without_an_unembedding_is_said_in_both_languages(lang):
    at = open_page(explorer, {sidebar.LANG: lang})
    assert_clean(at)
    assert any(translate(lang, "Which heads cause the output?") == h.value for h in at.subheader)
    assert translate(lang, NO_UNEMBEDDING, name="all-MiniLM-L6-v2") in messages(at, "info")
    assert not_in_catalogue(at, DATA) == []


def test_the_server_limit_refuses_the_ablation_grid(monkeypatch):
    from attnviz.core import settings

    s = settings.from_environment({"ATTNVIZ_MAX_MEASURE_TOKENS": "8"})
    monkeypatch.setattr(settings, "current", lambda: s)
    at = open_page(explorer)
    assert_clean(at)
    assert any("up to 8 tokens" in m for m in messages(at, "info"))
    assert explorer.ABLATE_RUN not in [b.key for b in at.button]


def test_on_a_long_text_direct_logit_attribution_waits_for_its_button(glass, monkeypatch):
    """Past DLA_AUTO_TOKENS (here 5) the attribution, one eager run forming every head's weights, runs on a button
    that says so; then the bars are the package's."""
    from attnviz.app.pages.explorer import causal
    from attnviz.app.pipeline.measures import shared_results

    monkeypatch.setattr(causal, "DLA_AUTO_TOKENS", 5)
    shared_results().drop(lambda key: True)
    at = open_page(explorer, {sidebar.MODEL: "glassllm-en", explorer.TARGET_TOKEN: " the"})
    assert_clean(at)
    prompt = make_prompt(glass, DEFAULT_TEXT)
    assert not [f for f in figures(at) if f["layout"].get("title", {}).get("text", "").startswith("Direct logit")]
    assert (f"One run of the model on {len(prompt.ids)} tokens that forms every head's weights, a layer at a time "
            "(on a long text: seconds to minutes, and memory).") in messages(at.main, "caption")
    at.button(key=explorer.DLA_RUN).click().run()
    assert_clean(at)
    result = direct_logit_attribution(glass, prompt, NextToken(token_id(glass, " the")))
    assert np.isclose(decode(titled(at, "Direct logit attribution")["data"][0]["x"]).sum(), result.logit, atol=1e-3)
