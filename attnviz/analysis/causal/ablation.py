"""Head ablation: each head's output set to zero, or to its mean over the text's positions, the model run again,
and the change in the target (a next token's log-probability, or the similarity to a second sentence) read off:
delta = ablated − clean, per layer × head, signed. Heads run as copies of one batch, one ablated head per copy.
A head whose ablation changes nothing may still matter together with others (redundant heads): this measures
each head alone."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from attnviz.analysis.causal.heads import HeadKey, chunks, clean_pass, edits_for, replayable, skipping
from attnviz.analysis.runs import run, sites_of, tokens
from attnviz.analysis.targets import Target, target_fn
from attnviz.models.forward import Prompt, copies_per_batch
from attnviz.models.loading import LoadedModel
from attnviz.models.taps import Tap
from attnviz.i18n import Message, N_

HOW = ("zero", "mean")
UNKNOWN_HOW = N_("A head is ablated to zero or to its mean, not {how!r}.")


@dataclass
class AblationResult:
    tokens: list[str]
    kind: str
    how: str
    target: Target
    baseline: float  # the target on the clean run
    delta: np.ndarray  # [layer, head]: ablated − clean (NaN: a head not ablated)

    def to_json(self) -> dict:
        return {"tokens": list(self.tokens), "kind": self.kind, "how": self.how, "target": self.target.to_json(),
                "baseline": self.baseline, "delta": [[None if np.isnan(v) else float(v) for v in row]
                                                     for row in self.delta]}


def ablate_heads(model: LoadedModel, prompt: Prompt, target: Target, kind: str = "self", how: str = "zero",
                 batch: int | None = None, heads: list[HeadKey] | None = None) -> AblationResult:
    """Ablate every head of attention `kind` (or only `heads`, the others NaN), one at a time: one forward
    pass per head. `batch`: heads per forward (default: as many as memory allows)."""
    if how not in HOW:
        raise ValueError(Message(UNKNOWN_HOW, how=how))
    with model.lock:
        all_sites, sites = sites_of(model, kind)
        fn = target_fn(model, target)
        clean = Tap()
        blocks, before = replayable(all_sites, kind)
        with clean_pass(blocks) as calls:
            baseline = fn(run(model, prompt, clean))[0]
        zs = {s.layer: clean.records[(kind, s.layer)].z[0] for s in sites}  # [query_pos, head, d_head]

        def replacement(layer: int) -> torch.Tensor:
            z = zs[layer]
            return torch.zeros_like(z) if how == "zero" else z.mean(dim=0, keepdim=True).expand_as(z)

        heads = [(s.layer, h) for s in sites for h in range(s.n_heads)] if heads is None else list(heads)
        n = max(len(prompt.ids), len(prompt.decoder_ids or ()))
        delta = np.full((len(sites), sites[0].n_heads), np.nan)
        for chunk in chunks(heads, batch or copies_per_batch(model, n, n)):
            tap = Tap(record=False, z_edit=edits_for(chunk, kind, replacement, None))
            with skipping(blocks, calls, before(min(layer for layer, _ in chunk)), len(chunk)):
                values = fn(run(model, prompt, tap, batch=len(chunk)))
            for (layer, head), value in zip(chunk, (values - baseline).tolist()):
                delta[layer, head] = value
    return AblationResult(tokens(model, prompt, kind)[0], kind, how, target, float(baseline), delta)
