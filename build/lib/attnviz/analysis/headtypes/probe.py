"""The induction probe of Olsson et al. 2022: a random sequence of the model's own tokens, repeated once, and
each head's prefix-matching score on it."""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from attnviz.analysis.headtypes.scores import prefix_matching
from attnviz.capture.api import capture, token_limit
from attnviz.core.types import AttentionCapture
from attnviz.models.loading import LoadedModel

PROBE_LENGTH = 32  # tokens in each copy (fewer where the model takes fewer positions)
PROBES = 4  # random sequences per census: their mean is the score, their spread how much it depends on them
KIND = "self"  # the attention measured: the encoder's, or a decoder-only model's


@dataclass(frozen=True)
class Probe:
    """Token ids `prefix + r + r + suffix`: the copies start at `first` and `second`, each `length` long."""

    ids: list[int]
    first: int
    second: int
    length: int


def vocabulary(model: LoadedModel) -> list[int]:
    """The model's ordinary token ids: every id its tokenizer and its embedding both know, specials left out."""
    codec = model.codec
    sizes = []
    size = getattr(codec, "vocab_size", None)
    tokenizer = getattr(codec, "tokenizer", None)
    if size is None and tokenizer is not None:
        size = getattr(tokenizer, "vocab_size", None) if not hasattr(tokenizer, "__len__") else len(tokenizer)
    if isinstance(size, int):
        sizes.append(size)
    embed = getattr(model.module, "get_input_embeddings", None)
    if callable(embed):
        sizes.append(embed().num_embeddings)
    elif hasattr(getattr(model.module, "cfg", None), "vocab_size"):
        sizes.append(model.module.cfg.vocab_size)
    special = codec.special_ids()
    return [i for i in range(min(sizes)) if i not in special]


def _wrapping(model: LoadedModel) -> tuple[list[int], list[int]]:
    """The special ids the tokenizer puts before and after a text ([CLS] … [SEP], <s> …; none for many)."""
    ids, special = model.codec.encode("a"), model.codec.special_ids()
    lead = 0
    while lead < len(ids) and ids[lead] in special:
        lead += 1
    tail = len(ids)
    while tail > lead and ids[tail - 1] in special:
        tail -= 1
    return ids[:lead], ids[tail:]


def make_probe(model: LoadedModel, seed: int = 0, length: int = PROBE_LENGTH,
               tokens: Sequence[int] | None = None) -> Probe:
    """A probe: `length` distinct tokens drawn at random (seeded) from `tokens` (default: the model's
    vocabulary), repeated once, between the specials the tokenizer adds. Distinct, so that each token of the
    repeat has one earlier occurrence and one token after it."""
    prefix, suffix = _wrapping(model)
    pool = list(tokens) if tokens is not None else vocabulary(model)
    room, _ = token_limit(model.info.max_positions)  # the model's positions, or the server's limit if lower
    if room:
        length = min(length, (room - len(prefix) - len(suffix)) // 2)
    length = min(length, len(pool))
    if length < 2:
        raise ValueError("an induction probe needs at least two distinct tokens, repeated")
    seq = random.Random(seed).sample(pool, length)
    first = len(prefix)
    return Probe(prefix + seq + seq + suffix, first, first + length, length)


def find_repeat(ids: Sequence[int]) -> Probe | None:
    """The longest run of at least two tokens that occurs twice without overlapping (the earliest such pair),
    as a probe on `ids` themselves: a task's sample such as "hbknacfe|hbknacfe" is its own induction probe."""
    n, best = len(ids), None
    for i in range(n):
        for j in range(i + 2, n):
            run = 0
            while j + run < n and run < j - i and ids[i + run] == ids[j + run]:
                run += 1
            if run >= 2 and (best is None or run > best[2]):
                best = (i, j, run)
    if best is None:
        return None
    first, second, length = best  # second ≥ first + length: the token after the first copy always exists
    return Probe(list(ids), first, second, length)


def probe_scores(attention: torch.Tensor, probe: Probe) -> np.ndarray:
    """Prefix-matching score [layer, head] of an attention stack `[layer, head, query_pos, key_pos]` on a probe."""
    return prefix_matching(attention, probe.first, probe.second, probe.length).cpu().numpy()


def repeat_scores_at(cap: AttentionCapture, probe: Probe) -> np.ndarray:
    """Each head's prefix-matching score `[layer, head]` on a capture of `probe.ids`, a layer at a time."""
    src = cap.source(KIND)
    return np.stack([prefix_matching(src.layer(layer), probe.first, probe.second, probe.length).cpu().numpy()
                     for layer in range(src.shape[0])])


def repeat_scores(cap: AttentionCapture) -> np.ndarray | None:
    """Each head's prefix-matching score `[layer, head]` on a capture whose tokens repeat a run (find_repeat),
    or None when none repeats: a task's sample input as its own induction probe."""
    probe = find_repeat(cap.token_ids or cap.tokens)
    if probe is None:
        return None
    return repeat_scores_at(cap, probe)


def induction_scores(model: LoadedModel, probes: int = PROBES, length: int = PROBE_LENGTH, seed: int = 0,
                     tokens: Sequence[int] | None = None) -> np.ndarray:
    """Per probe, each head's induction (prefix-matching) score: `[probe, layer, head]`. Probe p is seeded
    seed + p; `tokens` limits the draw (a toy model that has only seen some of its vocabulary)."""
    out = []
    for p in range(probes):
        probe = make_probe(model, seed + p, length, tokens)
        cap = capture(model, "", ids=probe.ids)
        out.append(repeat_scores_at(cap, probe))
    return np.stack(out)

