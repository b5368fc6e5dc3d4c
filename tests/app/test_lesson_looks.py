"""The lesson's step "where a head looks is not what it does": the head it picks is looks_not_moves' head, its two
heatmaps are that head's weights and norms, the caption quotes their shares, and the layers' shares come next."""
import numpy as np
from apphelpers import assert_clean, decode, figures, heatmap_z, open_page

from attnviz.analysis.measures import measure
from attnviz.analysis.measures.sinks import looks_not_moves, sink_share
from attnviz.analysis.prompts import make_prompt
from attnviz.app.state import lesson
from attnviz.capture.api import capture
from attnviz.lessons.steps import STEPS

from attnviz.app.pages.lesson_looks import TEXT  # English in both languages: MiniLM and glassllm read it


def said(at) -> str:
    return next(c.value for c in at.main.caption if " gives " in c.value)


def test_the_step_shows_the_head_that_looks_but_does_not_move(minilm):
    at = open_page(lesson, {lesson.STEP: STEPS.index("looks_not_moves") + 1})
    assert_clean(at)
    prompt = make_prompt(minilm, TEXT)
    weight, norm = measure(minilm, prompt, "weight"), measure(minilm, prompt, "norm")
    found = looks_not_moves(weight.values, norm.values, capture(minilm, TEXT).special)
    assert found.weight_share > 3 * found.norm_share  # MiniLM: it looks at [CLS]/[SEP] and moves little from them
    assert np.allclose(heatmap_z(at, 0), weight.values[found.layer, found.head].numpy(), atol=1e-5)
    assert np.allclose(heatmap_z(at, 1), norm.values[found.layer, found.head].numpy(), atol=1e-5)
    assert figures(at)[1]["layout"]["title"]["text"].startswith("norm")
    caption = said(at)
    assert f"{found.weight_share:.0%}" in caption and f"{found.norm_share:.0%}" in caption
    at.radio(key=lesson.LOOKS_SHOW).set_value("layers").run()
    assert_clean(at)
    bars = figures(at)[0]["data"]
    keys = found.keys
    assert np.allclose(decode(bars[0]["y"]), np.nanmean(sink_share(weight.values, keys), axis=1), atol=1e-5)
    assert np.allclose(decode(bars[1]["y"]), np.nanmean(sink_share(norm.values, keys), axis=1), atol=1e-5)


def test_a_decoder_rests_on_its_first_token():
    at = open_page(lesson, {lesson.STEP: STEPS.index("looks_not_moves") + 1, lesson.LOOKS_MODEL: "glassllm-en"})
    assert_clean(at)
    assert "the first token" in said(at)
