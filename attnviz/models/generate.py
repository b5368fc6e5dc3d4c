"""Let a causal model write: greedy or sampled (temperature, top-k), returning token ids to capture."""
from __future__ import annotations

import torch

from attnviz.core.errors import BadText, UnsupportedModel
from attnviz.models.loading import LoadedModel


@torch.no_grad()
def generate_ids(model: LoadedModel, text: str, n_new: int, greedy: bool = True, temperature: float = 1.0,
                 top_k: int = 0, seed: int = 0) -> tuple[list[int], int]:
    """(prompt ids + generated ids, prompt length). Only decoder (causal) models write."""
    if model.info.architecture != "decoder":
        raise UnsupportedModel(f"`{model.info.name}` is an {model.info.architecture}; generation here is for "
                               "causal (decoder) models such as glassllm-en or scratch-decoder.")
    if not text.strip():
        raise BadText("The text is empty: type a prompt for the model to continue.")
    if temperature <= 0:
        raise BadText("The temperature must be above 0 (use greedy for the most likely token).")
    ids = model.codec.encode(text)
    limit = model.info.max_positions or 10**9
    n_new = max(0, min(n_new, limit - len(ids)))
    generator = torch.Generator().manual_seed(seed)
    with model.lock:
        seq = list(ids)
        for _ in range(n_new):
            x = torch.tensor([seq], device=model.device)
            out = model.module(x)
            logits = (out.logits if hasattr(out, "logits") else out)[0, -1].float().cpu()
            if greedy:
                nxt = int(logits.argmax())
            else:
                logits = logits / temperature
                if top_k > 0:
                    kth = torch.topk(logits, min(top_k, logits.numel())).values[-1]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                nxt = int(torch.multinomial(torch.softmax(logits, -1), 1, generator=generator))
            seq.append(nxt)
    return seq, len(ids)
