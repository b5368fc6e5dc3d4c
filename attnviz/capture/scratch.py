"""Capture backend for the from-scratch Transformer: its named hook points give the patterns, q, k and positions."""
from __future__ import annotations

import numpy as np
import torch

from attnviz.capture.common import meta, specials
from attnviz.capture.positions import alter_positions
from attnviz.core.attention import causal_mask
from attnviz.core.hooks import hook_names, hooks, record_into
from attnviz.core.types import AttentionCapture, PositionalCapture
from attnviz.models.loading import LoadedModel
from attnviz.models.recording import QKStack


@torch.no_grad()
def capture_scratch(model: LoadedModel, ids: list[int], target: str | None, positions: str = "normal",
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
            new = alter_positions(tensor, positions, seed, axis=0)
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
        mode="hook points in the from-scratch model", token_ids=list(ids), special=specials(model, ids),
        target_tokens=codec.display(target_ids) if target_ids else None, **meta(model))


def _greedy_scratch(net, x: torch.Tensor, bos: int, eos: int, steps: int) -> list[int]:
    out = [bos]
    for _ in range(steps):
        logits = net(x, target_ids=torch.tensor([out], device=x.device))
        nxt = int(logits[0, -1].argmax())
        out.append(nxt)
        if nxt == eos:
            break
    return out


