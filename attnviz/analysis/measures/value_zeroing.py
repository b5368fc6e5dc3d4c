"""Value zeroing (Mohebbi, Zuidema, Chrupała and Alishahi, "Quantifying Context Mixing in Transformers", EACL 2023).

In layer l, token j's value vectors are set to zero in every head (its keys stay, so every weight stays) and the
layer is run again on the clean inputs it had; token i's score is the cosine distance 1 − cos(y_i, y_i^(¬j))
between its clean output and its output without j's values, each row normalised to sum to 1; the rollout
across layers (no identity added) follows the authors' code. Only layer l is run again, one copy per zeroed
token, as many copies per pass as memory allows: n zeroed tokens cost about n forward passes in all, n/layers
for one layer (a page can compute the layer it shows first).
"""
from __future__ import annotations

import torch

from attnviz.analysis.measures.rollout import normalise_rows
from attnviz.analysis.runs import run, sites_of
from attnviz.models.blocks import block_calls, rerun
from attnviz.models.forward import Prompt, copies_per_batch
from attnviz.models.loading import LoadedModel
from attnviz.models.taps import Tap, tapped


def value_zeroing_values(model: LoadedModel, prompt: Prompt, kind: str = "self", batch: int | None = None,
                         layers: list[int] | None = None) -> torch.Tensor:
    """[layer, query_pos, key_pos]: each output token's change when a key token's values are zeroed, rows
    normalised. `batch`: zeroed tokens per pass (default: as many as memory allows); `layers`: only these
    (the others NaN). The caller holds the lock."""
    sites_all, sites = sites_of(model, kind)
    blocks = list(dict.fromkeys(s.block for s in sites))  # one per layer, or one for all where layers share it
    with block_calls(blocks) as calls:
        run(model, prompt, Tap(record=False))
    n_keys = len(prompt.ids) if kind in ("self", "cross") else len(prompt.decoder_ids or ())
    out = []
    for site in sites:
        if layers is not None and site.layer not in layers:
            out.append(torch.full((len(prompt.side(kind)), n_keys), float("nan"), device=model.device))
            continue
        earlier = sum(1 for s in sites if s.block is site.block and s.layer < site.layer)
        call = calls[blocks.index(site.block)][earlier]
        precise = torch.float32 if call.output.device.type == "mps" else torch.float64  # MPS has no float64
        clean = call.output[0].to(precise)  # [query_pos, d_model]: 1 − cos of near-equal vectors needs the digits
        n_q = clean.shape[0]
        step = batch or copies_per_batch(model, n_q, n_keys)
        layer = torch.empty(n_q, n_keys, device=clean.device, dtype=precise)
        for start in range(0, n_keys, step):
            zeroed = torch.arange(start, min(n_keys, start + step), device=clean.device)
            scale = torch.ones(len(zeroed), n_keys, device=clean.device)
            scale[torch.arange(len(zeroed)), zeroed] = 0  # copy b zeroes token start + b
            tap = Tap(record=False, value_scale={(kind, site.layer): scale}).at(sites_all, (kind, site.layer))
            with torch.no_grad(), tapped(model, sites_all, tap):
                changed = rerun(site.block, call, len(zeroed)).to(precise)  # [copies, query_pos, d_model]
            cos = torch.nn.functional.cosine_similarity(changed, clean[None], dim=-1)  # [copies, query_pos]
            layer[:, zeroed] = (1 - cos).clamp(min=0).T
        out.append(normalise_rows(layer).float())
    return torch.stack(out)
