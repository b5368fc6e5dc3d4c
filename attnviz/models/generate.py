"""Let a causal model write: greedy or sampled (temperature, top-k), returning token ids to capture."""
from __future__ import annotations

from collections.abc import Callable

import torch

from attnviz.core.errors import BadText, UnsupportedModel
from attnviz.core.types import ARCHITECTURE_WORDS
from attnviz.i18n import Message
from attnviz.models.loading import LoadedModel
from attnviz.models.recording import fast
from attnviz.models.textbound import cut_text


def decode_loop(logits_of: Callable[[list[int]], torch.Tensor], seq: list[int], n_new: int,
                eos: int | None = None, pick: Callable[[torch.Tensor], int] | None = None) -> list[int]:
    """seq with up to n_new tokens appended, each chosen from the logits [vocab] of the last position
    (argmax unless `pick` says otherwise); stops after writing `eos`, which is kept.

    The one decoding loop of the package: encoder-decoders (logits_of runs the decoder on seq), decoders
    (seq is the whole text), greedy or sampled.
    """
    out = list(seq)
    for _ in range(n_new):
        logits = logits_of(out)
        nxt = int(logits.argmax()) if pick is None else pick(logits)
        out.append(nxt)
        if nxt == eos:
            break
    return out


@torch.no_grad()
def generate_ids(model: LoadedModel, text: str, n_new: int, greedy: bool = True, temperature: float = 1.0,
                 top_k: int = 0, seed: int = 0) -> tuple[list[int], int]:
    """(prompt ids + generated ids, prompt length). Only decoder (causal) models write."""
    if model.info.architecture != "decoder":
        raise UnsupportedModel(Message("`{name}` is an {architecture}; generation here is for causal (decoder) models such as glassllm-en or scratch-decoder.", name=model.info.name,
                                     architecture=ARCHITECTURE_WORDS[model.info.architecture]))
    if not text.strip():
        raise BadText(Message("The text is empty: type a prompt for the model to continue."))
    if temperature <= 0:
        raise BadText(Message("The temperature must be above 0 (use greedy for the most likely token)."))
    ids = model.codec.encode(cut_text(text, model.info.max_positions)[0])
    limit = model.info.max_positions or 10**9
    n_new = max(0, min(n_new, limit - len(ids)))
    generator = torch.Generator().manual_seed(seed)
    def logits_of(seq: list[int]) -> torch.Tensor:
        out = model.module(torch.tensor([seq], device=model.device))
        return (out.logits if hasattr(out, "logits") else out)[0, -1].float().cpu()

    def sample(logits: torch.Tensor) -> int:
        logits = logits / temperature
        if top_k > 0:
            kth = torch.topk(logits, min(top_k, logits.numel())).values[-1]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        return int(torch.multinomial(torch.softmax(logits, -1), 1, generator=generator))

    with model.lock:
        seq = decode_loop(logits_of, ids, n_new, pick=None if greedy else sample)
    return seq, len(ids)


@torch.no_grad()
def greedy_ids(model: LoadedModel, ids: list[int], n_new: int, stop: set[int] | None = None) -> list[int]:
    """ids with up to n_new greedy tokens appended (stopping after any of `stop`, kept), never past the model's
    positions. Hugging Face decoders keep their key/value cache and run the fast kernel (nothing recorded), so
    a long prompt is read once; other models rerun the whole sequence each step."""
    limit = model.info.max_positions or 10**9
    n_new = max(0, min(n_new, limit - len(ids)))
    stop = stop or set()
    if model.backend != "hf" or model.info.architecture != "decoder":
        def logits_of(seq: list[int]) -> torch.Tensor:
            out = model.module(torch.tensor([seq], device=model.device))
            return (out.logits if hasattr(out, "logits") else out)[0, -1].float().cpu()

        with model.lock:
            out = list(ids)
            for _ in range(n_new):  # decode_loop stops at one token; a needle's answer may stop at several
                out = decode_loop(logits_of, out, 1)
                if out[-1] in stop:
                    break
            return out
    seq = list(ids)
    with model.lock, fast():
        out = model.module(input_ids=torch.tensor([seq], device=model.device), use_cache=True, logits_to_keep=1)
        for step in range(n_new):
            nxt = int(out.logits[0, -1].argmax())
            seq.append(nxt)
            if nxt in stop or step == n_new - 1:
                break
            out = model.module(input_ids=torch.tensor([[nxt]], device=model.device),
                               past_key_values=out.past_key_values, use_cache=True, logits_to_keep=1)
    return seq
