"""Capture backend for Hugging Face models (and glassllm, loaded as one): eager weights from the model, or
(q/k mode) the model's SDPA kernel with queries and keys from attnviz's recording attention function;
positions from the positional module."""
from __future__ import annotations

import numpy as np
import torch

from attnviz.capture.common import meta, specials
from attnviz.capture.modes import BypassesRecording
from attnviz.capture.positions import alter_positions
from attnviz.core.errors import UnsupportedModel
from attnviz.core.hooks import attention_kind
from attnviz.core.positional import alibi_bias
from attnviz.core.types import AttentionCapture, PositionalCapture
from attnviz.i18n import Message, N_
from attnviz.models.huggingface import positional_module
from attnviz.models.loading import LoadedModel
from attnviz.models.recording import QKStack, recording, stack_records

MAX_GENERATED = 24  # target tokens an encoder-decoder writes itself when no target is given


# why a model's positions cannot be shuffled or removed, by where they are added
POSITIONS_INSIDE = {
    "alibi": N_("`{name}` adds its ALiBi bias inside its attention code, where no hook reaches it, so its positions "
                "cannot be shuffled or removed."),
    "disentangled": N_("`{name}` adds DeBERTa's relative position terms inside its attention code, where no hook "
                       "reaches it, so its positions cannot be shuffled or removed."),
    "rotary": N_("`{name}` turns queries and keys inside its attention code, where no hook reaches it, so its "
                 "positions cannot be shuffled or removed."),
    "none": N_("`{name}` has no positional module attnviz can find, so its positions cannot be shuffled or removed."),
}

def _positional_hook(found: tuple[str, str], store: dict, positions: str = "normal", seed: int = 0):
    """A forward hook that keeps (after shuffling or removing, if asked) the positional module's output."""
    def hook(_module, _inputs, output):
        if positions != "normal":
            if found[1] == "rotary":
                cos, sin = output
                # one permutation for cos and sin alike (same seed); removed = cos 1, sin 0: no rotation
                output = (alter_positions(cos, positions, seed, axis=-2, neutral=1.0),
                          alter_positions(sin, positions, seed, axis=-2, neutral=0.0))
            elif found[1] == "relative":
                output = torch.zeros_like(output) if positions == "removed" else output
            else:
                output = alter_positions(output, positions, seed, axis=-2)
        result = output if positions != "normal" else None
        if "pos" in store:
            return result
        if found[1] == "rotary":
            cos, sin = output
            half = cos.shape[-1] // 2  # Llama-style rotary repeats each frequency in both halves
            store["pos"] = {"cos": cos.reshape(-1, cos.shape[-1])[:, :half].float().cpu().numpy(),
                            "sin": sin.reshape(-1, sin.shape[-1])[:, :half].float().cpu().numpy()}
        elif found[1] == "relative":
            store["pos"] = {"bias": output.reshape(output.shape[-3:]).permute(2, 0, 1).float().cpu().numpy()}
        else:
            store["pos"] = {"encoding": output.reshape(-1, output.shape[-1]).float().cpu().numpy()}
        return result
    return hook


