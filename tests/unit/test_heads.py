"""best_head finds the head built to show a pattern."""
import torch

from attnviz.analysis.heads import best_head, induction_scores
from attnviz.core.types import AttentionCapture


def _capture(tokens, heads):
    return AttentionCapture(tokens=tokens, attention={"self": torch.stack(heads)[None]}, positional=None, model="t",
                            device="cpu", dtype="float32", mode="t")


def test_previous_first_and_induction_heads_are_found():
    tokens = ["a", "b", "c", "a", "b", "c"]
    n = len(tokens)
    first = torch.zeros(n, n)
    first[:, 0] = 1
    previous = torch.zeros(n, n)
    previous[0, 0] = 1
    previous[torch.arange(1, n), torch.arange(n - 1)] = 1
    induction = torch.eye(n)
    for q, k in ((3, 1), (4, 2), (5, 3)):  # a repeated token looks at what followed its first occurrence
        induction[q] = 0
        induction[q, k] = 1
    cap = _capture(tokens, [first, previous, induction])
    assert best_head(cap, "first")[:2] == (0, 0)
    assert best_head(cap, "previous")[:2] == (0, 1)
    layer, head, score = best_head(cap, "induction")
    assert (layer, head, score) == (0, 2, 1.0)
    assert induction_scores(_capture(["a", "b"], [first[:2, :2]])).max() == 0  # nothing repeats
