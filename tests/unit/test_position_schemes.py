"""ALiBi slopes and T5 buckets as the models compute them, and the bias-by-distance figure's data."""
import numpy as np
import pytest
import torch

from attnviz.core.positional import alibi_bias, alibi_slopes, t5_bucket


@pytest.mark.parametrize("n_heads", [4, 6, 8, 12])
def test_alibi_slopes_are_falcons(n_heads):
    from transformers.models.falcon.modeling_falcon import build_alibi_tensor

    n = 7
    theirs = build_alibi_tensor(torch.ones(1, n), n_heads, torch.float64).view(n_heads, n)  # m_h · j
    # Falcon multiplies its slopes in bfloat16: equal to 3 significant digits
    assert np.allclose(theirs[:, 1].numpy(), alibi_slopes(n_heads), rtol=2e-3)
    ours = alibi_bias(n_heads, n)  # −m_h · (i − j): the same row after the softmax's shift
    row = 6
    assert np.allclose(ours[:, row] - ours[:, row, :1], theirs.numpy() - theirs[:, :1].numpy(), rtol=2e-3)
    assert alibi_slopes(8)[0] == 0.5 and alibi_slopes(8)[-1] == 2 ** -8


@pytest.mark.parametrize("bidirectional", [True, False])
def test_t5_buckets_are_transformers(bidirectional):
    from transformers.models.t5.modeling_t5 import T5Attention

    rel = torch.arange(-300, 301)
    theirs = T5Attention._relative_position_bucket(rel, bidirectional=bidirectional, num_buckets=32, max_distance=128)
    assert np.array_equal(t5_bucket(rel.numpy(), bidirectional, 32, 128), theirs.numpy())


def test_bias_figures_say_what_they_draw():
    from torch import nn

    from attnviz.core.types import ModelInfo
    from attnviz.figures.positions import position_bias_figure

    info = ModelInfo(name="m", family="hugging face", architecture="decoder", model_type="falcon", n_layers=1,
                     n_heads=4, n_kv_heads=4, d_model=32, d_head=8, positional="alibi", n_params=0,
                     max_positions=32, causal=True)
    fig, text = position_bias_figure(info, nn.Module(), distance=10)
    assert len(fig.data) == 4 and list(fig.data[0].y[:3]) == [0.0, -0.25, -0.5]  # slope 2^-2 for 4 heads
    assert "ALiBi adds" in text
    for scheme, words in (("disentangled", "no single curve"), ("rotary", "Rotary (RoPE) tab"), ("none", "no positional")):
        fig, text = position_bias_figure(ModelInfo(**{**info.__dict__, "positional": scheme}), nn.Module())
        assert fig is None and words in text
