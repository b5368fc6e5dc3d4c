"""Measures beyond the weights, on the same layer × head × query × key grid: what a head moves (norm), what a
layer mixes (ALTI, value zeroing), what a target depends on (gradient × input), and how far each agrees with α.

`measure(model, prompt, method)` is the one entry point the pages and the command line call."""
from __future__ import annotations

from dataclasses import dataclass

from attnviz.analysis.measures.agreement import agreement
from attnviz.analysis.measures.alti import alti_values
from attnviz.analysis.measures.grad_input import grad_input_values
from attnviz.analysis.measures.norm import norm_layer_values, norm_values
from attnviz.analysis.measures.result import MeasureResult
from attnviz.analysis.measures.rollout import rollout as rolled_out  # the submodule keeps the name `rollout`
from attnviz.analysis.measures.value_zeroing import value_zeroing_values
from attnviz.analysis.measures.weight import weight_values
from attnviz.analysis.runs import tokens
from attnviz.analysis.targets import Target
from attnviz.models.forward import Prompt
from attnviz.models.loading import LoadedModel
from attnviz.i18n import Message, N_

NEEDS_TARGET = N_("The {method} measure needs a target: a next token to follow, or a second sentence to compare with.")
UNKNOWN_METHOD = N_("There is no measure called {method!r}; the measures are: {known}.")


@dataclass(frozen=True)
class MeasureSpec:
    name: str
    per_head: bool  # [layer, head, query_pos, key_pos], else [layer, query_pos, key_pos]
    needs_target: bool
    paper: str
    signed: bool = False  # values of either sign (drawn on a scale centred on 0), else never negative


METHODS: dict[str, MeasureSpec] = {spec.name: spec for spec in (
    MeasureSpec("weight", True, False, "Bahdanau et al. 2015; Vaswani et al. 2017"),
    MeasureSpec("norm", True, False, "Kobayashi et al., EMNLP 2020"),
    MeasureSpec("norm-layer", False, False, "Kobayashi et al., EMNLP 2020"),
    MeasureSpec("alti", False, False, "Ferrando et al., EMNLP 2022"),
    MeasureSpec("alti-rollout", False, False, "Ferrando et al., EMNLP 2022"),
    MeasureSpec("value-zeroing", False, False, "Mohebbi et al., EACL 2023"),
    MeasureSpec("value-zeroing-rollout", False, False, "Mohebbi et al., EACL 2023"),
    MeasureSpec("grad-input", True, True, "Hao et al., AAAI 2021 (one step)", signed=True),
)}


def measure(model: LoadedModel, prompt: Prompt, method: str, kind: str = "self",
            target: Target | None = None, layers: list[int] | None = None) -> MeasureResult:
    """One measure of attention `kind` on the prompt's tokens. `layers` limits value zeroing (the costly one:
    about one forward pass per token) to those layers, the others left NaN; a rollout needs them all. Raises
    MeasureUnavailable (with the reason) where this model cannot give it, ValueError for an unknown method or
    a missing target."""
    spec = METHODS.get(method)
    if spec is None:
        raise ValueError(Message(UNKNOWN_METHOD, method=method, known=", ".join(METHODS)))
    if spec.needs_target and target is None:
        raise ValueError(Message(NEEDS_TARGET, method=method))
    target_value = None
    with model.lock:
        if method == "weight":
            values = weight_values(model, prompt, kind)
        elif method == "norm":
            values = norm_values(model, prompt, kind)
        elif method == "norm-layer":
            values = norm_layer_values(model, prompt, kind)
        elif method.startswith("alti"):
            values = alti_values(model, prompt, kind)
        elif method.startswith("value-zeroing"):
            layers = None if method.endswith("-rollout") else layers
            values = value_zeroing_values(model, prompt, kind, layers=layers)
        else:
            values, target_value = grad_input_values(model, prompt, target, kind)
    if method.endswith("-rollout"):
        values = rolled_out(values, kind)
    query, keys = tokens(model, prompt, kind)
    return MeasureResult(method, kind, query, keys, values, spec.per_head, model.info.name,
                         target if spec.needs_target else None, target_value,
                         sorted(layers) if layers is not None and method == "value-zeroing" else None)


__all__ = ["METHODS", "MeasureResult", "MeasureSpec", "agreement", "measure"]
