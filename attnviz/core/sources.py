"""Where a capture's attention comes from: a stored stack (eager) or queries and keys (q/k, computed on demand).

Both answer the same questions — one head, a block of query rows of a layer — so every reduction reads
attention through `rows()` in chunks and never needs the whole `[layer, head, query_pos, key_pos]` stack.
"""
from __future__ import annotations

from collections.abc import Iterator

import torch

from attnviz.core.qkstack import QKStack

CHUNK_BYTES = 64 * 2**20  # float32 scores held at once while a reduction walks a layer


class AttentionSource:
    """The attention of one kind: shape `[layer, head, query_pos, key_pos]`, read a block at a time."""

    shape: tuple[int, int, int, int]
    device: torch.device
    memo: dict  # small results already computed (an overview, statistics): a capture is read-only

    def rows(self, layer: int, start: int = 0, stop: int | None = None) -> torch.Tensor:
        """Weights `[head, query_pos (start:stop), key_pos]`, float32, on the source's device."""
        raise NotImplementedError

    def head(self, layer: int, head: int) -> torch.Tensor:
        """One head's pattern `[query_pos, key_pos]`, float32, on the source's device."""
        raise NotImplementedError

    def head_rows(self, layer: int, head: int, start: int = 0, stop: int | None = None) -> torch.Tensor:
        """One head's weights `[query_pos (start:stop), key_pos]`, float32, on the source's device."""
        return self.rows(layer, start, stop)[head]

    def nbytes(self) -> int:
        """Memory the source holds."""
        raise NotImplementedError

    def layer(self, layer: int) -> torch.Tensor:
        return self.rows(layer)

    def chunks(self, layer: int, budget: int | None = None) -> Iterator[tuple[int, int, torch.Tensor]]:
        """(start, stop, rows) blocks covering a layer, each about `budget` bytes of float32 at most."""
        budget = CHUNK_BYTES if budget is None else budget
        n_layers, n_heads, n_q, n_k = self.shape
        step = max(1, budget // max(1, n_heads * n_k * 4))
        for start in range(0, n_q, step):
            stop = min(n_q, start + step)
            yield start, stop, self.rows(layer, start, stop)

    def dense(self) -> torch.Tensor:
        """The whole stack `[layer, head, query_pos, key_pos]` (float32): only for what is small enough."""
        out = torch.empty(self.shape, device=self.device)
        for layer in range(self.shape[0]):
            for start, stop, block in self.chunks(layer):
                out[layer, :, start:stop] = block
        return out

    def dense_nbytes(self, element_size: int = 4) -> int:
        """What the whole stack would take."""
        n = 1
        for d in self.shape:
            n *= d
        return n * element_size


class DenseSource(AttentionSource):
    """A stored stack, as eager attention returns it."""

    def __init__(self, stack: torch.Tensor):
        self.stack = stack
        self.memo = {}
        self.shape = tuple(stack.shape)  # type: ignore[assignment]
        self.device = stack.device

    def rows(self, layer: int, start: int = 0, stop: int | None = None) -> torch.Tensor:
        return self.stack[layer, :, start:stop].float()

    def head(self, layer: int, head: int) -> torch.Tensor:
        return self.stack[layer, head].float()

    def head_rows(self, layer: int, head: int, start: int = 0, stop: int | None = None) -> torch.Tensor:
        return self.stack[layer, head, start:stop].float()

    def nbytes(self) -> int:
        return self.stack.numel() * self.stack.element_size()

    def dense(self) -> torch.Tensor:
        return self.stack


class QKSource(AttentionSource):
    """Attention recomputed from recorded queries and keys: softmax(q·kᵀ·scale + bias + mask), on their device."""

    def __init__(self, qk: QKStack):
        self.qk = qk
        self.memo = {}
        self.shape = (qk.q.shape[0], qk.q.shape[1], qk.q.shape[2], qk.k.shape[2])
        self.device = qk.q.device

    def rows(self, layer: int, start: int = 0, stop: int | None = None) -> torch.Tensor:
        return self.qk.pattern(layer, start, stop)

    def head(self, layer: int, head: int) -> torch.Tensor:
        return self.qk.pattern(layer, heads=[head])[0]

    def head_rows(self, layer: int, head: int, start: int = 0, stop: int | None = None) -> torch.Tensor:
        return self.qk.pattern(layer, start, stop, heads=[head])[0]

    def nbytes(self) -> int:
        return self.qk.nbytes()
