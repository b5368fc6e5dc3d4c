import math

import pytest
import torch

from attnviz.core.attention import (attention_scores, causal_mask, masked_softmax, padding_mask,
                               scaled_dot_product_attention)


def test_worked_example_by_hand():
    # Two queries, two keys, d_head = 2: scores and weights computed by hand.
    q = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    k = torch.tensor([[1.0, 1.0], [2.0, 0.0]])
    v = torch.tensor([[10.0, 0.0], [0.0, 10.0]])
    out, w = scaled_dot_product_attention(q, k, v)
    s = 1 / math.sqrt(2)
    # row 0: q0·k0 = 1, q0·k1 = 2 ; row 1: q1·k0 = 2, q1·k1 = 0
    e = [[math.exp(1 * s), math.exp(2 * s)], [math.exp(2 * s), math.exp(0)]]
    expected = torch.tensor([[e[0][0] / sum(e[0]), e[0][1] / sum(e[0])], [e[1][0] / sum(e[1]), e[1][1] / sum(e[1])]])
    assert torch.allclose(w, expected, atol=1e-6)
    assert torch.allclose(out, expected @ v, atol=1e-5)


def test_scaling_divides_by_sqrt_d_head():
    q, k = torch.randn(3, 16), torch.randn(5, 16)
    assert torch.allclose(attention_scores(q, k), (q @ k.T) / 4.0, atol=1e-6)
    assert torch.allclose(attention_scores(q, k, scale=False), q @ k.T)


def test_rows_sum_to_one_and_shapes():
    q, k, v = torch.randn(2, 3, 7, 8), torch.randn(2, 3, 9, 8), torch.randn(2, 3, 9, 4)
    out, w = scaled_dot_product_attention(q, k, v)
    assert w.shape == (2, 3, 7, 9) and out.shape == (2, 3, 7, 4)
    assert torch.allclose(w.sum(-1), torch.ones(2, 3, 7), atol=1e-6)


def test_causal_mask_zeros_the_future():
    m = causal_mask(4)
    assert m.tolist() == [[True, False, False, False], [True, True, False, False],
                          [True, True, True, False], [True, True, True, True]]
    _, w = scaled_dot_product_attention(torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 8), m)
    assert torch.all(w[torch.triu(torch.ones(4, 4, dtype=torch.bool), 1)] == 0)
    assert torch.allclose(w.sum(-1), torch.ones(4), atol=1e-6)
    assert w[0, 0].item() == pytest.approx(1.0)


def test_causal_mask_aligned_at_the_end_for_cached_keys():
    # 2 new queries after 3 cached keys: query 0 is position 3, so it sees keys 0..3.
    assert causal_mask(2, 5).tolist() == [[True, True, True, True, False], [True, True, True, True, True]]


def test_padding_mask_shuts_padded_keys():
    mask = padding_mask(torch.tensor([[1, 1, 0], [1, 0, 0]]))
    assert mask.shape == (2, 1, 1, 3)
    w = masked_softmax(torch.zeros(2, 1, 2, 3), mask)
    assert torch.allclose(w[0, 0, 0], torch.tensor([0.5, 0.5, 0.0]))
    assert torch.allclose(w[1, 0, 1], torch.tensor([1.0, 0.0, 0.0]))


def test_fully_masked_row_is_zero_not_nan():
    w = masked_softmax(torch.randn(2, 3), torch.tensor([[False, False, False], [True, False, True]]))
    assert torch.equal(w[0], torch.zeros(3))
    assert not torch.isnan(w).any()
    assert w[1].sum().item() == pytest.approx(1.0)
