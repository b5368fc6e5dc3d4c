"""Queries and keys of one attention kind, with everything that turns their dot products into scores.

Scores are `q·kᵀ·scaling`, soft-capped where the model caps them, plus a position bias (T5's relative
bias), plus the mask (additive float, or boolean where True means "may attend"), plus a causal mask
where the model relied on the kernel's `is_causal` instead of a mask. This is exactly what transformers'
eager attention adds, so softmax of these scores is the model's pattern.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

# Masked scores use the dtype's most negative number, as transformers does, not -inf: a row with every key
# masked (a padding query) then comes out uniform as in eager attention, not NaN.
MASKED = torch.finfo(torch.float32).min


@dataclass
class QKStack:
    """Per-layer queries and keys of one attention kind (keys per key/value head, as the model keeps them)."""

    q: torch.Tensor  # [layer, head, query_pos, d_head]
    k: torch.Tensor  # [layer, kv_head, key_pos, d_head]
    scaling: float
    bias: list[torch.Tensor | None]  # per layer: mask, additive float or bool (True: attend), [1|head, query_pos, key_pos]
    rotary: str | None = None  # "half" (Llama: pairs i, i+d/2) or "interleaved" (pairs 2i, 2i+1)
    position_bias: list[torch.Tensor | None] = field(default_factory=list)  # per layer, [1|head, query_pos, key_pos]
    causal: list[bool] = field(default_factory=list)  # per layer: a causal mask the kernel applied itself
    softcap: float | None = None  # scores → tanh(scores / cap) · cap before the mask (Gemma 2)

    def kv_head(self, head: int) -> int:
        """The key/value head query head `head` reads (grouped-query attention)."""
        return head // (self.q.shape[1] // self.k.shape[1])

    def scores(self, layer: int, start: int = 0, stop: int | None = None,
               heads: list[int] | None = None, keys: int | None = None) -> torch.Tensor:
        """Pre-softmax scores `[head, query_pos (start:stop), key_pos (:keys)]` in float32 on the stack's device."""
        stop = self.q.shape[2] if stop is None else stop
        n_heads, n_kv = self.q.shape[1], self.k.shape[1]
        # slices, never index lists: advanced indexing runs a threaded kernel that costs tens of ms on a busy CPU
        if heads is not None and len(heads) == 1:
            h = heads[0]
            q = self.q[layer, h:h + 1, start:stop].float()  # [1, rows, d_head]
            k = self.k[layer, self.kv_head(h):self.kv_head(h) + 1, :keys].float()  # [1, key_pos, d_head]
        elif heads is None or list(heads) == list(range(n_heads)):
            group = n_heads // n_kv  # query heads of one key/value head are adjacent: multiply them together
            q = self.q[layer, :, start:stop].float().reshape(n_kv, group * (stop - start), -1)  # [kv_head, group·rows, d]
            k = self.k[layer, :, :keys].float()  # [kv_head, key_pos, d_head]
        else:
            index = torch.tensor(list(heads), device=self.q.device)
            q = self.q[layer, :, start:stop].index_select(0, index).float()
            k = self.k[layer, :, :keys].index_select(0, torch.div(index, n_heads // n_kv, rounding_mode="floor")).float()
        s = self._product(q, k).reshape(-1, stop - start, k.shape[-2])  # [head, rows, key_pos]
        return self._masked(s, layer, slice(start, stop), (start, stop), heads)

    def scores_at(self, layer: int, rows: torch.Tensor, keys: int | None = None) -> torch.Tensor:
        """`scores` of every head for the query positions `rows` (a 1-D, ascending index tensor, any spacing):
        `[head, len(rows), key_pos (:keys)]`, float32 (for a pass over a sample of a long input's rows)."""
        n_heads, n_kv = self.q.shape[1], self.k.shape[1]
        first = int(rows[0]) if len(rows) else 0  # read once, before the rows go to the stack's device
        rows = rows.to(self.q.device)
        q = self.q[layer].index_select(1, rows).float().reshape(n_kv, (n_heads // n_kv) * len(rows), -1)
        k = self.k[layer, :, :keys].float()
        return self._masked(self._product(q, k).reshape(n_heads, len(rows), -1), layer, rows, (first, rows), None)

    def _product(self, q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        """q·kᵀ·scaling, soft-capped where the model caps it."""
        if self.softcap:
            return torch.matmul(q, k.transpose(-1, -2)).mul_(self.scaling / self.softcap).tanh_().mul_(self.softcap)
        return torch.matmul(q * self.scaling, k.transpose(-1, -2))  # scaling the queries: rows·d, not rows·keys

    def _masked(self, s: torch.Tensor, layer: int, pick, rows: tuple, heads: list[int] | None) -> torch.Tensor:
        """Scores `s` [head, rows, key_pos] with the position bias, the mask and the causal mask added: `pick` takes
        the rows from the per-layer biases (a slice or an index tensor); `rows` says their query positions, ascending:
        (start, stop) for a block, or (first, positions) with the positions a tensor on the stack's device."""
        added = False
        for extra in (self._at(self.position_bias, layer), self._at(self.bias, layer)):
            if extra is None:
                continue
            block = extra[:, pick, : s.shape[-1]]
            if block.shape[0] > 1 and heads is not None:
                block = block[heads[0]:heads[0] + 1] if len(heads) == 1 else block[list(heads)]
            if block.dtype == torch.bool:
                s.masked_fill_(~block, MASKED)
            else:
                s.add_(block.float())
                added = True
        first, second = rows
        if layer < len(self.causal) and self.causal[layer] and s.shape[-1] > first + 1:
            # keys before the first row are visible to every row here: mask only the columns from it on
            positions = torch.arange(first, second, device=s.device) if isinstance(second, int) else second
            cols = torch.arange(first, s.shape[-1], device=s.device)[None, :]
            s[..., first:].masked_fill_(cols > positions[:, None], MASKED)
        # a bias plus a float mask can run past the float range: clamp back to "masked", never -inf
        return s.clamp_min_(MASKED) if added else s

    def additive(self, layer: int, start: int = 0, stop: int | None = None,
                 heads: list[int] | None = None) -> torch.Tensor | None:
        """What is added to the scaled dot products: position bias, mask and causal mask, float32
        `[1|head, query_pos (start:stop), key_pos]` (MASKED where a key may not be seen); None if nothing."""
        stop = self.q.shape[2] if stop is None else stop
        heads = list(range(self.q.shape[1])) if heads is None else heads
        n_keys = self.k.shape[2]
        out = None
        for extra in (self._at(self.position_bias, layer), self._at(self.bias, layer)):
            if extra is None:
                continue
            block = extra[:, start:stop, :n_keys]
            block = block[heads] if block.shape[0] > 1 else block
            if block.dtype == torch.bool:
                block = torch.zeros(block.shape, device=block.device).masked_fill(~block, MASKED)
            out = block.float() if out is None else out + block.float()
        if layer < len(self.causal) and self.causal[layer]:
            rows = torch.arange(start, stop, device=self.q.device)[:, None]
            cols = torch.arange(n_keys, device=self.q.device)[None, :]
            causal = torch.zeros(1, stop - start, n_keys, device=self.q.device).masked_fill(cols > rows, MASKED)
            out = causal if out is None else out + causal
        # sums of several masks can run past the float range: clamp back to "masked"
        return None if out is None else out.clamp_min(MASKED)

    def only_causal(self, layer: int) -> bool:
        """The layer's only mask is causal: rows before `stop` see no key at or after it."""
        return (layer < len(self.causal) and self.causal[layer] and self._at(self.bias, layer) is None
                and self._at(self.position_bias, layer) is None)

    def pattern(self, layer: int, start: int = 0, stop: int | None = None,
                heads: list[int] | None = None) -> torch.Tensor:
        """softmax of `scores`: the attention weights `[head, query_pos (start:stop), key_pos]`, float32."""
        stop = self.q.shape[2] if stop is None else stop
        n_keys = self.k.shape[2]
        if self.only_causal(layer) and stop < n_keys:  # compute the keys a row can see, pad the rest
            weights = torch.softmax(self.scores(layer, start, stop, heads, keys=stop), dim=-1)
            return torch.nn.functional.pad(weights, (0, n_keys - stop))
        return torch.softmax(self.scores(layer, start, stop, heads), dim=-1)

    def binned(self, layer: int, start: int, stop: int, width: int) -> torch.Tensor:
        """The weights of rows start:stop summed over bins of `width` adjacent keys: `[head, rows, key_pos // width]`.

        For overviews of long inputs. The same numbers as summing `pattern`'s bins, in fewer passes over the
        scores: the exponentials are taken in place and normalised after binning (a bin's share of its row is
        its sum over the row's sum), and a causal layer's keys past the block's last bin are never computed.
        Needs key_pos % width == 0.
        """
        n_keys = self.k.shape[2]
        keys = min(n_keys, -(-stop // width) * width) if self.only_causal(layer) else n_keys
        s = self.scores(layer, start, stop, keys=keys)
        s.sub_(s.amax(-1, keepdim=True)).exp_()  # a row with every key masked comes out uniform, as in eager
        sums = s.view(s.shape[0], stop - start, keys // width, width).sum(-1)
        sums.div_(sums.sum(-1, keepdim=True))
        return torch.nn.functional.pad(sums, (0, (n_keys - keys) // width))

    def nbytes(self) -> int:
        """Memory this stack holds (tensors shared between layers counted once)."""
        seen: dict[int, int] = {}
        for t in [self.q, self.k, *self.bias, *self.position_bias]:
            if t is not None:
                storage = t.untyped_storage()
                seen[storage.data_ptr()] = storage.nbytes()
        return sum(seen.values())

    @staticmethod
    def _at(values: list, layer: int):
        return values[layer] if layer < len(values) else None
