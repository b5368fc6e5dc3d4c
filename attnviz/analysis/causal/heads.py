"""Editing some heads' outputs in some copies of a batch: head (layer, h) of copy b takes a replacement z at
chosen positions, every other head and copy runs as it was. Ablation and patching are both this; the layers
before the first edited one are not run again (their clean outputs are handed back)."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import torch
from torch import nn

from attnviz.models.blocks import block_calls, replayed
from attnviz.models.sites import Sites
from attnviz.models.taps import ZEdit

HeadKey = tuple[int, int]  # (layer, head)


def replace_heads(assigned: list[tuple[int, int]], replacement: torch.Tensor, where: torch.Tensor | None,
                  batch: int) -> ZEdit:
    """A z edit: for each (copy b, head h) in `assigned`, z[b, pos, h] = replacement[pos, h] at the positions
    where `where` [query_pos] is True (all positions if None). replacement: [query_pos, head, d_head]."""
    def edit(z: torch.Tensor) -> torch.Tensor:  # z [batch, query_pos, head, d_head]
        mask = torch.zeros(batch, z.shape[1], z.shape[2], 1, dtype=torch.bool, device=z.device)
        for b, h in assigned:
            if where is None:
                mask[b, :, h] = True
            else:
                mask[b, where, h] = True
        return torch.where(mask, replacement[None].to(z.dtype), z)
    return edit


def edits_for(chunk: list[HeadKey], kind: str, replacement_of, where: torch.Tensor | None) -> dict:
    """The z edits of one batch: copy b edits head chunk[b]; replacement_of(layer) gives that layer's
    replacement [query_pos, head, d_head]."""
    edits = {}
    for layer in sorted({layer for layer, _ in chunk}):
        assigned = [(b, h) for b, (l, h) in enumerate(chunk) if l == layer]
        edits[(kind, layer)] = replace_heads(assigned, replacement_of(layer), where, len(chunk))
    return edits


def chunks(heads: list[HeadKey], size: int) -> list[list[HeadKey]]:
    """Batches of at most `size` heads, never two layers in one: a batch then skips every layer before its own."""
    out = []
    for layer in sorted({layer for layer, _ in heads}):
        mine = [h for h in heads if h[0] == layer]
        out += [mine[i:i + max(1, size)] for i in range(0, len(mine), max(1, size))]
    return out


def replayable(sites: Sites, kind: str) -> tuple[list[nn.Module], Callable[[int], list[int]]]:
    """(the blocks a clean pass records, and which of them an edit at `layer` of attention `kind` leaves as they
    were): the blocks before it on its side, and the whole encoder for a decoder's kinds. Nothing where layers
    share one block (ALBERT)."""
    own = [s.block for s in sites.of(kind)]
    encoder = [s.block for s in sites.of("self")] if kind != "self" else []
    if len({id(b) for b in own}) < len(own) or len({id(b) for b in encoder}) < len(encoder):
        return [], lambda layer: []
    return encoder + own, lambda layer: list(range(len(encoder) + layer))


@contextlib.contextmanager
def clean_pass(blocks: list[nn.Module]) -> Iterator[list]:
    """Record what each block did in the clean pass run inside (see models.blocks.block_calls)."""
    with block_calls(blocks) as calls:
        yield calls


def skipping(blocks: list[nn.Module], calls: list, indices: list[int], batch: int):
    """A context in which the blocks at `indices` hand back their clean outputs (as `batch` copies)."""
    return replayed([blocks[i] for i in indices], [calls[i] for i in indices], batch)
