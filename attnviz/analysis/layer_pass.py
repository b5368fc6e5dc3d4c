"""One pass over each layer's query rows, every head at once: the model view's thumbnails, the head statistics
and the weight each key receives (attention sinks), kept on the source.

Everything a long input's overview pages need comes from the same scores, computed once per block of rows:
the thumbnails and the weight each key receives come out of one batched product of the block's exponentials
with a few row vectors (the row bins the block touches, a row of ones, the rows' offsets); the entropy needs
one dot product per row; the mean distance follows from those column sums (keys left of the block are nearer
than every row of it, keys right of it farther) plus the block's own square. A capture is read-only, so the
result is kept on its source (`src.memo`) and every later view, and every session reading the same capture,
gets it at once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from attnviz.analysis.bins import adaptive_bin, pool_matrix
from attnviz.core.sources import CHUNK_BYTES, AttentionSource, QKSource

# Scores and exponentials of one block of rows, all heads of a layer, held at once: small enough to stay in
# the CPU's last-level cache, where the passes after the product (max, exp, sums) run at cache speed.
PASS_BYTES = 16 * 2**20
PASS_ROWS = 64  # and at most this many rows: a causal block's own square of keys (computed, then masked) stays small
DENSE_BYTES = CHUNK_BYTES  # a stored stack's rows read at once (no scores to keep in cache)
GPU_PASS_BYTES = 2**30  # on a GPU: large blocks, few kernel launches (32 heads × 32,768 keys: 120 rows a block)
THUMB = 32  # the model view's cells a side (ViewOptions.size)
# Scores more than 80 below their row's largest count as 80 below: a weight of at most e^-80 ≈ 1.8e-35 of the
# row's largest, where it is 0 or nearly so, and never a subnormal number
FLOOR = -80.0


def exact_key(size: int) -> tuple:
    """Where a source keeps its exact pass (src.memo)."""
    return ("summary", size)


def estimate_key(size: int) -> tuple:
    """Where a source keeps a first look (layer_sample.estimate)."""
    return ("estimate", size)


@dataclass(frozen=True)
class Summary:
    """What one pass over a source's rows gives; sums are over query rows (divide by `n_rows` for means).

    An estimate (layer_sample) reads some rows only and weighs each by the rows it stands for: its sums then
    estimate these same sums over every row, and `n_read` < `n_rows` says how many rows it read."""

    size: int
    thumbs: np.ndarray  # [layer, head, q_cells, k_cells]: mean weight per cell, reduce.pooled's bins
    entropy: np.ndarray  # [layer, head]: Σ over rows of −Σ_k p log p (nats)
    distance: np.ndarray  # [layer, head]: Σ over rows of Σ_k p·|query_pos − key_pos|
    self_token: np.ndarray  # [layer, head]: Σ over rows r < key count of p[r, r]
    previous: np.ndarray  # [layer, head]: Σ over rows 1 ≤ r < min(query count, key count) of p[r, r − 1]
    received: np.ndarray  # [layer, head, key_pos]: Σ over rows of p[·, key]: the weight each key receives
    n_rows: int  # the query rows the sums are over
    n_keys: int
    n_self: int  # the rows with a key at their own position (the self sums' rows)
    n_previous: int  # and with one at the position before (the previous-token sums' rows)
    n_read: int  # the rows the pass read: n_rows for the exact pass, fewer for an estimate
    dense: int = 0  # an estimate's first rows, every one read (a causal model's first rows are cheap)
    stride: int = 1  # and after them one row read in each stretch of `stride`

    @property
    def estimated(self) -> bool:
        return self.n_read < self.n_rows


def summarise(src: AttentionSource, size: int = THUMB, progress: Callable[[float], None] | None = None) -> Summary:
    """Thumbnails pooled to at most size × size cells, the statistics' sums and the weight each key receives.
    `progress(share done)` is called after each layer (a page shows a progress bar: the pass takes seconds)."""
    key = exact_key(size)
    if key in src.memo:
        return src.memo[key]
    n_layers, n_heads, n_q, n_k = src.shape
    dev = src.device
    q_size, k_size = min(n_q, size), min(n_k, size)
    rpool = pool_matrix(n_q, q_size, dev)  # [q_cells, query_pos]
    cpool = pool_matrix(n_k, k_size, dev).T.contiguous()  # [key_pos, k_cells]
    bins = np.array([adaptive_bin(i, n_q, q_size) for i in range(q_size)])  # [q_cells, 2]: (lo, hi)
    acc = Sums(n_layers, n_heads, q_size, k_size, n_q, n_k, dev)
    row_bytes = max(1, n_heads * n_k * 4 * 2)
    if not isinstance(src, QKSource):  # stored weights: nothing to compute, few large blocks
        step = max(1, DENSE_BYTES // row_bytes)
    elif dev.type == "cpu":
        step = max(1, min(PASS_ROWS, PASS_BYTES // row_bytes))
    else:
        step = max(1, GPU_PASS_BYTES // row_bytes)
    for layer in range(n_layers):
        for start in range(0, n_q, step):
            stop = min(n_q, start + step)
            e, z, ent = _block(src, layer, start, stop)
            sel = np.nonzero((bins[:, 0] < stop) & (bins[:, 1] > start))[0]
            acc.add(layer, start, stop, e, z, ent, rpool[sel, start:stop], torch.from_numpy(sel).to(dev), cpool)
        if progress is not None:
            progress((layer + 1) / n_layers)
    summary = acc.result(size)
    src.memo[key] = summary
    return summary


def kept(src: AttentionSource, size: int = THUMB, exact: bool = False) -> Summary | None:
    """The pass kept on this source, computing nothing: the exact one, else (unless `exact`) a page's first look
    (layer_sample.estimate); None where neither has run."""
    for key in (exact_key(size),) if exact else (exact_key(size), estimate_key(size)):
        if key in src.memo:
            return src.memo[key]
    return None


def current(src: AttentionSource, size: int = THUMB) -> Summary:
    """The pass the views read: the exact one where it has run, else an estimate where a page made one
    (layer_sample.estimate: a long input's first look), else the exact pass, run now."""
    found = kept(src, size)
    return summarise(src, size) if found is None else found


def _block(src: AttentionSource, layer: int, start: int, stop: int):
    """(weights or exponentials [head, rows, keys], row normalisers [head, rows], row entropies [head, rows]).

    From queries and keys: e = exp(s − max), z = Σ e, entropy = log z − Σ e·(s − max) / z; a causal layer's
    keys past the block are never computed (their weight is 0).
    From a stored stack: the weights themselves (z = 1) and −Σ p log p.
    """
    if not isinstance(src, QKSource):
        p = src.rows(layer, start, stop)  # [head, rows, key_pos]
        ent = -(p * torch.log(p.clamp_min(1e-12))).sum(-1)
        return p, None, ent
    qk = src.qk
    n_k = qk.k.shape[2]
    keys = min(n_k, stop) if qk.only_causal(layer) else n_k
    s = qk.scores(layer, start, stop, keys=keys)  # [head, rows, keys]
    m = s.amax(-1, keepdim=True)
    # s − max ≤ 0 (a row with every key masked becomes all zeros: uniform, as in eager attention), floored at
    # FLOOR: torch's exp leaves its vector path for inputs that underflow (masked keys, far keys), 10–30× slower
    s.sub_(m).clamp_min_(FLOOR)
    e = torch.exp(s)
    if qk.only_causal(layer):  # the block's own future keys: weight exactly 0, not e^FLOOR
        e[..., start:].masked_fill_(_above_diagonal(stop - start, keys - start, e.device), 0.0)
    z = e.sum(-1)  # [head, rows]
    return e, z, torch.log(z) - torch.linalg.vecdot(e, s) / z  # entropy: log z − Σ_k e·(s − max) / z


def _above_diagonal(rows: int, keys: int, device: torch.device) -> torch.Tensor:
    """[rows, keys] True where key > row (keys and rows counted from the block's first row)."""
    return torch.ones(rows, keys, dtype=torch.bool, device=device).triu_(1)


class Sums:
    """Running sums of one pass (on the source's device); layer_sample.WeightedSums adds sampled rows to the same sums."""

    def __init__(self, n_layers: int, n_heads: int, q_size: int, k_size: int, n_q: int, n_k: int, dev: torch.device):
        def zeros(*shape):
            return torch.zeros(*shape, device=dev)
        self.thumbs = zeros(n_layers, n_heads, q_size, k_size)
        self.entropy, self.distance = zeros(n_layers, n_heads), zeros(n_layers, n_heads)
        self.self_token, self.previous = zeros(n_layers, n_heads), zeros(n_layers, n_heads)
        self.received = zeros(n_layers, n_heads, n_k)
        self.n_q, self.n_k, self.dev = n_q, n_k, dev

    def add(self, layer: int, start: int, stop: int, e: torch.Tensor, z: torch.Tensor | None, ent: torch.Tensor,
            rpool: torch.Tensor, sel: torch.Tensor, cpool: torch.Tensor) -> None:
        n_heads, rows, keys = e.shape
        offsets = torch.arange(rows, device=self.dev, dtype=torch.float32)[None]  # query_pos − start
        weights = torch.cat([rpool, torch.ones(1, rows, device=self.dev), offsets])  # [bins + 2, rows]
        weights = weights[None] / z[:, None, :] if z is not None else weights[None].expand(n_heads, -1, -1)
        cols = torch.bmm(weights, e)  # [head, bins + 2, keys]: row-bin sums, Σ_r p, Σ_r (r − start)·p
        nb = rpool.shape[0]
        self.thumbs[layer].index_add_(1, sel, cols[:, :nb] @ cpool[:keys])
        got, moment = cols[:, nb], cols[:, nb + 1]  # [head, keys]
        self.received[layer, :, :keys] += got
        self.entropy[layer] += ent.sum(-1)
        # Σ_r Σ_k p·|r − k|: keys left of the block lie below every row, keys right of it above, the square between
        # is summed cell by cell; offsets from `start` keep the terms small (no cancellation in float32)
        kpos = torch.arange(keys, device=self.dev, dtype=torch.float32)
        left = min(start, keys)
        dist = (moment[:, :left] + (start - kpos[:left]) * got[:, :left]).sum(-1)
        if keys > stop:
            dist += ((kpos[stop:] - start) * got[:, stop:] - moment[:, stop:]).sum(-1)
        hi = min(stop, keys)
        if hi > start:
            square = e[:, :, start:hi]  # [head, rows, hi − start]
            gap = (torch.arange(start, stop, device=self.dev)[:, None] - torch.arange(start, hi, device=self.dev)[None])
            part = (square * gap.abs().float()).sum(-1)  # [head, rows]
            dist += (part / z).sum(-1) if z is not None else part.sum(-1)
            diag = torch.diagonal(square, 0, 1, 2)  # p[r, r] for rows start .. start + len − 1
            self.self_token[layer] += (diag / z[:, :diag.shape[1]]).sum(-1) if z is not None else diag.sum(-1)
        self.distance[layer] += dist
        # previous token p[r, r − 1] for rows 1 ≤ r < min(query count, key count)
        first = max(start, 1)
        last = min(stop, self.n_q, self.n_k, keys + 1)
        if last > first:
            shifted = e[:, first - start:last - start, first - 1:last - 1]
            prev = torch.diagonal(shifted, 0, 1, 2)
            self.previous[layer] += ((prev / z[:, first - start:last - start]).sum(-1) if z is not None
                                     else prev.sum(-1))

    def result(self, size: int, **counts) -> Summary:
        """The sums as a Summary; `counts` (n_rows, n_self, n_previous, n_read, dense, stride) where not every row
        was read once (an estimate)."""
        def host(t):
            return frozen(t.cpu().numpy())
        both = min(self.n_q, self.n_k)
        every = dict(n_rows=self.n_q, n_self=both, n_previous=max(0, both - 1), n_read=self.n_q)
        return Summary(size=size, thumbs=host(self.thumbs), entropy=host(self.entropy), distance=host(self.distance),
                       self_token=host(self.self_token), previous=host(self.previous), received=host(self.received),
                       n_keys=self.n_k, **{**every, **counts})


def frozen(value: np.ndarray) -> np.ndarray:
    value.setflags(write=False)
    return value


def statistics(summary: Summary, special: list[bool] | None = None, cross: bool = False) -> dict[str, np.ndarray]:
    """reduce.head_statistics' per-[layer, head] means from a pass: entropy, mean distance, first token, self,
    previous token (not for cross-attention), special tokens (where `special` marks some)."""
    n_q = summary.n_rows
    stats = {"entropy": summary.entropy / n_q, "mean distance": summary.distance / n_q,
             "first token": summary.received[..., 0] / n_q}
    if not cross:
        stats["self"] = summary.self_token / max(1, summary.n_self)
        stats["previous token"] = summary.previous / max(1, summary.n_previous)
    if special is not None and any(special):
        mask = np.asarray(special[:summary.n_keys], dtype=np.float32)
        stats["special tokens"] = summary.received[..., : len(mask)] @ mask / n_q
    return {name: frozen(np.ascontiguousarray(value, dtype=np.float32)) for name, value in stats.items()}
