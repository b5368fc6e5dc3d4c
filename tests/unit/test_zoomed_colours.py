"""A long head's overview on a colour scale that shows it: a causal head's first row (its whole weight on token 0)
no longer takes the whole scale and leaves every other cell white (issue 28's screenshots at 2,048 and 8,192 tokens)."""
import numpy as np

from attnviz.analysis.zoom import Zoomed
from attnviz.figures.zoomed import colour_cap, minimap, zoomed_heatmap


def _causal(n: int = 64) -> np.ndarray:
    """Uniform causal weights: row r gives 1/(r + 1) to each key up to r (row 0: 1.0 on key 0)."""
    r = np.arange(n)[:, None]
    return np.where(np.arange(n)[None, :] <= r, 1.0 / (r + 1), 0.0).astype(np.float32)


def _zoomed(values: np.ndarray) -> Zoomed:
    edges = np.arange(values.shape[0] + 1)
    return Zoomed(values, edges, np.arange(values.shape[1] + 1), "max", 0, 0)


def test_the_scale_stops_at_the_99th_percentile_of_the_weighted_cells_when_a_few_lie_far_above():
    values = _causal()
    weighted = values[values > 0]
    cap = colour_cap(values)
    assert cap == np.quantile(weighted, 0.99) and values.max() > 2 * cap
    fig = zoomed_heatmap(_zoomed(values), [str(i) for i in range(64)], [str(i) for i in range(64)], "h")
    trace = fig.data[0]
    assert trace.zmax == cap and trace.zmin == 0
    assert list(trace.colorbar.ticktext) == ["0", f"{cap / 2:.3g}", f"≥ {cap:.3g}"]
    assert list(trace.colorbar.tickvals) == [0.0, cap / 2, cap]
    assert minimap(_zoomed(values), (0, 64), (0, 64)).data[0].zmax == cap


def test_an_even_head_or_a_few_cells_keep_the_scale_at_their_maximum():
    even = np.full((20, 20), 0.05, dtype=np.float32)
    even[3, 4] = 0.09  # under twice the 99th percentile: not an outlier
    assert colour_cap(even) is None
    fig = zoomed_heatmap(_zoomed(even), [str(i) for i in range(20)], [str(i) for i in range(20)], "h")
    assert abs(fig.data[0].zmax - 0.09) < 1e-6 and fig.data[0].colorbar.ticktext is None
    few = np.zeros((8, 8), dtype=np.float32)
    few[0, 0], few[5, 5] = 1.0, 0.01  # 2 cells with weight: no quantile to speak of
    assert colour_cap(few) is None and colour_cap(np.zeros((30, 30), dtype=np.float32)) is None
