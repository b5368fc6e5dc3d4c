import math

import numpy as np
import torch

from attnviz.core.positional import apply_rotary, rotary_angles, sinusoidal


def test_sinusoidal_pinned_values():
    pe = sinusoidal(50, 16)
    assert pe.shape == (50, 16)
    assert pe[0, 0] == 0.0 and pe[0, 1] == 1.0
    assert math.isclose(pe[1, 0], math.sin(1.0), abs_tol=1e-6)
    assert math.isclose(pe[1, 1], math.cos(1.0), abs_tol=1e-6)
    # PE(pos, 2i) = sin(pos / 10000^(2i/d)); pos = 7, i = 3, d = 16
    assert math.isclose(pe[7, 6], math.sin(7 / 10000 ** (6 / 16)), abs_tol=1e-6)
    assert math.isclose(pe[7, 7], math.cos(7 / 10000 ** (6 / 16)), abs_tol=1e-6)
    assert math.isclose(pe[49, 15], math.cos(49 / 10000 ** (14 / 16)), abs_tol=1e-6)


def test_sinusoidal_even_sine_odd_cosine_and_odd_width():
    pe = sinusoidal(10, 7)
    for pos in range(10):
        for j in range(7):
            angle = pos / 10000 ** ((j - j % 2) / 7)
            assert math.isclose(pe[pos, j], math.sin(angle) if j % 2 == 0 else math.cos(angle), abs_tol=1e-6)


def test_sinusoidal_similarity_depends_on_distance_only():
    pe = sinusoidal(40, 32).astype(np.float64)
    sim = pe @ pe.T
    assert np.allclose(sim, sim.T)
    for k in range(5):
        diag = np.diagonal(sim, offset=k)
        assert np.allclose(diag, diag[0], atol=1e-5)


def test_rotary_angles_and_norm_preserved():
    angles = rotary_angles(10, 8)
    assert angles.shape == (10, 4)
    assert math.isclose(angles[3, 1], 3 * 10000 ** (-2 / 8), rel_tol=1e-6)
    x = torch.randn(2, 10, 8)
    y = apply_rotary(x, torch.from_numpy(angles))
    assert torch.allclose(x.norm(dim=-1), y.norm(dim=-1), atol=1e-5)
    assert torch.allclose(y[:, 0], x[:, 0])  # position 0 is not turned


def test_rotary_dot_product_depends_on_relative_distance():
    angles = torch.from_numpy(rotary_angles(20, 8))
    q, k = torch.randn(8), torch.randn(8)
    qs = apply_rotary(q.expand(20, 8), angles)
    ks = apply_rotary(k.expand(20, 8), angles)
    # q at 5, k at 2 and q at 15, k at 12: the same distance, the same q·k
    assert torch.allclose(qs[5] @ ks[2], qs[15] @ ks[12], atol=1e-5)


def test_shift_is_a_rotation_depending_on_k_only():
    from attnviz.core.positional import frequencies, shift_as_rotation

    pe = sinusoidal(80, 32)
    for k in (1, 7, 30):
        angles, err = shift_as_rotation(pe, k)
        assert err < 1e-5
        assert np.allclose(angles, frequencies(32) * k)
    assert math.isclose(frequencies(32)[1], 10000 ** (-2 / 32))


def test_similarity_and_pca():
    from attnviz.core.positional import pca_2d, similarity

    table = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    assert np.allclose(similarity(table), table @ table.T)
    cos = similarity(table, cosine=True)
    assert np.allclose(np.diag(cos), 1) and math.isclose(cos[0, 2], 1 / math.sqrt(2))
    line = np.outer(np.arange(10.0), [1.0, 2.0, 3.0])  # points on a line: one axis explains everything
    xy, ratio = pca_2d(line)
    assert xy.shape == (10, 2) and ratio[0] > 0.999


def test_rotary_dot_by_distance_matches_explicit_rotation():
    from attnviz.core.positional import rotary_dot_by_distance

    rng = np.random.default_rng(1)
    q, k = rng.standard_normal(8), rng.standard_normal(8)
    dots = rotary_dot_by_distance(q, k, 6)
    angles = torch.from_numpy(rotary_angles(20, 8)).double()
    qq = apply_rotary(torch.tensor(q).expand(20, 8), angles)
    kk = apply_rotary(torch.tensor(k).expand(20, 8), angles)
    assert math.isclose(dots[0], q @ k, rel_tol=1e-9)
    assert math.isclose(dots[4], float(qq[13] @ kk[9]), rel_tol=1e-6)  # distance 4, anywhere
