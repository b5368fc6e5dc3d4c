"""capture(model, text): every attention pattern of one forward pass, for any loaded model."""
from __future__ import annotations

import numpy as np
import torch

from attnviz.core.attention import causal_mask
from attnviz.core.errors import BadText, UnsupportedModel
from attnviz.core.hooks import hook_names, hooks, record_into
from attnviz.models.loading import LoadedModel
from attnviz.models.huggingface import positional_module
from attnviz.models.recording import QKStack, recording, stack_records
from attnviz.core.types import AttentionCapture, PositionalCapture

MAX_GENERATED = 24  # target tokens an encoder-decoder writes itself when no target is given


POSITION_MODES = ("normal", "shuffled", "removed")


def capture(model: LoadedModel, text: str, target: str | None = None, positions: str = "normal",
            seed: int = 0, ids: list[int] | None = None) -> AttentionCapture:
    """Run text through the model and return its attention, kept on the model's device.

    For encoder-decoders, `target` is the decoder's text; without it the model writes its own
    (greedily). `ids` (instead of text) captures given token ids, such as a generated sequence.
    `positions` "shuffled" permutes the positional encoding over positions (seeded),
    "removed" takes it out (zeros; for rotary, no rotation): the same tokens, other positions.
    Safe to call from several threads on one shared model: each call holds the model's lock
    while hooks are attached.
    """
    if positions not in POSITION_MODES:
        raise ValueError(f"positions must be one of {POSITION_MODES}, got {positions!r}")
    if ids is None:
        if not isinstance(text, str) or not text.strip():
            raise BadText("The text is empty: type a sentence to see its attention.")
        ids = model.codec.encode(text)
    if not ids:
        raise BadText("The text gave no tokens for this model: try ordinary words.")
    truncated_from = None
    limit = model.info.max_positions
    if limit and len(ids) > limit:
        truncated_from = len(ids)
        ids = _truncate(ids, limit, model.codec.special_ids())
    with model.lock:
        try:
            result = _run(model, ids, target, positions, seed)
        except torch.OutOfMemoryError:
            if model.device.type == "cpu":
                raise
            lost = model.device.type
            model.move(torch.device("cpu"), torch.float32)
            if model.device.type == "cpu" and lost == "cuda":
                torch.cuda.empty_cache()
            result = _run(model, ids, target, positions, seed)
            result.notes.append(f"Out of {lost} memory: the model was moved to the CPU and run there.")
    result.truncated_from = truncated_from
    if truncated_from:
        result.notes.append(f"The text is {truncated_from} tokens; this model takes {limit}, "
                            f"so only the first {limit} are shown.")
    return result


def _truncate(ids: list[int], limit: int, special: set[int]) -> list[int]:
    """First `limit` ids, keeping a closing special token ([SEP], </s>) at the end."""
    if ids[-1] in special:
        return ids[: limit - 1] + [ids[-1]]
    return ids[:limit]


def _run(model: LoadedModel, ids: list[int], target: str | None, positions: str = "normal",
         seed: int = 0) -> AttentionCapture:
    if model.backend == "scratch":
        result = _capture_scratch(model, ids, target, positions, seed)
    else:
        result = _capture_hf(model, ids, target, positions, seed)
    if positions != "normal":
        result.notes.append(f"Positions {positions}: " + ("the positional encoding was permuted over positions "
                            f"(seed {seed})." if positions == "shuffled" else "the positional encoding was taken out."))
    return result


def _alter_positions(values: torch.Tensor, mode: str, seed: int, axis: int, neutral: float = 0.0) -> torch.Tensor:
    """The positional values with positions shuffled along `axis`, or replaced by a neutral value."""
    if mode == "removed":
        return torch.full_like(values, neutral)
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(values.shape[axis], generator=generator).to(values.device)
    return values.index_select(axis, order)


def _meta(model: LoadedModel) -> dict:
    return {"model": model.info.name, "device": str(model.device),
            "dtype": str(model.dtype).replace("torch.", "")}


def _specials(model: LoadedModel, ids: list[int]) -> list[bool]:
    special = model.codec.special_ids()
    return [i in special for i in ids]