@torch.no_grad()
def capture_hf(model: LoadedModel, ids: list[int], target: str | None, positions: str = "normal",
               seed: int = 0, mode: str = "eager") -> AttentionCapture:
    net, codec, info = model.module, model.codec, model.info
    x = torch.tensor([ids], device=model.device)
    kwargs = {"input_ids": x, "attention_mask": torch.ones_like(x), "output_attentions": mode == "eager"}
    target_ids, notes = None, []
    if info.architecture == "encoder-decoder":
        start = net.config.decoder_start_token_id
        if target:
            target_ids = [start] + codec.encode_target(target)
            limit = info.max_positions
            if limit and len(target_ids) > limit:  # the decoder's positions run out like the encoder's
                notes.append(Message("The target is {n} tokens with the start token; this model takes {limit}, so only the first {limit} are shown.", n=len(target_ids), limit=limit))
                target_ids = target_ids[:limit]
        else:
            generated = net.generate(input_ids=x, attention_mask=kwargs["attention_mask"],
                                     max_new_tokens=MAX_GENERATED, do_sample=False, num_beams=1)
            target_ids = [int(t) for t in generated[0]]
        kwargs["decoder_input_ids"] = torch.tensor([target_ids], device=model.device)
    found = positional_module(net)
    store: dict = {}
    if positions != "normal" and found is None:
        raise UnsupportedModel(Message(POSITIONS_INSIDE.get(info.positional, POSITIONS_INSIDE["none"]), name=info.name))
    if positions == "shuffled" and found and found[1] == "relative":
        raise UnsupportedModel(Message("`{name}` uses relative position biases, which depend on the distance between two tokens and not on where each one sits: shuffling has no meaning there. Choose \"removed\" to see attention without them.", name=info.name))
    handle = (dict(net.named_modules())[found[0]].register_forward_hook(_positional_hook(found, store, positions, seed))
              if found else None)
    try:
        # one kind of attention, in layer order: its queries and keys go straight into one stack each
        layers = info.n_layers if info.architecture != "encoder-decoder" else None
        with recording(mode, layers=layers) as records:
            out = net(**kwargs)
    finally:
        if handle is not None:
            handle.remove()
    positional = (PositionalCapture(found[1], found[0], store.get("pos", {})) if found
                  else PositionalCapture(info.positional, info.positional_source, _computed_positions(info, len(ids))))
    qk = _group_records(net, records, info.architecture, info.rotary_pairing if info.positional == "rotary" else None)
    common = dict(tokens=codec.display(ids), positional=positional, qk=qk, token_ids=list(ids),
                  special=specials(model, ids), target_tokens=codec.display(target_ids) if target_ids else None,
                  **meta(model))
    if mode == "qk":
        expected = {"encoder": {"self"}, "decoder": {"self"},
                    "encoder-decoder": {"self", "decoder_self", "cross"}}[info.architecture]
        if expected <= set(qk):
            if any(r.eager for r in records):
                notes.append(Message("Some layers soft-cap their scores, which the fast kernel cannot do: they ran eager attention, and their weights are recomputed from queries and keys with the same cap."))
            return AttentionCapture(attention={}, mode="qk", notes=notes, method=Message("queries and keys recorded while the model ran its fast attention (SDPA); each head computed on demand as softmax(q·kᵀ·scale + mask)"),
                                    **common)
        # some attention bypassed the recording function: nothing to recompute it from
        raise BypassesRecording(Message("`{name}` does not pass all its attention through attnviz's recording function, so queries-and-keys mode cannot recompute it: every weight was stored instead (eager).", name=info.name))
    attention: dict[str, torch.Tensor] = {}
    for kind, field in (("self", "encoder_attentions"), ("self", "attentions"),
                        ("decoder_self", "decoder_attentions"), ("cross", "cross_attentions")):
        stacks = getattr(out, field, None)
        if stacks and kind not in attention and all(a is not None for a in stacks):
            attention[kind] = torch.stack([a[0] for a in stacks])  # [layer, head, query_pos, key_pos]
    if not attention:
        raise UnsupportedModel(Message("`{name}` ({model_type}) returned no attention weights. Its attention runs in a fused kernel that never forms them; attnviz asks for eager attention, which this architecture does not offer.", name=info.name, model_type=info.model_type))
    method = (Message("eager attention through attnviz's recording attention function (weights, queries and keys kept)") if qk else Message("eager attention (transformers, output_attentions)"))
    return AttentionCapture(attention=attention, mode="eager", method=method, notes=notes, **common)


def _computed_positions(info, n: int) -> dict:
    """Positions no module outputs: ALiBi's bias follows from the head count alone (its formula); others: none."""
    if info.positional == "alibi":
        return {"bias": alibi_bias(info.n_heads, n).astype(np.float32)}  # [head, query_pos, key_pos]
    return {}


def _group_records(net, records, architecture: str, rotary: str | None) -> dict[str, QKStack]:
    """Sort recorded attention calls into kinds by the module's place in the tree, in layer order."""
    if not records:
        return {}
    names = {id(m): n for n, m in net.named_modules()}
    groups: dict[str, list] = {}
    for record in records:
        kind = attention_kind(names.get(id(record.module), ""), architecture)
        groups.setdefault(kind, []).append(record)
    return {kind: stack_records(recs, rotary if kind != "cross" else None) for kind, recs in groups.items()}
