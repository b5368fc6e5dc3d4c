"""How much of a head's attention lies on a shape: the one a toy task should teach it, the punctuation marks,
the other characters of a word."""
from __future__ import annotations

import unicodedata

import numpy as np
import torch


def anti_diagonal_mass(layer_heads: np.ndarray) -> np.ndarray:
    """Per head: mean attention from position i to position n − 1 − i (what reversing a sequence needs).

    layer_heads: [head, query_pos, key_pos]; n is the shorter side. Returns [head].
    """
    n = min(layer_heads.shape[-2], layer_heads.shape[-1])
    i = np.arange(n)
    return layer_heads[:, i, n - 1 - i].mean(axis=-1)


def is_punctuation(token: str) -> bool:
    """A token made of punctuation alone (，。、 , . ! and the like; Unicode categories P*)."""
    token = token.strip()
    return bool(token) and all(unicodedata.category(ch).startswith("P") for ch in token)


def _masked_mean(a: torch.Tensor, keys: torch.Tensor) -> np.ndarray:
    """Per [layer, head]: the attention mass on `keys` [query_pos, key_pos], averaged over the queries that have
    at least one such key; NaN where none has. a: [layer, head, query_pos, key_pos]."""
    rows = keys.any(-1)
    if not rows.any():
        return np.full(tuple(a.shape[:2]), np.nan, dtype=np.float32)
    return (a.float() * keys.to(a.device)).sum(-1)[..., rows.to(a.device)].mean(-1).cpu().numpy()


def punctuation_scores(a: torch.Tensor, tokens: list[str], causal: bool) -> np.ndarray:
    """Per [layer, head]: attention from a token to the punctuation marks it can see (earlier ones for a
    causal model; any other for an encoder), averaged over the tokens that can see one; NaN where none can.

    A head that keeps track of where the clause or sentence began puts most of its weight there.
    """
    marks = torch.tensor([is_punctuation(t) for t in tokens])
    pos = torch.arange(len(tokens))
    keys = marks[None, :] & (pos[None, :] != pos[:, None])  # [query_pos, key_pos]
    if causal:
        keys &= pos[None, :] < pos[:, None]
    return _masked_mean(a, keys)


def word_of_tokens(spans: list, segments: list[int]) -> list[int]:
    """Each token's word (its index in segments, the words' lengths in characters), from the character
    where the token starts; -1 for tokens without characters (special tokens)."""
    ends = np.cumsum(segments)
    return [-1 if span is None else int(np.searchsorted(ends, span[0], side="right")) for span in spans]


def word_scores(a: torch.Tensor, word_of: list[int], causal: bool) -> np.ndarray:
    """Per [layer, head]: attention from a token to the other tokens of its word that are not next to it
    (the word's start, seen from the end of a word of three or more characters), averaged over the tokens
    that have one; NaN where no word is that long.

    Neighbours are left out so that a previous- or next-token head does not count as reading whole words.
    """
    word = torch.tensor(word_of)
    pos = torch.arange(len(word_of))
    same = (word[None, :] == word[:, None]) & (word[:, None] >= 0)
    keys = same & ((pos[None, :] - pos[:, None]).abs() > 1)  # [query_pos, key_pos]
    if causal:
        keys &= pos[None, :] < pos[:, None]
    return _masked_mean(a, keys)
