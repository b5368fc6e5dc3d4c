"""The attention weights α themselves, from the same tapped forward the other measures run."""
from __future__ import annotations

import torch

from attnviz.analysis.runs import run, sites_of
from attnviz.models.forward import Prompt
from attnviz.models.loading import LoadedModel
from attnviz.models.taps import Tap


def weight_values(model: LoadedModel, prompt: Prompt, kind: str = "self") -> torch.Tensor:
    """α [layer, head, query_pos, key_pos] of attention `kind`. The caller holds the model's lock."""
    _, sites = sites_of(model, kind)
    tap = Tap()
    run(model, prompt, tap)
    return torch.stack([tap.records[(kind, s.layer)].alpha[0].float() for s in sites])
