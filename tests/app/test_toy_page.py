"""AppTest on the worked-example page: seeds' numbers, edits flowing to exactly what depends on them,
masks, heads, mistakes, and explaining a real model's cell."""
import math

import numpy as np
import pytest

from apphelpers import assert_clean, messages, open_page

from attnviz.lessons.worked_example import SEED_001_X
from attnviz.app.state import sidebar, worked_example

SIG = "seed-001_identity_0_1_3_3"  # preset, weights, seed, heads, tokens, d_model
UPSTREAM = ("X", "PE", "X_plus_PE", "W_Q", "W_K", "W_V")


def shown(at):
    return at.session_state[worked_example.SHOWN]


def changed(a, b):
    return {name for name in a if not np.array_equal(np.nan_to_num(a[name]), np.nan_to_num(b[name]))}


@pytest.fixture(scope="module")
def default():
    at = open_page(worked_example)
    assert_clean(at)
    return shown(at)


def test_seed_001_default_numbers(default):
    w = default["weights"]
    assert w[0] == pytest.approx([0.263784, 0.297786, 0.438430], abs=1e-6)
    assert np.allclose(w.sum(1), 1)


def test_editing_w_v_changes_only_v_and_output(default):
    wv = np.eye(3)
    wv[0, 0] = 2.0
    at = open_page(worked_example, {worked_example.value(f"{SIG}_W_V"): wv})
    assert_clean(at)
    assert changed(default, shown(at)) == {"W_V", "V", "output"}


def test_editing_x_changes_everything_downstream_of_x(default):
    x = SEED_001_X.copy()
    x[1, 2] = 0.9
    at = open_page(worked_example, {worked_example.value(f"{SIG}_X"): x})
    assert changed(default, shown(at)) == {"X", "X_plus_PE", "Q", "K", "V", "scores", "scaled_scores",
                                           "masked_scores", "weights", "output"}


def test_editing_w_q_leaves_values_alone(default):
    wq = np.eye(3)
    wq[2, 1] = -1.0
    at = open_page(worked_example, {worked_example.value(f"{SIG}_W_Q"): wq})
    assert changed(default, shown(at)) == {"W_Q", "Q", "scores", "scaled_scores", "masked_scores", "weights", "output"}


def test_seed_000_and_where_it_went_wrong():
    at = open_page(worked_example, {worked_example.PRESET: "seed-000"})
    assert_clean(at)
    s = 1 / math.sqrt(2)
    e1, e2 = math.exp(0.5 * s), math.exp(1.25 * s)
    assert shown(at)["weights"][0] == pytest.approx([e1 / (e1 + e2), e2 / (e1 + e2)])
    text = " ".join(m.value for m in at.markdown)
    assert "What the article gets wrong" in " ".join(h.value for h in at.header)
    assert "sum to 1" in text and "2×2 matrix" in text


def test_causal_mask_and_no_scaling():
    at = open_page(worked_example, {worked_example.MASK: "causal", worked_example.SCALE: False})
    w = shown(at)["weights"]
    assert np.allclose(np.triu(w, 1), 0) and w[0, 0] == pytest.approx(1.0)
    assert np.allclose(shown(at)["scaled_scores"], shown(at)["scores"])


def test_padding_mask_zeroes_the_padded_key():
    at = open_page(worked_example, {worked_example.MASK: "padding", worked_example.PADDING: 1})
    assert np.allclose(shown(at)["weights"][:, 2], 0)


def test_three_heads_with_random_weights():
    at = open_page(worked_example, {worked_example.WEIGHTS: "random", worked_example.SEED: 5, worked_example.HEADS: 3})
    assert_clean(at)
    s = shown(at)
    assert s["concat"].shape == (3, 3) and "final" in s
    assert any(h.value.startswith("3 heads") for h in at.header)


def test_mistake_scale_by_d_model_with_heads_shows_a_change():
    at = open_page(worked_example, {worked_example.WEIGHTS: "random", worked_example.HEADS: 3,
                                    worked_example.MISTAKE: "scale_d_model"})
    assert_clean(at)
    shown_change = [c.value for c in at.caption if c.value.startswith("Largest change against the right numbers")]
    assert len(shown_change) == 1 and float(shown_change[0].rsplit(": ", 1)[1]) > 0.01  # a change, not zero


def test_custom_example_and_label_mismatch():
    at = open_page(worked_example, {worked_example.PRESET: "custom", worked_example.N_TOKENS: 5,
                                    worked_example.D_MODEL: 6, worked_example.LABELS: "a,b"})
    assert_clean(at)
    assert any("Give 5 non-empty labels" in w for w in messages(at, "warning"))
    assert shown(at)["X"].shape == (5, 6)


