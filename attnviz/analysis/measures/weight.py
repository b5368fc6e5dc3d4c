"""The attention weights α themselves, from the same tapped forward the other measures run."""
from __future__ import annotations

import torch

from attnviz.analysis.runs import recorded
from attnviz.models.forward import Prompt
from attnviz.models.loading import LoadedModel


def weight_values(model: LoadedModel, prompt: Prompt, kind: str = "self") -> torch.Tensor:
    """α [layer, head, query_pos, key_pos] of attention `kind`. The caller holds the model's lock."""
    return torch.stack([record.alpha[0].float() for _, record in recorded(model, prompt, kind)])
