"""show(...): what a researcher has in hand -> an AttentionWidget (heatmap, head view, model view)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from attnviz.notebook.inputs import to_capture

if TYPE_CHECKING:
    from attnviz.notebook.widget import AttentionWidget

NO_ANYWIDGET = "the notebook widget needs anywidget: pip install \"attnviz[notebook]\" (or pip install anywidget)"


def show(what, text: str | Sequence[str] | None = None, *, tokens: Sequence[str] | None = None,
         target_tokens: Sequence[str] | None = None, batch: int = 0, view: str = "heatmap", kind: str | None = None,
         layer: int = 0, head: int = 0, token: int | None = None, device: str = "auto", mode: str = "auto",
         name: str | None = None) -> AttentionWidget:
    """An interactive view of attention, from any of:

        show("minilm", "The cat sat on the mat.")          # a model name or folder and a text (load_model + capture)
        show(model, "The cat sat on the mat.")             # a LoadedModel and a text
        show(cap)                                          # an AttentionCapture
        show(outputs.attentions, tokens)                   # Hugging Face, run with output_attentions=True
        show(outputs, tokens, target_tokens=decoder_tokens)  # an encoder-decoder's output object
        show(cache, model.to_str_tokens(text))             # a TransformerLens ActivationCache (blocks.{i}.attn.hook_pattern)

    `batch` picks the sequence of a batched output. The widget's traits `view` ("heatmap", "head_view",
    "model_view"), `kind`, `layer`, `head`, `token` (the focused query position, or None), `measure`
    and `window` ([q0, q1, k0, k1], the zoomed region) follow every click and can be set and observed.
    """
    try:
        from attnviz.notebook.widget import AttentionWidget
    except ImportError as exc:
        raise ImportError(NO_ANYWIDGET) from exc
    cap = to_capture(what, text, tokens=tokens, target_tokens=target_tokens, batch=batch, device=device, mode=mode,
                     name=name)
    selection = {"view": view, "layer": layer, "head": head, "token": token}
    return AttentionWidget(cap, kind=kind, **selection)
