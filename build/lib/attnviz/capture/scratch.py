"""Capture backend for the from-scratch Transformer: its named hook points give the patterns, q, k and positions."""
from __future__ import annotations

import numpy as np
import torch

from attnviz.capture.common import meta, specials
from attnviz.capture.positions import alter_positions
from attnviz.core.attention import causal_mask
from attnviz.core.hooks import POSITION_POINT, hook_name, hook_names, hooks, record_into
from attnviz.core.types import AttentionCapture, PositionalCapture
from attnviz.i18n import Message
from attnviz.models.generate import decode_loop
from attnviz.models.loading import LoadedModel
from attnviz.models.recording import QKStack


@torch.no_grad()
def capture_scratch(model: LoadedModel, ids: list[int], target: str | None, positions: str = "normal",
                    seed: int = 0, mode: str = "eager") -> AttentionCapture:
    """Every weight from the hook points (from-scratch models are always captured eager)."""
    net, codec, cfg = model.module, model.codec, model.module.cfg
    x = torch.tensor([ids], device=model.device)
    target_ids = None
    if cfg.architecture == "encoder-decoder":
        bos = codec.id("<bos>")
        if target:
            target_ids = [bos] + codec.encode(target)[: cfg.max_len - 1]
        else:
            target_ids = decode_loop(lambda out: net(x, target_ids=torch.tensor([out], device=x.device))[0, -1],
                                     [bos], min(len(ids) + 1, cfg.max_len), eos=codec.id("<eos>"))
    store: dict[str, torch.Tensor] = {}
    wanted = ("hook_pattern", POSITION_POINT, "hook_q", "hook_k", "hook_rot_q", "hook_rot_k")
    names = [n for n in hook_names(net) if n.endswith(wanted)]
    fns = {n: record_into(store) for n in names}
    if positions != "normal":
        record = record_into(store)

        def altered(tensor, name):
            # rotary hook_pos_embed carries angles: "removed" means angle 0 (no turn); others add zeros
            new = alter_positions(tensor, positions, seed, axis=0)
            record(new, name)
            return new

        for n in names:
            if n.endswith(POSITION_POINT):
                fns[n] = altered
    with hooks(net, fns):
        y = None if target_ids is None else torch.tensor([target_ids], device=model.device)
        net(x, target_ids=y)
    attention: dict[str, torch.Tensor] = {}
    qk: dict[str, QKStack] = {}
    for kind in ("self", "decoder_self", "cross"):
        layers = range(cfg.n_layers)
        if hook_name(kind, 0, "hook_pattern") not in store:
            continue

        def stacked(point: str, kind: str = kind, layers: range = layers) -> torch.Tensor:
            return torch.stack([store[hook_name(kind, i, point)][0] for i in layers])

        attention[kind] = stacked("hook_pattern")  # [layer, head, query_pos, key_pos]
        rotated = hook_name(kind, 0, "hook_rot_q") in store  # q and k as they enter the dot product
        q = stacked("hook_rot_q" if rotated else "hook_q")  # [layer, head, query_pos, d_head]
        k = stacked("hook_rot_k" if rotated else "hook_k")  # [layer, head, key_pos, d_head]
        bias = None
        if kind == "decoder_self" or (kind == "self" and cfg.architecture == "decoder"):
            bias = torch.zeros(q.shape[2], k.shape[2], device=q.device).masked_fill(
                ~causal_mask(q.shape[2], k.shape[2], device=q.device), float("-inf"))[None]  # [1, query_pos, key_pos]
        qk[kind] = QKStack(q=q, k=k, scaling=q.shape[-1] ** -0.5, bias=[bias] * cfg.n_layers,
                           rotary="interleaved" if rotated else None)
    positional = None
    pos_name = next((n for n in (hook_name("self", None, POSITION_POINT), hook_name("decoder_self", None, POSITION_POINT))
                     if n in store), None)
    if pos_name is not None:
        values = store[pos_name].float().cpu().numpy()
        if cfg.positional == "rotary":
            positional = PositionalCapture("rotary", pos_name, {"cos": np.cos(values), "sin": np.sin(values)})
        else:
            positional = PositionalCapture(cfg.positional, pos_name, {"encoding": values})
    elif cfg.positional == "none":
        positional = PositionalCapture("none", "", {})
    return AttentionCapture(
        tokens=codec.display(ids), attention=attention, positional=positional, qk=qk,
        mode="eager", method=Message("hook points in the from-scratch model"), token_ids=list(ids), special=specials(model, ids),
        target_tokens=codec.display(target_ids) if target_ids else None, **meta(model))
