"""Gradient × input on the attention weights: α^h_ij·∂T/∂α^h_ij, how much the target T would change, to first
order, if head h's weight from query i to key j were removed (the one-step form of Hao, Dong, Wei and Xu,
"Self-Attention Attribution", AAAI 2021, whose integrated-gradients form averages the gradient along α's path
from zero). T is a next token's log-probability (or a logit difference) or a sentence embedding's similarity
to a second sentence. The gradient runs through the whole model: later weights move when an earlier one does."""
from __future__ import annotations

import torch

from attnviz.analysis.runs import run, sites_of
from attnviz.analysis.targets import Target, target_fn
from attnviz.models.forward import Prompt
from attnviz.models.loading import LoadedModel
from attnviz.models.taps import Tap


def grad_input_values(model: LoadedModel, prompt: Prompt, target: Target,
                      kind: str = "self") -> tuple[torch.Tensor, float]:
    """(α ⊙ ∂T/∂α [layer, head, query_pos, key_pos], T on the clean run). The caller holds the lock."""
    _, sites = sites_of(model, kind)
    fn = target_fn(model, target)
    tap = Tap(grad=True)
    value = fn(run(model, prompt, tap, grad=True))[0]
    alphas = [tap.records[(kind, s.layer)].alpha for s in sites]
    # autograd.grad, not backward: nothing accumulates in the (shared) model's .grad
    grads = torch.autograd.grad(value, alphas, allow_unused=True)
    out = [(a.detach() * (torch.zeros_like(a) if g is None else g)).float()[0] for a, g in zip(alphas, grads)]
    return torch.stack(out), float(value.detach())
