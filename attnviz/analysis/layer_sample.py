"""A long input's first look: the one pass (layer_pass) over a sample of the query rows, where the exact pass
would take longer than a view should wait.

The exact pass computes every score of every head once: at 8,192 tokens on a GPT-2-small-sized model that is
4.8·10⁹ scores, about 17 s on two laptop cores. The first look reads every one of the first rows (`dense`: in a
causal model they are cheap, and they hold most of the weight the first tokens receive, the sinks), then one row in
each stretch of `stride` rows after them, drawn at random inside its stretch (stratified sampling, the same rows for
the same input length), every head and every key of those rows. A sampled row counts for the rows of its stretch:
each sum of the pass is estimated by the weighted sum over the rows read, so the statistics and the weight each key
receives are weighted means (unbiased estimates of the means over every row), and a thumbnail's cell is the
weighted mean over the rows read in its bin (every bin holds at least one whole stretch).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from attnviz.analysis.bins import adaptive_bin, pool_matrix
from attnviz.analysis.layer_pass import (FLOOR, PASS_BYTES, PASS_ROWS, THUMB, Summary, Sums, estimate_key,
                                         summarise)
from attnviz.core.sources import AttentionSource, QKSource

# The exact pass costs about 7 ns a score on one core of the project's 2-core CPU, a first look's score about 10
# (its own gathered product, and a distance per key) (benchmarks/RESULTS.md, issue 28). Up to EXACT_SCORES (about
# 2 s on two cores) the views compute the exact pass; past that a first look reads about SAMPLE_SCORES of them
# (about 1.6 s): at 8,192 tokens of a GPT-2-small-sized model every one of the first 629 rows, then one in 17,
# 1,074 rows in all (benchmarks/first_look_error.py: about 16 rows read to a thumbnail's row of cells keep a drawn
# thumbnail within about 0.2 of its scale on trained heads).
EXACT_SCORES = 5e8
SAMPLE_SCORES = 3e8
DENSE_SHARE = 0.1  # of SAMPLE_SCORES, spent on reading every one of the first rows
SEED = 0  # the same rows for the same input length: a page drawn twice shows the same estimate


@dataclass(frozen=True)
class Rows:
    """The rows a first look reads, ascending, and how many rows each stands for (1 in the dense start)."""

    positions: np.ndarray
    weights: np.ndarray
    dense: int
    stride: int


def scores(src: AttentionSource, rows: int | None = None) -> float:
    """The scores the exact pass computes over the first `rows` query rows (default: all of them): every head's
    rows, a causal layer's only up to each row."""
    n_layers, n_heads, n_q, n_k = src.shape
    r = n_q if rows is None else rows
    if not isinstance(src, QKSource):
        return float(n_layers * n_heads * r * n_k)
    causal = sum(src.qk.only_causal(layer) for layer in range(n_layers))
    return float(n_heads * ((n_layers - causal) * r * n_k + causal * r * (r + 1) / 2))


def scores_of(src: AttentionSource, rows: Rows) -> float:
    """The scores a pass over `rows` computes (a causal layer's up to each row)."""
    n_layers, n_heads, _, n_k = src.shape
    causal = sum(src.qk.only_causal(layer) for layer in range(n_layers)) if isinstance(src, QKSource) else 0
    at = rows.positions
    return float(n_heads * ((n_layers - causal) * len(at) * n_k + causal * np.minimum(at + 1, n_k).sum()))


def stride(src: AttentionSource, size: int = THUMB) -> int:
    """1 where the exact pass is quick (a short input, a GPU, weights already stored), else the stride of the
    rows a first look samples: about SAMPLE_SCORES scores, and every thumbnail bin holds a whole stretch."""
    if not isinstance(src, QKSource) or src.device.type != "cpu":
        return 1
    needed = scores(src)
    if needed <= EXACT_SCORES:
        return 1
    return max(1, min(_widest(src.shape[2], size), math.ceil(needed / SAMPLE_SCORES)))


