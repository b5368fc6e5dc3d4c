"""Did a Hugging Face model load the weights its config describes? A folder whose weights are missing,
renamed or of other shapes would otherwise run with random weights and look like the trained model."""
from __future__ import annotations

from attnviz.core.errors import NotAModel
from attnviz.i18n.keyed import Keyed, joined

# Output heads that attention never reads: missing, they change what a model predicts, not where it looks.
HEAD_PREFIXES = ("pooler.", "lm_head.", "cls.", "classifier.", "score.", "qa_outputs.", "final_logits_bias")
SHOWN = 6  # tensor names listed in a message before "… and N more"


def _names(names: list) -> str:
    names = sorted(names)
    listed = joined("models.weights.names.join", names[:SHOWN])
    return Keyed("models.weights.more", names=listed, n=len(names) - SHOWN) if len(names) > SHOWN else listed


def _is_head(name: str) -> bool:
    return any(name.split(".", 1)[-1].startswith(p) or name.startswith(p) for p in HEAD_PREFIXES)


def check_loading(spec: str, loading_info: dict) -> list[str]:
    """Refuse (NotAModel) a model whose attention would run on weights the folder did not hold;
    return notes (for the page) on missing output heads, which leave attention as trained.

    loading_info: what `from_pretrained(..., output_loading_info=True, ignore_mismatched_sizes=True)`
    reports (missing_keys, unexpected_keys, mismatched_keys as (name, file shape, config shape)).
    """
    missing = sorted(loading_info.get("missing_keys") or [])
    unexpected = sorted(loading_info.get("unexpected_keys") or [])
    mismatched = sorted(loading_info.get("mismatched_keys") or [])
    body = [name for name in missing if not _is_head(name)]
    problems = []
    if body:
        problems.append(Keyed("models.weights.missing", n=len(body), names=_names(body)))
        if unexpected:
            problems.append(Keyed("models.weights.unexpected", n=len(unexpected), names=_names(unexpected)))
    if mismatched:
        shapes = [Keyed("models.weights.shape", name=name, file=str(tuple(a)), config=str(tuple(b)))
                  for name, a, b in sorted(mismatched)]
        problems.append(Keyed("models.weights.mismatched", n=len(mismatched), names=_names(shapes)))
    if problems:
        raise NotAModel(Keyed("models.weights.refused", spec=spec,
                              problems=joined("models.weights.problems.join", problems)))
    heads = [name for name in missing if _is_head(name)]
    if heads:
        return [Keyed("models.weights.no_heads", names=_names(heads))]
    return []
