"""Whether a measure or a causal tool can run on a model, before running it: None, or the sentence that says why
not (as explain.why_not_explained does for a cell), so that a page can offer only what works and say why."""
from __future__ import annotations

from attnviz.analysis.causal.dla import check_dla
from attnviz.analysis.measures import METHODS, UNKNOWN_METHOD
from attnviz.analysis.measures.alti import NO_RESIDUAL_FORM, NOT_FOR_CROSS
from attnviz.analysis.measures.rollout import NOT_SQUARE
from attnviz.analysis.runs import NO_KIND
from attnviz.analysis.targets import NO_EMBEDDING, NO_LOGITS
from attnviz.core.errors import MeasureUnavailable
from attnviz.core.types import KIND_LABELS
from attnviz.models.loading import LoadedModel
from attnviz.models.sites import find_sites
from attnviz.i18n import Message, is_message

CAUSAL = ("ablation", "dla", "patching")
TARGETS = ("next-token", "similarity")
_NEEDS_W_O = ("norm", "norm-layer", "alti", "alti-rollout")


def why_target_not(model: LoadedModel, target: str) -> str | None:
    """None where the model has a target of this type ("next-token" or "similarity"), else why not."""
    info = model.info
    if target == "next-token" and info.architecture == "encoder" and model.backend != "scratch":
        return Message(NO_LOGITS, name=info.name)
    if target == "similarity" and info.architecture != "encoder":
        return Message(NO_EMBEDDING, name=info.name)
    return None


def why_not(model: LoadedModel, method: str, kind: str = "self", target: str | None = None) -> str | None:
    """None where `method` (a measure of METHODS, or "ablation", "dla", "patching") can run on attention `kind`
    of this model with a target of type `target`; otherwise the reason, in a sentence."""
    if method not in METHODS and method not in CAUSAL:
        return Message(UNKNOWN_METHOD, method=method, known=", ".join((*METHODS, *CAUSAL)))
    try:
        with model.lock:
            sites = find_sites(model)
            if method == "dla":
                check_dla(model)
                return why_target_not(model, "next-token")
            chosen = sites.of(kind)
            if not chosen:
                return Message(NO_KIND, name=model.info.name, kind=KIND_LABELS.get(kind, kind))
            if method in _NEEDS_W_O:
                for site in chosen:
                    site.w_o()
    except MeasureUnavailable as exc:  # its Message, said later in the page's language (str() would fix English)
        return exc.args[0] if is_message(exc) else str(exc)
    if method.startswith("alti"):
        if kind == "cross":
            return Message(NOT_FOR_CROSS)
        if any(site.placement not in ("pre", "post") for site in chosen):
            return Message(NO_RESIDUAL_FORM, name=model.info.name, kind=KIND_LABELS[kind])
    if method.endswith("-rollout") and kind == "cross":
        return Message(NOT_SQUARE)
    if target is not None:
        return why_target_not(model, target)
    return None
