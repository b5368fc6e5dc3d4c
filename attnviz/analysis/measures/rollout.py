"""Rollout of token-to-token contribution maps across layers (Abnar and Zuidema 2020, as ALTI and value zeroing
use it): R_0 = C_0, R_l = C_l·R_{l−1}. No identity is added: these maps already count the residual path."""
from __future__ import annotations

import torch

from attnviz.core.errors import MeasureUnavailable
from attnviz.i18n import Message, N_

NOT_SQUARE = (N_("A rollout follows one sequence through its layers; cross-attention maps the decoder's tokens onto "
              "the source's, so it has none."))


def rollout(values: torch.Tensor, kind: str = "self") -> torch.Tensor:
    """values [layer, query_pos, key_pos] (rows summing to 1) -> [layer, query_pos, key_pos]: how much each
    position's output at layer l draws on each input token."""
    if kind == "cross" or values.shape[-1] != values.shape[-2]:
        raise MeasureUnavailable(Message(NOT_SQUARE))
    out = torch.empty_like(values)
    joint = values[0]
    out[0] = joint
    for layer in range(1, values.shape[0]):
        joint = values[layer] @ joint
        out[layer] = joint
    return out


def normalise_rows(values: torch.Tensor) -> torch.Tensor:
    """Each row divided by its sum (rows that sum to zero stay zero)."""
    total = values.sum(dim=-1, keepdim=True)
    return torch.where(total > 0, values / torch.where(total > 0, total, torch.ones_like(total)), values)
