"""The worked example's numbers, pinned to values computed here by hand (plain math, not numpy)."""
import math

import numpy as np
import pytest

from attnviz.lessons.worked_example import (ToySpec, explain_toy_cell, mask_matrix, mistake_effect, preset, random_weights,
                         run_toy, seed_notes, softmax_peakedness, to_json)


def softmax(row):
    m = max(row)
    e = [math.exp(x - m) for x in row]
    return [x / sum(e) for x in e]


def test_seed_000_weights_and_outputs_by_hand():
    r = run_toy(preset("seed-000"))
    # Q1 = [0.5, 1], K1 = [1, 0], K2 = [0.5, 1]: dots 0.5 and 1.25; Q2 = [1, 0.5]: dots 1.0 and 1.0
    s = 1 / math.sqrt(2)
    row1 = softmax([0.5 * s, 1.25 * s])
    assert row1[0] == pytest.approx(0.370440, abs=1e-6) and row1[1] == pytest.approx(0.629560, abs=1e-6)
    assert np.allclose(r.steps["scores"], [[0.5, 1.25], [1.0, 1.0]])
    assert np.allclose(r.steps["weights"], [row1, [0.5, 0.5]])
    # outputs: row1 = w11·[0.5, 1] + w12·[0, 0.5]
    out1 = [row1[0] * 0.5, row1[0] * 1.0 + row1[1] * 0.5]
    assert np.allclose(r.steps["output"], [out1, [0.25, 0.75]])
    assert r.steps["output"][0] == pytest.approx([0.185220, 0.685220], abs=1e-6)
    notes = " ".join(seed_notes("seed-000"))
    assert "sum to 1" in notes and "1.25" in notes


def test_seed_001_identity_by_hand():
    r = run_toy(preset("seed-001", weights="identity"))
    xpe = [[0.5, 0.2, 0.5], [0.5, 1.0, 0.6], [0.9, 1.1, 1.5]]
    assert np.allclose(r.steps["X_plus_PE"], xpe)
    assert np.allclose(r.steps["Q"], xpe) and np.allclose(r.steps["V"], xpe)
    dots = [[sum(a * b for a, b in zip(qi, kj)) for kj in xpe] for qi in xpe]
    assert dots[0] == pytest.approx([0.54, 0.75, 1.42])
    weights = [softmax([d / math.sqrt(3) for d in row]) for row in dots]
    assert np.allclose(r.steps["weights"], weights)
    out = [[sum(weights[i][j] * xpe[j][c] for j in range(3)) for c in range(3)] for i in range(3)]
    assert np.allclose(r.steps["output"], out)
    assert r.steps["weights"][0] == pytest.approx([0.263784, 0.297786, 0.438430], abs=1e-6)


def test_seed_001_random_weights_follow_the_seed():
    a = run_toy(preset("seed-001", weights="random", seed=7))
    b = run_toy(preset("seed-001", weights="random", seed=7))
    c = run_toy(preset("seed-001", weights="random", seed=8))
    assert np.array_equal(a.steps["weights"], b.steps["weights"])
    assert not np.allclose(a.steps["weights"], c.steps["weights"])
    W_Q = random_weights(3, 7)[0]
    assert np.allclose(a.steps["Q"], (np.array(a.steps["X_plus_PE"]) @ W_Q))
    assert np.allclose(a.steps["weights"].sum(1), 1)


def test_masks():
    causal = run_toy(ToySpec(tokens=list("abc"), Q=np.ones((3, 2)), K=np.ones((3, 2)), V=np.eye(3)[:, :2], mask="causal"))
    assert np.allclose(causal.steps["weights"], [[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]])
    assert mask_matrix(3, "padding", 1).tolist() == [[0, 0, -np.inf]] * 3
    padded = run_toy(ToySpec(tokens=list("abc"), Q=np.ones((3, 2)), K=np.ones((3, 2)), V=np.ones((3, 2)),
                             mask="padding", n_padding=1))
    assert np.allclose(padded.steps["weights"][:, 2], 0) and np.allclose(padded.steps["weights"][:, :2], 0.5)


