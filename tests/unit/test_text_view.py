"""The text view: each token shaded by the chosen token's weights, every token escaped."""
import numpy as np
import torch

from attnviz.core.types import AttentionCapture
from attnviz.figures.text_view import text_view


def _capture(tokens: list[str]) -> AttentionCapture:
    n = len(tokens)
    a = torch.zeros(1, 2, n, n)
    a[0, 0] = torch.eye(n)
    a[0, 1, :, 0] = 1.0  # head 1 rests on the first token
    return AttentionCapture(tokens=tokens, attention={"self": a}, positional=None, model="test", device="cpu",
                            dtype="float32", mode="test")


def test_tokens_are_escaped_and_the_chosen_row_is_shaded():
    cap = _capture(["<b>bold</b>", "a&b", "<script>x</script>"])
    view = text_view(cap, head=1, focus=2)
    assert "<script>x</script>" not in view.html and "&lt;script&gt;x&lt;/script&gt;" in view.html
    assert "&lt;b&gt;bold&lt;/b&gt;" in view.html and "a&amp;b" in view.html
    assert view.query == 2 and np.allclose(view.weights, [1, 0, 0])
    assert "background:rgba(31,119,180,1.000)" in view.html.split("attnviz-word")[1]  # token 0: full shade


def test_mean_over_heads_and_default_query():
    cap = _capture(["x", "y", "z"])
    view = text_view(cap, mean_heads=True)
    assert view.query == 2  # no focus: the last token
    assert np.allclose(view.weights, [0.5, 0, 0.5])
    assert view.table.shape == (3, 3)