@torch.no_grad()
def _capture_scratch(model: LoadedModel, ids: list[int], target: str | None, positions: str = "normal",
                     seed: int = 0) -> AttentionCapture:
    net, codec, cfg = model.module, model.codec, model.module.cfg
    x = torch.tensor([ids], device=model.device)
    target_ids = None
    if cfg.architecture == "encoder-decoder":
        bos = codec.id("<bos>")
        if target:
            target_ids = [bos] + codec.encode(target)[: cfg.max_len - 1]
        else:
            target_ids = _greedy_scratch(net, x, bos, codec.id("<eos>"), min(len(ids) + 1, cfg.max_len))
    store: dict[str, torch.Tensor] = {}
    names = [n for n in hook_names(net) if n.endswith(("hook_pattern", "hook_pos", "hook_q", "hook_k"))]
    fns = {n: record_into(store) for n in names}
    if positions != "normal":
        record = record_into(store)

        def altered(tensor, name):
            # rotary hook_pos carries angles: "removed" means angle 0 (no turn); others add zeros
            new = _alter_positions(tensor, positions, seed, axis=0)
            record(new, name)
            return new

        for n in names:
            if n.endswith("hook_pos"):
                fns[n] = altered
    with hooks(net, fns):
        y = None if target_ids is None else torch.tensor([target_ids], device=model.device)
        net(x, target_ids=y)
    attention: dict[str, torch.Tensor] = {}
    qk: dict[str, QKStack] = {}
    for kind, prefix, leaf in (("self", "encoder", "self_attn"), ("self", "decoder", "self_attn"),
                               ("cross", "decoder", "cross_attn")):
        if kind == "self" and prefix == "decoder" and cfg.architecture == "encoder-decoder":
            kind = "decoder_self"
        paths = [f"{prefix}.layers.{i}.{leaf}" for i in range(cfg.n_layers)]
        if f"{paths[0]}.hook_pattern" not in store:
            continue
        attention[kind] = torch.stack([store[f"{p}.hook_pattern"][0] for p in paths])  # [layer, head, query_pos, key_pos]
        q = torch.stack([store[f"{p}.hook_q"][0] for p in paths])  # [layer, head, query_pos, d_head]
        k = torch.stack([store[f"{p}.hook_k"][0] for p in paths])  # [layer, head, key_pos, d_head]
        bias = None
        if leaf == "self_attn" and prefix == "decoder":
            bias = torch.zeros(q.shape[2], k.shape[2], device=q.device).masked_fill(
                ~causal_mask(q.shape[2], k.shape[2], device=q.device), float("-inf"))[None]  # [1, query_pos, key_pos]
        rotary = "interleaved" if cfg.positional == "rotary" and leaf == "self_attn" else None
        qk[kind] = QKStack(q=q, k=k, scaling=q.shape[-1] ** -0.5, bias=[bias] * cfg.n_layers, rotary=rotary)
    positional = None
    pos_name = "encoder.embed.hook_pos" if "encoder.embed.hook_pos" in store else "decoder.embed.hook_pos"
    if pos_name in store:
        values = store[pos_name].float().cpu().numpy()
        if cfg.positional == "rotary":
            positional = PositionalCapture("rotary", pos_name, {"cos": np.cos(values), "sin": np.sin(values)})
        else:
            positional = PositionalCapture(cfg.positional, pos_name, {"encoding": values})
    elif cfg.positional == "none":
        positional = PositionalCapture("none", "", {})
    return AttentionCapture(
        tokens=codec.display(ids), attention=attention, positional=positional, qk=qk,
        mode="hook points in the from-scratch model", token_ids=list(ids), special=_specials(model, ids),
        target_tokens=codec.display(target_ids) if target_ids else None, **_meta(model))


def _greedy_scratch(net, x: torch.Tensor, bos: int, eos: int, steps: int) -> list[int]:
    out = [bos]
    for _ in range(steps):
        logits = net(x, target_ids=torch.tensor([out], device=x.device))
        nxt = int(logits[0, -1].argmax())
        out.append(nxt)
        if nxt == eos:
            break
    return out


