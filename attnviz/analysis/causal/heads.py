"""Editing some heads' outputs in some copies of a batch: head (layer, h) of copy b takes a replacement z at
chosen positions, every other head and copy runs as it was. Ablation and patching are both this."""
from __future__ import annotations

import torch

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


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), max(1, size))]
