"""'Explain this cell' recomputes captured weights from the captured q and k, to 1e-5."""
import numpy as np
import pytest

from attnviz import capture
from attnviz.analysis.explain import explain_cell


@pytest.mark.parametrize("fixture", ["minilm", "glass"])
def test_every_cell_of_sampled_heads_matches(fixture, request):
    model = request.getfixturevalue(fixture)
    cap = capture(model, "The little cat saw a big dog, and the dog saw the cat.")
    layers, heads, n, _ = cap.shape("self")
    rng = np.random.default_rng(0)
    for layer in range(layers):
        head = int(rng.integers(heads))
        for i in range(n):
            ex = explain_cell(cap, model.info, "self", layer, head, i, int(rng.integers(n)))
            assert ex.difference < 1e-5
            assert np.allclose(ex.row_weights, cap.attention["self"][layer, head, i].double().numpy(), atol=1e-5)


def test_glassllm_rotation_and_grouped_heads(glass):
    cap = capture(glass, "The dog ran to the park.")
    ex = explain_cell(cap, glass.info, "self", 2, 3, 5, 2)
    assert ex.kv_head == 1 and ex.rotary is not None
    assert np.isclose(np.linalg.norm(ex.rotary.q_before), np.linalg.norm(ex.q))  # a rotation keeps length
    assert ex.rotary.angle_query[0] == pytest.approx(5.0 % (2 * np.pi) if 5.0 < np.pi else 5.0 - 2 * np.pi)
    masked = explain_cell(cap, glass.info, "self", 0, 0, 1, 4)  # a key after the query
    assert masked.bias == -np.inf and masked.weight == 0 and masked.captured == 0


def test_minilm_dot_product_is_the_sum_of_its_terms(minilm):
    cap = capture(minilm, "hello world")
    ex = explain_cell(cap, minilm.info, "self", 0, 0, 1, 2)
    assert ex.dot == pytest.approx(ex.products.sum()) and ex.scaling == pytest.approx(32 ** -0.5)
    assert ex.score == pytest.approx(ex.dot * ex.scaling)
