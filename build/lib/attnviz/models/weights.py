"""Did a Hugging Face model load the weights its config describes? A folder whose weights are missing,
renamed or of other shapes would otherwise run with random weights and look like the trained model."""
from __future__ import annotations

from attnviz.core.errors import NotAModel
from attnviz.i18n import Message, joined

# Output heads that attention never reads: missing, they change what a model predicts, not where it looks.
HEAD_PREFIXES = ("pooler.", "lm_head.", "cls.", "classifier.", "score.", "qa_outputs.", "final_logits_bias")
SHOWN = 6  # tensor names listed in a message before "… and N more"


def _names(names: list) -> str:
    names = sorted(names)
    listed = joined("{first}, {rest}", names[:SHOWN])
    return Message("{names}, … and {n} more", names=listed, n=len(names) - SHOWN) if len(names) > SHOWN else listed


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
        problems.append(Message("{n} tensors the config describes are not in its weights file ({names})", n=len(body), names=_names(body)))
        if unexpected:
            problems.append(Message("{n} tensors in the file belong to no part of this model ({names})", n=len(unexpected), names=_names(unexpected)))
    if mismatched:
        shapes = [Message("{name}: file {file} vs config {config}", name=name, file=str(tuple(a)), config=str(tuple(b)))
                  for name, a, b in sorted(mismatched)]
        problems.append(Message("{n} tensors have other shapes in the file than the config says ({names})", n=len(mismatched), names=_names(shapes)))
    if problems:
        raise NotAModel(Message("`{spec}` does not hold the weights its config describes: {problems}. Loaded anyway, it would show random weights as if they were the trained model, so attnviz refuses it. Check that config.json and the weights come from the same model, or save both again with save_pretrained(folder).", spec=spec,
                              problems=joined("{first}; {rest}", problems)))
    heads = [name for name in missing if _is_head(name)]
    if heads:
        return [Message("The weights file has no {names}: these output layers start random. Attention is as trained (it does not read them), but what the model predicts or writes is not.", names=_names(heads))]
    return []
