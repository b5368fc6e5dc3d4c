"""Fixtures the unit tests share: a capture built by hand."""
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from attnviz.core.types import AttentionCapture

TOKENS = ["[CLS]", "a", "b", "[SEP]"]


def _rows(n: int, seed: int) -> np.ndarray:
    """[n, n] rows that sum to 1."""
    x = np.random.default_rng(seed).random((n, n)) + 0.05
    return x / x.sum(1, keepdims=True)


@pytest.fixture
def cap() -> AttentionCapture:
    """2 layers × 3 heads over 4 tokens, [CLS] and [SEP] special; query and key vectors for the q–k view."""
    stack = torch.tensor(np.stack([[_rows(4, 10 * l + h) for h in range(3)] for l in range(2)]), dtype=torch.float32)
    g = torch.Generator().manual_seed(0)
    qk = SimpleNamespace(q=torch.randn(2, 3, 4, 8, generator=g), k=torch.randn(2, 3, 4, 8, generator=g), rotary=None)
    return AttentionCapture(tokens=TOKENS, attention={"self": stack}, positional=None, model="m", device="cpu",
                            dtype="float32", mode="test", special=[True, False, False, True], qk={"self": qk})
