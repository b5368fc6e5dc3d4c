"""What a gradient, an ablation or a patch is measured on: a next token's log-probability (or the logit
difference of two tokens) at one position, or a sentence embedding's cosine similarity to a second sentence."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from attnviz.core.errors import MeasureUnavailable
from attnviz.models.forward import Output, Prompt, forward
from attnviz.models.loading import LoadedModel
from attnviz.models.recording import fast
from attnviz.i18n import Message, N_

NO_LOGITS = (N_("{name} has no language-model head, so there is no next-token probability to follow: compare its "
             "sentence embedding with a second sentence instead."))
NO_EMBEDDING = (N_("{name} is not a sentence encoder, so it has no pooled embedding to compare: follow the "
                "probability of a next token instead."))


def predicted_token(model: LoadedModel, prompt: Prompt) -> int:
    """The id of the token the model finds most likely after the prompt (at the decoder's last position), from one
    run on the fast kernel: no attention weights are formed (GBs at thousands of tokens)."""
    with model.lock, torch.no_grad(), fast():
        return int(forward(model, prompt).logits[0, -1].argmax())


@dataclass(frozen=True)
class NextToken:
    """log p(token) at `position` (default the last) of the decoder side; with `other_id`, the logit difference
    logit(token) − logit(other), which is also the difference of their log-probabilities."""

    token_id: int
    other_id: int | None = None
    position: int = -1

    def to_json(self) -> dict:
        return {"type": "next-token", "token_id": self.token_id, "other_id": self.other_id,
                "position": self.position}


@dataclass(frozen=True)
class Similarity:
    """Cosine similarity between the mean-pooled last hidden states of the text and of `other`."""

    other: Prompt

    def to_json(self) -> dict:
        return {"type": "similarity", "other_text": self.other.text, "other_ids": list(self.other.ids)}


Target = NextToken | Similarity
TargetFn = Callable[[Output], torch.Tensor]  # a forward's output -> the target, one value per batch copy


def _wide(t: torch.Tensor) -> torch.Tensor:
    """At least float32 (half precision widened; a float64 model keeps its digits)."""
    return t.to(torch.promote_types(t.dtype, torch.float32))


def _mean_pool(hidden: torch.Tensor) -> torch.Tensor:
    return _wide(hidden).mean(dim=-2)  # [batch, d_model]: every position (no padding in a prompt)


def target_fn(model: LoadedModel, target: Target) -> TargetFn:
    """The function that reads `target` off a forward's output. A similarity target runs the second sentence
    once now (no taps). The caller holds the model's lock."""
    if isinstance(target, NextToken):
        if model.info.architecture == "encoder" and model.backend != "scratch":
            raise MeasureUnavailable(Message(NO_LOGITS, name=model.info.name))

        def next_token(out: Output) -> torch.Tensor:
            if out.logits is None:
                raise MeasureUnavailable(Message(NO_LOGITS, name=model.info.name))
            logits = _wide(out.logits[:, target.position])  # [batch, vocab]
            if target.other_id is not None:
                return logits[:, target.token_id] - logits[:, target.other_id]
            return torch.log_softmax(logits, dim=-1)[:, target.token_id]
        return next_token
    if model.info.architecture != "encoder":
        raise MeasureUnavailable(Message(NO_EMBEDDING, name=model.info.name))
    with torch.no_grad():
        other = _mean_pool(forward(model, target.other).hidden)  # [1, d_model]

    def similarity(out: Output) -> torch.Tensor:
        return torch.nn.functional.cosine_similarity(_mean_pool(out.hidden), other, dim=-1)
    return similarity