def _widest(n_q: int, size: int) -> int:
    """The longest stretch every thumbnail bin of n_q rows in `size` cells holds whole (a bin of ≥ 2s − 1 rows
    holds a whole stretch of s)."""
    return max(1, (n_q // min(n_q, size) + 1) // 2)


def plan(src: AttentionSource, step: int, seed: int = SEED) -> Rows:
    """The rows to read: every row while DENSE_SHARE of the budget lasts (a whole number of stretches), then one
    drawn at random in each stretch of `step` rows."""
    n_q = src.shape[2]
    if step <= 1:
        return Rows(np.arange(n_q), np.ones(n_q, dtype=np.int64), n_q, 1)
    dense = 0
    while dense + step <= n_q and scores(src, dense + step) <= DENSE_SHARE * SAMPLE_SCORES:
        dense += step
    starts = np.arange(dense, n_q, step)
    lengths = np.minimum(step, n_q - starts)
    drawn = starts + np.random.default_rng(seed).integers(0, lengths)
    return Rows(np.concatenate([np.arange(dense), drawn]),
                np.concatenate([np.ones(dense, dtype=np.int64), lengths]), dense, step)


def estimate(src: AttentionSource, size: int = THUMB, step: int | None = None) -> Summary:
    """The pass over the rows `plan` picks (default stride: `stride`), kept on the source as the views' first look
    until the exact pass has run (layer_pass.current reads the exact one first). A stored stack has nothing to
    compute: its exact pass is returned. `step` is capped so that every thumbnail bin holds a whole stretch (1: every
    row, the exact figures by this pass's own code)."""
    if not isinstance(src, QKSource):
        return summarise(src, size)
    step = stride(src, size) if step is None else max(1, min(int(step), _widest(src.shape[2], size)))
    key = estimate_key(size)
    kept = src.memo.get(key)
    if kept is not None and kept.stride == step:
        return kept
    summary = _pass(src, size, plan(src, step))
    src.memo[key] = summary
    return summary


def _pass(src: QKSource, size: int, rows: Rows) -> Summary:
    n_layers, n_heads, n_q, n_k = src.shape
    dev = src.device
    at = torch.as_tensor(rows.positions, device=dev)
    weight = torch.as_tensor(rows.weights, dtype=torch.float32, device=dev)
    q_size, k_size = min(n_q, size), min(n_k, size)
    lo_hi = np.array([adaptive_bin(i, n_q, q_size) for i in range(q_size)])
    inside = (rows.positions[None] >= lo_hi[:, :1]) & (rows.positions[None] < lo_hi[:, 1:])  # [q_cells, rows]
    rpool = torch.as_tensor(inside * rows.weights[None], dtype=torch.float32, device=dev)
    rpool /= rpool.sum(1, keepdim=True)  # a bin's weighted mean over the rows read in it
    cpool = pool_matrix(n_k, k_size, dev).T.contiguous()  # [key_pos, k_cells]
    sums = WeightedSums(n_layers, n_heads, q_size, k_size, n_q, n_k, dev)
    block = max(1, min(PASS_ROWS, PASS_BYTES // max(1, n_heads * n_k * 8)))
    for layer in range(n_layers):
        for first in range(0, len(at), block):
            part = slice(first, first + block)
            sums.add_rows(src.qk, layer, at[part], weight[part], rpool[:, part], cpool)
    both = min(n_q, n_k)
    pos, w = rows.positions, rows.weights
    return sums.result(size, n_rows=int(w.sum()), n_self=int(w[pos < both].sum()),
                       n_previous=int(w[(pos >= 1) & (pos < both)].sum()), n_read=len(pos), dense=rows.dense,
                       stride=rows.stride)


class WeightedSums(Sums):
    """The exact pass's running sums, added to from rows read here and there, each weighted by the rows it stands
    for."""

    def add_rows(self, qk, layer: int, rows: torch.Tensor, weight: torch.Tensor, rpool: torch.Tensor,
                 cpool: torch.Tensor) -> None:
        """Rows `rows` of `layer`, each standing for `weight` rows: scores, weights, and every sum they add to."""
        causal = qk.only_causal(layer)
        keys = min(self.n_k, int(rows[-1]) + 1) if causal else self.n_k
        s = qk.scores_at(layer, rows, keys=keys)  # [head, rows, keys]
        s.sub_(s.amax(-1, keepdim=True)).clamp_min_(FLOOR)  # as layer_pass._block: never a subnormal exponential
        p = torch.exp(s)
        kpos = torch.arange(keys, device=self.dev)
        if causal:
            p.masked_fill_(kpos[None] > rows[:, None], 0.0)  # the keys after each row: weight exactly 0, not e^FLOOR
        z = p.sum(-1)  # [head, rows]
        self.entropy[layer] += (torch.log(z) - torch.linalg.vecdot(p, s) / z) @ weight
        p.div_(z[..., None])  # the weights
        sel = torch.nonzero(rpool.sum(1) > 0).flatten()
        mix = torch.cat([rpool[sel], weight[None]])  # [bins + 1, rows]: the bins' weighted means, then Σ_r w·p
        cols = torch.matmul(mix, p)  # [head, bins + 1, keys]
        self.thumbs[layer].index_add_(1, sel, cols[:, :-1] @ cpool[:keys])
        self.received[layer, :, :keys] += cols[:, -1]
        gap = (rows[:, None] - kpos[None]).abs().float()  # [rows, keys]: |query_pos − key_pos|
        self.distance[layer] += torch.linalg.vecdot(p, gap) @ weight
        index = torch.arange(len(rows), device=self.dev)
        own = rows < min(self.n_k, self.n_q)
        if own.any():
            self.self_token[layer] += p[:, index[own], rows[own]] @ weight[own]
        before = (rows >= 1) & own
        if before.any():
            self.previous[layer] += p[:, index[before], rows[before] - 1] @ weight[before]