def test_multi_head_split_concat_and_output_projection():
    spec = preset("custom", weights="random", seed=3, n_heads=2, n_tokens=5, d_model=4)
    r = run_toy(spec)
    assert len(r.heads) == 2 and r.d_k == 2
    Q, K, V = r.steps["Q"], r.steps["K"], r.steps["V"]
    for h in range(2):
        sl = slice(2 * h, 2 * h + 2)
        scores = Q[:, sl] @ K[:, sl].T / math.sqrt(2)
        w = np.array([softmax(list(row)) for row in scores])
        assert np.allclose(r.heads[h].weights, w)
        assert np.allclose(r.heads[h].output, w @ V[:, sl])
    assert np.allclose(r.steps["concat"], np.hstack([r.heads[0].output, r.heads[1].output]))
    assert np.allclose(r.steps["final"], r.steps["concat"] @ spec.W_O)


def test_scaling_toggle():
    spec = preset("seed-001")
    spec.scale = False
    r = run_toy(spec)
    assert np.allclose(r.steps["scaled_scores"], r.steps["scores"])


def test_cell_explanation_terms():
    r = run_toy(preset("seed-000"))
    cell = explain_toy_cell(r, query=0, key=1)
    assert cell.dot == pytest.approx(1.25) and cell.divisor == pytest.approx(math.sqrt(2))
    assert cell.scaled == pytest.approx(1.25 / math.sqrt(2))
    assert cell.weight == pytest.approx(cell.exps[1] / cell.exps.sum())
    assert np.allclose(cell.output_terms.sum(0), cell.output)


def test_mistakes_show_their_effect():
    assert "no attribute 'softmax'" in mistake_effect(preset("seed-001"), "np_softmax")["error"]
    one_head = mistake_effect(preset("seed-001", weights="random"), "scale_d_model")
    assert one_head["max_change"] == 0 and "one head" in one_head["note"]
    three = mistake_effect(preset("seed-001", weights="random", n_heads=3), "scale_d_model")
    assert three["max_change"] > 0.01
    assert mistake_effect(preset("seed-001", weights="random"), "no_scale")["max_change"] > 0.01
    vt = mistake_effect(preset("seed-001"), "v_times_weights")
    assert not np.allclose(vt["output"], vt["right"].steps["output"])
    assert "shape error" in mistake_effect(preset("custom", n_tokens=5, d_model=4), "v_times_weights")["error"]


def test_bad_specs_say_why():
    spec = preset("seed-001")
    spec.W_Q = np.eye(2)
    with pytest.raises(ValueError, match="W_Q must be 3×3"):
        run_toy(spec)
    with pytest.raises(ValueError, match="heads do not divide"):
        run_toy(preset("seed-001", n_heads=2))
    with pytest.raises(ValueError, match="1 to 12 tokens"):
        preset("custom", n_tokens=13)


def test_peakedness_grows_without_scaling():
    p = softmax_peakedness([1, 16, 256], trials=100)
    assert p["max_unscaled"][2] > 0.8 > p["max_scaled"][2]
    assert p["entropy_unscaled"][2] < p["entropy_scaled"][2]
    assert abs(p["max_scaled"][0] - p["max_scaled"][2]) < 0.1  # scaling keeps it level


def test_json_has_every_intermediate():
    data = to_json(run_toy(preset("seed-001")))
    for name in ("X", "PE", "X_plus_PE", "W_Q", "W_K", "W_V", "Q", "K", "V", "scores", "scaled_scores",
                 "mask", "masked_scores", "weights", "output"):
        assert name in data
    causal = preset("seed-001")
    causal.mask = "causal"
    assert to_json(run_toy(causal))["mask"][0] == [0.0, "-inf", "-inf"]
