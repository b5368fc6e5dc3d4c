"""One score per head type, each a pure function of attention patterns `[..., query_pos, key_pos]` -> `[...]`.

Every function takes any leading dimensions (a head, a layer's heads, a whole stack) and works on the
pattern's device. NaN means "not measurable on this input" (no repeated token, no delimiter), never zero.
The definitions and sources are in each docstring and in definitions.HEAD_TYPES.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import torch

from attnviz.models.tokens import CONTINUES, SPACE_MARK


def _nan(pattern: torch.Tensor) -> torch.Tensor:
    return torch.full(pattern.shape[:-2], float("nan"), device=pattern.device)


def detection_score(pattern: torch.Tensor, detection: torch.Tensor) -> torch.Tensor:
    """TransformerLens's head-detector score with error_measure "mul": sum(pattern · detection) / sum(pattern).

    detection: `[query_pos, key_pos]` of zeros and ones (the cells the head type should attend to).
    Source: transformer_lens/head_detector.py, compute_head_attention_similarity_score (exclude_bos and
    exclude_current_token False, its defaults). Rows sum to 1, so the denominator is the number of query rows.
    """
    p = pattern.float()
    return (p * detection.to(p)).sum((-2, -1)) / p.sum((-2, -1))


def diagonal(n_query: int, n_key: int, offset: int, device=None) -> torch.Tensor:
    """`[query_pos, key_pos]` ones where key − query = offset."""
    q = torch.arange(n_query, device=device)[:, None]
    k = torch.arange(n_key, device=device)[None, :]
    return (k - q == offset).float()


def previous_token(pattern: torch.Tensor) -> torch.Tensor:
    """Previous-token score: the share of the head's attention from each token to the one just before it.

    Exactly TransformerLens's previous-token head detector (transformer_lens/head_detector.py,
    get_previous_token_head_detection_pattern: ones on the diagonal below the main one; error_measure "mul"):
    Σ_{i≥1} A[i, i−1] / Σ A. A perfect head scores (n − 1)/n on n tokens (row 0 has no previous token).
    """
    n_q, n_k = pattern.shape[-2:]
    return detection_score(pattern, diagonal(n_q, n_k, -1, pattern.device))


def duplicate_pattern(ids: Sequence[int] | Sequence[str], device=None) -> torch.Tensor:
    """`[query_pos, key_pos]` ones where key < query and the two tokens are the same (TransformerLens's
    get_duplicate_token_head_detection_pattern: equal tokens, the diagonal cleared, lower triangle)."""
    codes = {t: i for i, t in enumerate(dict.fromkeys(ids))}  # ids or token strings, as integers
    t = torch.tensor([codes[x] for x in ids], device=device)
    same = t[:, None] == t[None, :]
    return torch.tril(same, diagonal=-1).float()


def duplicate_token(pattern: torch.Tensor, ids: Sequence[int] | Sequence[str]) -> torch.Tensor:
    """Duplicate-token score: the share of the head's attention from each token to earlier copies of itself.

    Exactly TransformerLens's duplicate-token head detector (transformer_lens/head_detector.py,
    get_duplicate_token_head_detection_pattern; error_measure "mul"): Σ A · D / Σ A with D[i, j] = 1 where
    token j = token i and j < i. NaN where no token repeats (TransformerLens reports 0 there, although nothing
    was measured). The ceiling is the share of query rows whose token occurred before.
    """
    detection = duplicate_pattern(ids, pattern.device)
    if not detection.any():
        return _nan(pattern)
    return detection_score(pattern, detection)


def prefix_matching(pattern: torch.Tensor, first: int, second: int, length: int) -> torch.Tensor:
    """Induction (prefix-matching) score on a sequence repeated once: the mean attention from each token of
    the repeat to the token that followed its earlier occurrence.

    Olsson et al. 2022, In-context Learning and Induction Heads: on repeated random tokens, an induction head
    at the repeat's k-th token (position second + k) attends to the token after the first copy's k-th token
    (position first + k + 1). `first`, `second`: where the two copies start; `length`: the copy's length.
    """
    k = torch.arange(length, device=pattern.device)
    return pattern.float()[..., second + k, first + k + 1].mean(-1)


def first_token(pattern: torch.Tensor) -> torch.Tensor:
    """First-token (sink) score: the mean attention each token gives to position 0.

    Clark et al. 2019, What Does BERT Look At? (attention to [CLS]); Xiao et al. 2024, Efficient Streaming
    Language Models with Attention Sinks. The same as reduce.head_statistics' "first token".
    """
    return pattern.float()[..., 0].mean(-1)


def is_punctuation(token: str) -> bool:
    """A token as shown to a person ("…" marks a word's continuation) made only of punctuation."""
    text = token.strip()
    if text.startswith(CONTINUES) and len(text) > 1:
        text = text[len(CONTINUES):]
    return bool(text) and text != SPACE_MARK and all(unicodedata.category(c).startswith("P") for c in text)


def delimiters(tokens: Sequence[str], special: Sequence[bool]) -> list[bool]:
    """Which keys are delimiters: special tokens and punctuation, position 0 excepted (the sink's)."""
    flags = [bool(special[i]) if i < len(special) else False for i in range(len(tokens))]
    return [i > 0 and (flags[i] or is_punctuation(t)) for i, t in enumerate(tokens)]


def delimiter(pattern: torch.Tensor, is_delimiter: Sequence[bool]) -> torch.Tensor:
    """Delimiter score: the mean attention each token gives to delimiter keys (see `delimiters`).

    Clark et al. 2019, What Does BERT Look At?: heads that put most of their attention on [SEP], periods
    and commas. NaN when the text has no delimiter besides position 0.
    """
    mask = torch.tensor(list(is_delimiter), dtype=torch.float32, device=pattern.device)
    mask[:1] = 0
    if not mask.any():
        return _nan(pattern)
    return (pattern.float() * mask).sum(-1).mean(-1)


def _distances(n_q: int, n_k: int, device) -> torch.Tensor:
    return (torch.arange(n_q, device=device)[:, None] - torch.arange(n_k, device=device)[None, :]).abs().float()


def _open_keys(n_q: int, n_k: int, causal: bool, device) -> torch.Tensor:
    """`[query_pos, key_pos]` ones where the mask lets the query see the key."""
    if not causal:
        return torch.ones(n_q, n_k, device=device)
    return torch.tril(torch.ones(n_q, n_k, device=device))


def mean_distance(pattern: torch.Tensor) -> torch.Tensor:
    """Mean attended distance: Σ_j A[i, j] · |i − j|, averaged over query rows (Clark et al. 2019)."""
    n_q, n_k = pattern.shape[-2:]
    return (pattern.float() * _distances(n_q, n_k, pattern.device)).sum(-1).mean(-1)


def uniform_distance(n_query: int, n_key: int, causal: bool) -> float:
    """The mean attended distance of uniform attention over the open keys."""
    d = _distances(n_query, n_key, "cpu")
    open_ = _open_keys(n_query, n_key, causal, "cpu")
    return float(((d * open_).sum(-1) / open_.sum(-1)).mean())


def local(pattern: torch.Tensor, causal: bool) -> torch.Tensor:
    """Local score: 1 − mean attended distance / that of uniform attention over the same keys.

    Mean attended distance: Clark et al. 2019; Vig & Belinkov 2019, Analyzing the Structure of Attention in a
    Transformer Language Model. Dividing by the uniform distance (attnviz's) makes texts of any length
    compare: 0 is as far as uniform, 1 attends only to itself. NaN on one token.
    """
    n_q, n_k = pattern.shape[-2:]
    base = uniform_distance(n_q, n_k, causal)
    if base == 0:
        return _nan(pattern)
    return 1.0 - mean_distance(pattern) / base


def broad(pattern: torch.Tensor, causal: bool) -> torch.Tensor:
    """Broad score: the mean over query rows of H(row) / log(open keys), rows with one open key left out.

    Entropy of attention: Clark et al. 2019, What Does BERT Look At? (broad heads). Dividing by the largest
    entropy a row can have (attnviz's) makes texts of any length compare: 1 is uniform attention.
    """
    n_q, n_k = pattern.shape[-2:]
    p = pattern.float()
    entropy = -torch.special.xlogy(p, p).sum(-1)  # [..., query_pos], nats
    n_open = _open_keys(n_q, n_k, causal, p.device).sum(-1)  # [query_pos]
    rows = n_open >= 2
    if not rows.any():
        return _nan(pattern)
    return (entropy[..., rows] / torch.log(n_open[rows])).mean(-1)


def offset_shares(pattern: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(shares [..., offset], offsets [offset]): for every offset δ = key − query, the detection score of
    the diagonal at δ, i.e. Σ_i A[i, i + δ] / (query rows)."""
    n_q, n_k = pattern.shape[-2:]
    p = pattern.float()
    offsets = torch.arange(-(n_q - 1), n_k, device=p.device)
    index = (torch.arange(n_k, device=p.device)[None, :] - torch.arange(n_q, device=p.device)[:, None]) + (n_q - 1)
    flat = p.reshape(-1, n_q * n_k)  # [lead, query_pos·key_pos]
    shares = torch.zeros(flat.shape[0], len(offsets), device=p.device)
    shares.index_add_(1, index.reshape(-1), flat)
    return shares.reshape(*p.shape[:-2], len(offsets)) / p.sum((-2, -1))[..., None], offsets


def offset(pattern: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Fixed-offset score: (share, offset) at the offset δ ≠ −1 whose diagonal holds the most attention.

    The share is TransformerLens's detection score ("mul") on the diagonal key − query = δ, so δ = −1 would be
    the previous-token score: it is left to that type. Positional heads: Voita et al. 2019, Analyzing
    Multi-Head Self-Attention; Clark et al. 2019. Ties go to the offset nearest 0, then the negative one.
    """
    shares, offsets = offset_shares(pattern)
    shares[..., offsets == -1] = -1.0
    top = shares.max(-1, keepdim=True).values
    rank = (offsets.abs() * 2 + (offsets > 0)).float()  # [offset]: nearest 0 first, then δ < 0
    best = torch.where(shares == top, rank, torch.full_like(shares, float("inf"))).argmin(-1)
    return shares.gather(-1, best[..., None])[..., 0], offsets[best]


def is_causal(pattern: torch.Tensor) -> bool:
    """Whether no query attends to a later key (every weight above the diagonal exactly 0): a causal mask."""
    return not bool(torch.triu(pattern.float(), diagonal=1).any())

