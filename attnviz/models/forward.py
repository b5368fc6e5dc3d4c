"""One forward pass of any loaded model on a prompt repeated `batch` times: its logits and its last hidden state."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from attnviz.models.loading import LoadedModel

# Memory one batched forward may take (float32 scores and activations): how many copies of a prompt run at once.
BATCH_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Prompt:
    """Token ids a measure runs on: the encoder's (or the only) ids, and an encoder-decoder's decoder ids
    (its start token first). `text` and `spans` (each token's characters) let two prompts be aligned."""

    ids: tuple[int, ...]
    decoder_ids: tuple[int, ...] | None = None
    text: str = ""
    spans: tuple = ()

    def side(self, kind: str) -> tuple[int, ...]:
        """The ids whose positions the queries of attention `kind` sit at."""
        return self.ids if kind == "self" or self.decoder_ids is None else self.decoder_ids


@dataclass
class Output:
    logits: torch.Tensor | None  # [batch, pos, vocab]: the decoder's positions for an encoder-decoder
    hidden: torch.Tensor | None  # [batch, pos, d_model]: an encoder's last hidden state (None for decoders)


def _batched(ids: tuple[int, ...], batch: int, device: torch.device) -> torch.Tensor:
    return torch.tensor([list(ids)], device=device).expand(batch, -1).contiguous()  # [batch, pos]


def forward(model: LoadedModel, prompt: Prompt, batch: int = 1) -> Output:
    """Run the prompt `batch` times (each copy can be edited differently by a tap). Gradients follow the
    caller's grad mode; hooks and taps are the caller's to attach."""
    x = _batched(prompt.ids, batch, model.device)
    arch = model.info.architecture
    y = _batched(prompt.decoder_ids, batch, model.device) if prompt.decoder_ids is not None else None
    if arch == "encoder-decoder" and y is None:
        raise ValueError("an encoder-decoder prompt needs decoder ids")
    net = model.module
    if model.backend == "scratch":
        if arch == "encoder":
            hidden = net.encode(x)
            return Output(net.lm_head(hidden), hidden)
        return Output(net(x) if arch == "decoder" else net(x, target_ids=y), None)
    kwargs = {"input_ids": x, "attention_mask": torch.ones_like(x)}
    if arch != "encoder":
        kwargs["use_cache"] = False  # a cache would grow when a block is run again
    if y is not None:
        kwargs["decoder_input_ids"] = y
    out = net(**kwargs)
    hidden = getattr(out, "last_hidden_state", None) if arch == "encoder" else None
    return Output(getattr(out, "logits", None), hidden)


def copies_per_batch(model: LoadedModel, n_query: int, n_key: int, budget: int = BATCH_BYTES) -> int:
    """How many copies of a prompt one forward may carry within `budget` bytes (at least one)."""
    info = model.info
    per_copy = 4 * (3 * info.n_heads * n_query * n_key + 16 * max(n_query, n_key) * info.d_model)
    return max(1, budget // per_copy)
