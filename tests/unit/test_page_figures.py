"""The figures the worked-example, positional and training pages draw: the data each one carries."""
import numpy as np
import pytest

from attnviz.analysis.patterns import anti_diagonal_mass
from attnviz.core import positional as P
from attnviz.figures import positions as pos_figs
from attnviz.figures import training as train_figs
from attnviz.figures import worked_example as toy_figs


def test_number_table_prints_masked_scores_as_infinity():
    t = toy_figs.number_table(np.array([[0.5, -np.inf], [np.inf, 1.0]]), ["a", "b"], ["x", "y"])
    assert t.loc["a", "y"] == "−∞" and t.loc["b", "x"] == "∞" and t.loc["a", "x"] == "0.5000"  # the same 4 decimals in every step


def test_step_heatmap_blanks_masked_cells_and_centres_signed_values():
    fig = toy_figs.step_heatmap(np.array([[1.0, -np.inf], [0.5, 2.0]]), ["a", "a"], ["k0", "k1"])
    z = np.asarray(fig.data[0].z, dtype=float)
    assert np.isnan(z[0, 1]) and z[1, 1] == 2.0
    assert list(fig.data[0].y) == ["0·a", "1·a"]  # repeated tokens keep their own row
    assert fig.data[0].zmid is None
    signed = toy_figs.step_heatmap(np.array([[-1.0, 1.0]]), ["a"], ["x", "y"])
    assert signed.data[0].zmid == 0


def test_peakedness_chart_has_both_curves_and_the_uniform_line():
    d = [1, 4, 16]
    peak = {"entropy_scaled": np.array([2.7, 2.6, 2.6]), "entropy_unscaled": np.array([2.7, 2.0, 0.9]),
            "uniform_entropy": np.full(3, np.log(16))}
    fig = toy_figs.peakedness_chart(d, peak, "entropy", "Entropy")
    assert [t.name for t in fig.data] == ["scaled by √d_k", "unscaled", "uniform (ln 16)"]
    assert list(fig.data[1].y) == [2.7, 2.0, 0.9] and fig.layout.xaxis.type == "log"


def test_value_heatmap_robust_range_ignores_outliers():
    z = np.ones((20, 20))
    z[0, 0] = 1000.0  # one value in 400: above the 99th percentile
    fig = pos_figs.value_heatmap(z, "dim", "pos", robust=True)
    assert fig.data[0].zmax == pytest.approx(1.0) and fig.data[0].zmin == pytest.approx(-1.0)
    assert np.asarray(fig.data[0].z)[0, 0] == 1000.0
    assert pos_figs.value_heatmap(z, "dim", "pos").data[0].zmax is None


def test_waves_and_similarity_curves_hold_the_encoding():
    pe = P.sinusoidal(20, 8)
    fig = pos_figs.waves(pe, [0, 3])
    assert [t.name for t in fig.data] == ["dim 0 (sin)", "dim 3 (cos)"]
    assert np.allclose(np.asarray(fig.data[1].y), pe[:, 3])
    sim = P.similarity(pe)
    fig = pos_figs.similarity_by_distance(sim, [0, 5])
    assert np.allclose(np.asarray(fig.data[1].y), sim[5, 5:]) and len(fig.data[1].x) == 15


def test_shift_circle_marks_both_positions():
    pe = P.sinusoidal(30, 8)
    fig = pos_figs.shift_circle(pe, pair=1, start=4, k=6)
    shift = fig.data[1]
    assert list(shift.text) == ["pos 4", "pos 10"]
    assert np.allclose([shift.x[1], shift.y[1]], pe[10, 2:4])


def test_position_path_and_rotary_chart():
    fig = pos_figs.position_path(np.arange(10.0).reshape(5, 2), start=1)
    assert list(fig.data[0].marker.color) == [1, 2, 3, 4, 5] and fig.data[0].hovertext[0] == "pos 1"
    dots = np.array([3.0, 2.0, 1.0])
    fig = pos_figs.rotary_dot_chart(dots, 3.0)
    assert list(fig.data[0].x) == [0, 1, 2] and fig.layout.shapes[0].y0 == 3.0


def test_used_encoding_rows_are_labelled():
    values = np.arange(6.0).reshape(3, 2)
    fig = pos_figs.used_encoding(values, ["0 · a", "1 · b", "2 · c"])
    assert list(fig.data[0].y) == ["0 · a", "1 · b", "2 · c"] and np.allclose(np.asarray(fig.data[0].z), values)


def test_training_curves_and_snapshot_head():
    fig = train_figs.loss_chart([1, 2, 3], [2.0, 1.0, 0.5])
    assert list(fig.data[0].y) == [2.0, 1.0, 0.5] and fig.layout.yaxis.type == "log"
    fig = train_figs.accuracy_chart([1, 2], [0.1, 0.5], [2], [0.4])
    assert [t.name for t in fig.data] == ["training batch", "held-out"] and list(fig.data[1].y) == [0.4]
    pattern = np.array([[0.0, 1.0], [1.0, 0.0]])
    fig = train_figs.snapshot_head(pattern, ["a", "b"], ["a", "b"], head=3)
    assert fig.layout.title.text == "head 3" and fig.data[0].showscale is False
    assert np.allclose(np.asarray(fig.data[0].z), pattern)


def test_anti_diagonal_mass_of_a_reversing_head():
    n = 4
    reverse = np.eye(n)[::-1]
    uniform = np.full((n, n), 1 / n)
    assert np.allclose(anti_diagonal_mass(np.stack([reverse, uniform])), [1.0, 0.25])


def test_long_training_curves_are_thinned_to_a_few_hundred_points_keeping_the_ends():
    steps = list(range(1, 100_001))
    loss = [1 / s for s in steps]
    fig = train_figs.loss_chart(steps, loss)
    xs, ys = list(fig.data[0].x), list(fig.data[0].y)
    assert len(xs) <= train_figs.MAX_CURVE_POINTS + 1
    assert xs[0] == 1 and xs[-1] == 100_000 and ys[-1] == loss[-1]  # the latest step is always shown
    assert all(b > a for a, b in zip(xs, xs[1:])) and all(y == 1 / x for x, y in zip(xs, ys))
    short = train_figs.accuracy_chart([1, 2, 3], [0.1, 0.2, 0.3], [3], [0.25])
    assert list(short.data[0].x) == [1, 2, 3]  # short runs are drawn whole
