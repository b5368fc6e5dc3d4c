import numpy as np
import pytest

from attnviz.models.tokens import CharCodec
from attnviz.figures.plots import head_heatmap, safe_label


def test_char_codec_round_trip_and_display():
    c = CharCodec()
    ids = c.encode("ab 1")
    assert c.decode(ids) == "ab 1"
    assert c.display(ids) == ["a", "b", "␣", "1"]
    assert c.encode("é") == [c.id("<unk>")]
    assert c.special_ids() == {0, 1, 2, 3}


def test_heatmap_carries_the_pattern_and_tokens():
    p = np.array([[1.0, 0.0], [0.25, 0.75]], dtype=np.float32)
    fig = head_heatmap(p, ["a", "a"], ["a", "b"], title="t")
    trace = fig.data[0]
    assert np.array_equal(np.asarray(trace.z), p)
    # a repeated token keeps its own row: categories are "pos · token", ticks show the token
    assert list(trace.y) == ["0 · a", "1 · a"] and list(trace.x) == ["0 · a", "1 · b"]
    assert list(fig.layout.yaxis.tickvals) == ["0 · a", "1 · a"] and list(fig.layout.yaxis.ticktext) == ["a", "a"]
    assert "%{y}" in trace.hovertemplate and "%{z:.4f}" in trace.hovertemplate


def test_heatmap_payload_has_no_per_cell_strings():
    p = np.random.default_rng(0).random((512, 512)).astype(np.float32)
    tokens = [f"tok{i}" for i in range(512)]
    fig = head_heatmap(p, tokens, tokens)
    assert fig.data[0].customdata is None
    assert len(fig.to_json()) < 2_000_000  # bytes a browser receives for one 512-token head
    assert len(fig.layout.xaxis.tickvals) <= 64  # long axes are labelled every n-th token


def test_heatmap_log_scale_and_shape_check():
    p = np.array([[0.5, 0.5], [1.0, 0.0]])
    trace = head_heatmap(p, ["x", "y"], ["x", "y"], log_color=True).data[0]
    z = np.asarray(trace.z)
    assert z[1, 1] == pytest.approx(-6.0) and z[0, 0] == pytest.approx(np.log10(0.5))
    assert np.allclose(np.asarray(trace.customdata), p)  # hover still reads the weight, not its log
    with pytest.raises(ValueError, match="pattern is"):
        head_heatmap(p, ["x"], ["x", "y"])


def test_tokens_are_escaped_for_plotly_markup():
    assert safe_label("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    fig = head_heatmap(np.ones((1, 1)), ["<br>"], ["&amp;"])
    assert list(fig.layout.xaxis.ticktext) == ["&amp;amp;"]
    assert list(fig.layout.yaxis.ticktext) == ["&lt;br&gt;"]
    assert list(fig.data[0].y) == ["0 · &lt;br&gt;"]