def _positional_hook(found: tuple[str, str], store: dict, positions: str = "normal", seed: int = 0):
    """A forward hook that keeps (after shuffling or removing, if asked) the positional module's output."""
    def hook(_module, _inputs, output):
        if positions != "normal":
            if found[1] == "rotary":
                cos, sin = output
                # one permutation for cos and sin alike (same seed); removed = cos 1, sin 0: no rotation
                output = (_alter_positions(cos, positions, seed, axis=-2, neutral=1.0),
                          _alter_positions(sin, positions, seed, axis=-2, neutral=0.0))
            elif found[1] == "relative":
                output = torch.zeros_like(output) if positions == "removed" else output
            else:
                output = _alter_positions(output, positions, seed, axis=-2)
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
def _capture_hf(model: LoadedModel, ids: list[int], target: str | None, positions: str = "normal",
                seed: int = 0) -> AttentionCapture:
    net, codec, info = model.module, model.codec, model.info
    x = torch.tensor([ids], device=model.device)
    kwargs = {"input_ids": x, "attention_mask": torch.ones_like(x), "output_attentions": True}
    target_ids = None
    if info.architecture == "encoder-decoder":
        start = net.config.decoder_start_token_id
        if target:
            target_ids = [start] + codec.encode_target(target)
        else:
            generated = net.generate(input_ids=x, attention_mask=kwargs["attention_mask"],
                                     max_new_tokens=MAX_GENERATED, do_sample=False, num_beams=1)
            target_ids = [int(t) for t in generated[0]]
        kwargs["decoder_input_ids"] = torch.tensor([target_ids], device=model.device)
    found = positional_module(net)
    store: dict = {}
    if positions != "normal" and found is None:
        raise UnsupportedModel(f"`{info.name}` has no positional module attnviz can find, so its positions "
                               "cannot be shuffled or removed.")
    if positions == "shuffled" and found and found[1] == "relative":
        raise UnsupportedModel(f"`{info.name}` uses relative position biases, which depend on the distance between "
                               "two tokens and not on where each one sits: shuffling has no meaning there. "
                               "Choose \"removed\" to see attention without them.")
    handle = (dict(net.named_modules())[found[0]].register_forward_hook(_positional_hook(found, store, positions, seed))
              if found else None)
    try:
        with recording() as records:
            out = net(**kwargs)
    finally:
        if handle is not None:
            handle.remove()
    attention: dict[str, torch.Tensor] = {}
    for kind, field in (("self", "encoder_attentions"), ("self", "attentions"),
                        ("decoder_self", "decoder_attentions"), ("cross", "cross_attentions")):
        stacks = getattr(out, field, None)
        if stacks and kind not in attention and all(a is not None for a in stacks):
            attention[kind] = torch.stack([a[0] for a in stacks])  # [layer, head, query_pos, key_pos]
    if not attention:
        raise UnsupportedModel(
            f"`{info.name}` ({info.model_type}) returned no attention weights. Its attention runs in a fused "
            "kernel that never forms them; attnviz asks for eager attention, which this architecture "
            "does not offer.")
    positional = PositionalCapture(found[1], found[0], store.get("pos", {})) if found else PositionalCapture("none", "", {})
    qk = _group_records(net, records, info.architecture, "half" if positional.kind == "rotary" else None)
    mode = ("eager attention through attnviz's recording attention function (weights, queries and keys kept)"
            if qk else "eager attention (transformers, output_attentions)")
    return AttentionCapture(
        tokens=codec.display(ids), attention=attention, positional=positional, qk=qk,
        mode=mode, token_ids=list(ids),
        special=_specials(model, ids), target_tokens=codec.display(target_ids) if target_ids else None,
        **_meta(model))


CROSS_NAMES = ("crossattention", "encoder_attn", "encdecattention")


def _group_records(net, records, architecture: str, rotary: str | None) -> dict[str, QKStack]:
    """Sort recorded attention calls into kinds by the module's place in the tree, in layer order."""
    if not records:
        return {}
    names = {id(m): n for n, m in net.named_modules()}
    groups: dict[str, list] = {}
    for record in records:
        name = names.get(id(record.module), "").lower()
        if any(c in name for c in CROSS_NAMES):
            kind = "cross"
        elif architecture == "encoder-decoder" and (name.startswith("decoder") or ".decoder." in f".{name}"):
            kind = "decoder_self"
        else:
            kind = "self"
        groups.setdefault(kind, []).append(record)
    return {kind: stack_records(recs, rotary if kind != "cross" else None) for kind, recs in groups.items()}