def test_explain_a_minilm_cell():
    at = open_page(worked_example, {worked_example.REAL: True, worked_example.REAL_PICKERS.layer: 2,
                                    worked_example.REAL_PICKERS.head: 5, worked_example.REAL_QUERY: 3,
                                    worked_example.REAL_KEY: 1})
    assert_clean(at)
    ok = [s.value for s in at.success]
    assert ok and "layer 2, head 5" in ok[0]
    diff = float(ok[0].split("difference ")[1].split(")")[0])
    assert diff < 1e-5


def test_explain_a_glassllm_cell_shows_the_rotation():
    at = open_page(worked_example, {sidebar.MODEL: "glassllm-en", worked_example.REAL: True,
                                    worked_example.REAL_PICKERS.layer: 1, worked_example.REAL_PICKERS.head: 3,
                                    worked_example.REAL_QUERY: 5, worked_example.REAL_KEY: 2})
    assert_clean(at)
    text = " ".join(m.value for m in at.markdown)
    assert "Rotary positions" in text and "depends on 5 − 2" in text
    assert float(at.success[0].value.split("difference ")[1].split(")")[0]) < 1e-5
    assert any("reads key/value head 1" in c.value for c in at.caption)


@pytest.fixture(scope="module")
def family_folder(tmp_path_factory):
    from builders import build_family

    base = tmp_path_factory.mktemp("toyfamilies")
    return lambda name: build_family(name, base / name)


def test_explain_partial_rotary_phi(family_folder):
    at = open_page(worked_example, {sidebar.MODEL: "custom", sidebar.PATH: str(family_folder("phi")),
                                    worked_example.REAL: True, worked_example.REAL_PICKERS.layer: 1,
                                    worked_example.REAL_PICKERS.head: 2, worked_example.REAL_QUERY: 4,
                                    worked_example.REAL_KEY: 1})
    assert_clean(at)
    assert any("Partial rotary: only 4 of the 8 dimensions" in c.value for c in at.caption)
    assert float(at.success[0].value.split("difference ")[1].split(")")[0]) < 1e-5


def test_explain_says_why_not_for_falcon(family_folder):
    at = open_page(worked_example, {sidebar.MODEL: "custom", sidebar.PATH: str(family_folder("falcon")),
                                    worked_example.REAL: True})
    assert_clean(at)
    assert any("not available" in i.value and "because falcon computes attention in its own code" in i.value
               for i in at.info)
    assert not at.success  # nothing recomputed


def test_examples_are_named_by_what_they_are_and_where_they_come_from():
    at = open_page(worked_example)
    labels = at.radio(key=worked_example.PRESET).options
    assert labels == ["“Transformer is powerful” (3 words)", "Q, K, V given (2 tokens)", "Your own"]
    captions = " ".join(c.value for c in at.caption)
    assert "Taken from the article “Transformer注意力机制的发展历程与里程碑”" in captions
    shown_words = " ".join([*labels, *(h.value for h in at.header), *(m.value for m in at.markdown)])
    assert "seed 0" not in shown_words.lower() and "the seed" not in shown_words.lower()
    assert "What the article gets wrong" in [h.value for h in at.header]


def test_every_step_shows_the_same_precision():
    import re

    at = open_page(worked_example)
    steps = [df for df in at.dataframe if df.proto.editing_mode == 0]  # read-only: not the editors
    cells = [v for df in steps for v in df.value.to_numpy().ravel() if isinstance(v, str)]
    numbers = [v for v in cells if re.fullmatch(r"-?\d+\.\d+", v)]
    assert numbers and all(len(v.split(".")[1]) == 4 for v in numbers)
    formulas = " ".join(x.value for x in at.latex)
    assert all(len(d) == 4 for d in re.findall(r"\d\.(\d+)", formulas))


def test_no_mask_is_drawn_as_open_cells():
    import json

    at = open_page(worked_example, {worked_example.MASK: "none"})
    grids = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    mask = next(g for g in grids if g["data"][0].get("texttemplate"))
    assert {t for row in mask["data"][0]["text"] for t in row} == {"0"}
    assert mask["data"][0]["colorscale"][0][1] == "#ffffff"
    assert "No mask: every query may look at every key." in [c.value for c in at.caption]


def test_explain_says_why_not_in_chinese(family_folder):
    at = open_page(worked_example, {sidebar.LANG: "zh", sidebar.MODEL: "custom",
                                    sidebar.PATH: str(family_folder("falcon")), worked_example.REAL: True})
    assert_clean(at)
    said = messages(at, "info")
    assert any(s.startswith("“解释这个单元格”不适用于 `") and "因为模型 falcon 在自己的代码里计算注意力" in s for s in said), said
    assert not any("not available" in s for s in said)
