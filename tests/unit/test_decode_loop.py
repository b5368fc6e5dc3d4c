"""The one decoding loop: argmax by default, a given pick otherwise, stopping after the end token."""
import torch

from attnviz.models.generate import decode_loop


def _logits_of(seq):  # always prefers the token after the last one, modulo 5
    logits = torch.zeros(5)
    logits[(seq[-1] + 1) % 5] = 1.0
    return logits


def test_greedy_runs_n_new_steps_or_stops_after_eos():
    assert decode_loop(_logits_of, [0], 3) == [0, 1, 2, 3]
    assert decode_loop(_logits_of, [1], 10, eos=3) == [1, 2, 3]  # the end token is kept; the caller drops it
    assert decode_loop(_logits_of, [1], 0) == [1]


def test_pick_replaces_argmax():
    assert decode_loop(_logits_of, [0], 2, pick=lambda logits: int(logits.argmin())) == [0, 0, 0]
