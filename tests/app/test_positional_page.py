"""AppTest on the positional-encodings page with each kind of encoding."""
import numpy as np

from apphelpers import assert_clean, figures, open_page
from attnviz.app.state import positions, sidebar


def _text(at):
    return " ".join(m.value for m in at.markdown) + " ".join(s.value for s in at.success) + \
        " ".join(i.value for i in at.info) + " ".join(c.value for c in at.caption)


def test_minilm_learned_table_and_what_it_used():
    at = open_page(positions, {positions.D_MODEL: 16, positions.LENGTH: 20, positions.POS: 3, positions.PAIR_I: 1})
    assert_clean(at)
    text = _text(at)
    assert "512 positions × 384 dimensions" in text
    assert "captured rows equal rows 0–12" in text and "learned" in text
    assert "Learned positions are a table added to the token embeddings" in text  # no bias by distance, and why
    # the formula at (pos 3, i 1) with d_model 16: sin(3 / 10000^(2/16))
    latex = " ".join(l.value for l in at.latex)
    assert f"{np.sin(3 / 10000 ** (2 / 16)):.6f}" in latex
    heat = figures(at)[0]["data"][0]
    assert heat["type"] == "heatmap"


def test_rotation_check_is_reported():
    at = open_page(positions, {positions.SHIFT: 9})
    err = float([s.value for s in at.success if "largest error" in s.value][0].split("largest error ")[1].split(" ")[0])
    assert err < 1e-5


def test_glassllm_rotary_uses_the_models_vectors():
    at = open_page(positions, {sidebar.MODEL: "glassllm-en", positions.ROPE_PICKERS.layer: 1,
                               positions.ROPE_PICKERS.head: 2})
    assert_clean(at)
    text = _text(at)
    assert "Using `glassllm-en`: d_head = 32" in text  # the model's name as typed, in a code span
    assert "before rotation" in text and "layer 1, head 2" in text
    assert "uses **rotary** positions" in text
    assert "has no learned position table" in text  # the Learned tab says so, and why


def test_effect_on_attention_for_scratch_and_the_worked_example():
    at = open_page(positions, {sidebar.MODEL: "scratch-encoder", positions.EFFECT_MODE: "removed"})
    assert_clean(at)
    caps = " ".join(c.value for c in at.caption)
    assert "Largest change in this head" in caps
    assert "agree to 0.0e+00" in caps
    assert any("Textbook" in i.value or "textbook" in i.value for i in at.info)


def test_t5_shuffle_gets_a_message(hf_folders):
    at = open_page(positions, {sidebar.MODEL: "custom", sidebar.PATH: str(hf_folders["t5"]),
                               positions.EFFECT_MODE: "shuffled"})
    assert_clean(at)
    assert any("relative position biases" in w.value for w in at.warning)
    assert "T5 sorts each distance into one of 32 buckets" in _text(at)  # the bias-by-distance drawing
    curves = [f for f in figures(at) if f["data"][0].get("name") == "head 0" and f["data"][0]["type"] == "scatter"]
    assert len(curves) == 1 and len(curves[0]["data"]) == 4  # one curve per head


def test_a_model_that_does_not_load_leaves_the_formulas_working():
    at = open_page(positions, {sidebar.MODEL: "custom", sidebar.PATH: "/no/such/folder"})
    assert_clean(at)
    assert any("There is no folder" in e.value for e in at.error)  # said where a model is needed
    text = _text(at)
    assert "does not use rotary positions; this tab uses the formula" in text  # the rotary tab fell back
    assert "agree to 0.0e+00" in text  # the worked example in the last tab still ran
    assert len(figures(at)) >= 6  # sinusoidal and rotary figures drawn
