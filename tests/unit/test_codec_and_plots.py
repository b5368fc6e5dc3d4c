import numpy as np
import pytest

from attnviz.codec import CharCodec
from attnviz.plots import head_heatmap, safe_label


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
    # a repeated token keeps its own row: axes are positions labelled with tokens
    assert list(fig.layout.yaxis.tickvals) == [0, 1] and list(fig.layout.yaxis.ticktext) == ["a", "a"]
    assert trace.customdata[1][1][0] == "a" and trace.customdata[1][1][1] == "b"
    assert float(trace.customdata[1][0][2]) == 0.25


def test_heatmap_log_scale_and_shape_check():
    p = np.array([[0.5, 0.5], [1.0, 0.0]])
    z = np.asarray(head_heatmap(p, ["x", "y"], ["x", "y"], log_color=True).data[0].z)
    assert z[1, 1] == pytest.approx(-6.0) and z[0, 0] == pytest.approx(np.log10(0.5))
    with pytest.raises(ValueError, match="pattern is"):
        head_heatmap(p, ["x"], ["x", "y"])


def test_tokens_are_escaped_for_plotly_markup():
    assert safe_label("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    fig = head_heatmap(np.ones((1, 1)), ["<br>"], ["&amp;"])
    assert list(fig.layout.xaxis.ticktext) == ["&amp;amp;"]
    assert list(fig.layout.yaxis.ticktext) == ["&lt;br&gt;"]
