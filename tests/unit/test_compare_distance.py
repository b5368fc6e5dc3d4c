"""Head distances (Jensen–Shannon), layers by relative depth, and attention projected onto aligned units."""
import numpy as np
import torch

from attnviz.analysis.compare import best_matches, js_distances, layer_map, project, relative_index


def _rows(seed: int, heads: int = 5, units: int = 6) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.softmax(torch.randn(heads, units, units, generator=g) * 2, dim=-1)


def test_distance_is_symmetric():
    a, b = _rows(0), _rows(1, heads=3)
    assert np.allclose(js_distances(a, b), js_distances(b, a).T, atol=1e-6)


def test_distance_is_zero_for_identical_heads():
    a = _rows(2)
    d = js_distances(a, a)
    assert np.all(np.diag(d) == 0.0)
    assert np.all(d[~np.eye(len(d), dtype=bool)] > 0)


def test_distance_is_largest_for_disjoint_heads():
    eye = torch.eye(6)[None]  # each query attends to itself
    prev = torch.roll(torch.eye(6), 1, dims=1)[None]  # each query attends to another token
    d_disjoint = js_distances(eye, prev)[0, 0]
    d_random = js_distances(_rows(3, heads=1), _rows(4, heads=1))[0, 0]
    assert d_disjoint == 1.0  # base 2: disjoint rows are the maximum, 1
    assert 0 < d_random < d_disjoint


def test_layers_match_by_relative_depth():
    assert layer_map(6, 4) == [0, 1, 1, 2, 2, 3]  # first to first, last to last
    assert layer_map(4, 4) == [0, 1, 2, 3]
    assert relative_index(0, 1, 5) == 0 and relative_index(3, 4, 1) == 0


def test_best_match_prefers_the_same_place_on_ties():
    d = np.zeros((4, 4))  # every head looks alike
    assert [(l, h) for l, h, _ in best_matches(d, (2, 2), (2, 2))] == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_projection_means_query_rows_and_sums_key_columns():
    stack = torch.tensor([[[[0.5, 0.5, 0.0], [0.0, 0.2, 0.8], [1.0, 0.0, 0.0]]]])  # [1, 1, 3, 3]
    grid = project(stack, [(0, 1), (2,)])  # tokens 0 and 1 are one unit (a split word)
    assert torch.allclose(grid[0, 0], torch.tensor([[0.6, 0.4], [1.0, 0.0]]))


def test_statistics_of_both_panes_and_the_brushed_rows():
    from attnviz.figures.compare_charts import brushed, statistics_chart, statistics_frame

    a = {"entropy": np.array([[0.1, 1.0], [2.0, 3.0]]), "self": np.zeros((2, 2))}
    b = {"entropy": np.array([[0.5], [1.5], [2.5]])}
    frame = statistics_frame(a, b)
    assert list(frame["head id"]) == ["A L0 h0", "A L0 h1", "A L1 h0", "A L1 h1", "B L0 h0", "B L1 h0", "B L2 h0"]
    assert list(frame.columns[-1:]) == ["entropy"]  # only what both sides have
    assert list(frame["relative depth"]) == [0, 0, 1, 1, 0, 0.5, 1]
    box = {"brush": {"relative depth": [0.4, 1.0], "entropy": [1.2, 2.6]}}
    assert list(brushed(frame, "entropy", box)["head id"]) == ["A L1 h0", "B L1 h0", "B L2 h0"]
    assert len(brushed(frame, "entropy", {})) == 7
    # the chart draws A a little left of its depth and B a little right (same models: A not hidden under B);
    # the brush reports that drawn x, and its ticks sit at the layers' depths
    drawn_box = {"brush": {"drawn depth": [0.4, 0.99], "entropy": [0.0, 3.0]}}
    assert list(brushed(frame, "entropy", drawn_box)["head id"]) == ["A L1 h0", "A L1 h1", "B L1 h0"]
    spec = statistics_chart(frame, "entropy", ["A L1 h0"]).to_dict()
    assert spec["params"][0]["name"] == "brush"
    assert spec["encoding"]["x"]["field"] == "drawn depth" and spec["encoding"]["x"]["axis"]["values"] == [0, 0.5, 1]
