"""Find the head of a capture that best shows a known pattern: previous token, first token, induction,
punctuation."""
from __future__ import annotations

import numpy as np
import torch

from attnviz.analysis.patterns import punctuation_scores
from attnviz.analysis.reduce import head_statistics
from attnviz.core.types import AttentionCapture

PATTERNS = ("previous", "first", "induction", "punctuation")


def induction_scores(cap: AttentionCapture, kind: str = "self") -> np.ndarray:
    """Per [layer, head]: mean weight from a repeated token to the token that followed its earlier occurrence.

    Zero everywhere when no token repeats (an induction head has nothing to copy then).
    """
    n_layers = cap.shape(kind)[0]
    a = np.stack([cap.layer(kind, layer) for layer in range(n_layers)])  # [layer, head, query_pos, key_pos]
    tokens, pairs = cap.tokens, []
    for q, tok in enumerate(tokens):
        earlier = [j for j in range(q - 1) if tokens[j] == tok and not (cap.special and cap.special[j])]
        if earlier and earlier[-1] + 1 < q:
            pairs.append((q, earlier[-1] + 1))
    if not pairs:
        return np.zeros(a.shape[:2])
    qs, ks = np.array(pairs).T
    return a[:, :, qs, ks].mean(axis=-1)


def best_head(cap: AttentionCapture, pattern: str, kind: str = "self") -> tuple[int, int, float]:
    """(layer, head, score) of the head that shows `pattern` most."""
    if pattern == "induction":
        scores = induction_scores(cap, kind)
    elif pattern == "punctuation":
        scores = punctuation_scores(_stack(cap, kind), cap.tokens, _is_causal(cap, kind))
    else:
        scores = head_statistics(cap, kind)["previous token" if pattern == "previous" else "first token"]
    layer, head = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return int(layer), int(head), float(scores[layer, head])


def _stack(cap: AttentionCapture, kind: str) -> torch.Tensor:
    n_layers = cap.shape(kind)[0]
    return torch.as_tensor(np.stack([cap.layer(kind, layer) for layer in range(n_layers)]))  # [layer, head, query_pos, key_pos]


def _is_causal(cap: AttentionCapture, kind: str) -> bool:
    """Whether no query of the first layer gives weight to a later key (a decoder's self-attention)."""
    first = np.asarray(cap.layer(kind, 0))  # [head, query_pos, key_pos]
    return first.shape[-1] == first.shape[-2] and not np.triu(first, k=1).any()
