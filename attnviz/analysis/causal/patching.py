"""Activation patching between two texts of one model: each head's output on B replaced by its output on A at
aligned positions, B run again, and the share of the change in the target from B to A that the head alone
restores: (T_patched − T_B) / (T_A − T_B), per layer × head, the heads that carry the difference ranked first.
With A = B there is no change to restore (every delta is zero); patching every head at every position
restores all of it wherever A and B differ only in tokens whose influence on the target runs through attention."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from attnviz.analysis.align import align
from attnviz.analysis.causal.heads import (HeadKey, chunks, clean_pass, edits_for, replace_heads, replayable,
                                          skipping)
from attnviz.analysis.runs import run, sites_of, tokens
from attnviz.analysis.targets import Target, target_fn
from attnviz.models.forward import Prompt, copies_per_batch
from attnviz.models.loading import LoadedModel
from attnviz.models.taps import Tap

NO_CHANGE = 1e-6  # |T_A − T_B| below this: nothing to restore, the shares are undefined (NaN)


@dataclass
class PatchResult:
    tokens_a: list[str]
    tokens_b: list[str]
    kind: str
    target: Target
    value_a: float  # the target on A
    value_b: float  # the target on B
    delta: np.ndarray  # [layer, head]: T with the head patched from A − T_B
    restored: np.ndarray  # [layer, head]: delta / (T_A − T_B); NaN when A and B give the same target
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (position in B, position in A) patched

    def ranked(self) -> list[tuple[int, int, float]]:
        """(layer, head, share restored) from the head that restores most (by delta where shares are NaN)."""
        score = np.where(np.isnan(self.restored), self.delta, self.restored)
        order = np.argsort(-np.nan_to_num(score, nan=-np.inf), axis=None, kind="stable")
        n_heads = score.shape[1]
        return [(int(i // n_heads), int(i % n_heads), float(score.flat[i])) for i in order
                if not np.isnan(score.flat[i])]

    def to_json(self) -> dict:
        return {"tokens_a": list(self.tokens_a), "tokens_b": list(self.tokens_b), "kind": self.kind,
                "target": self.target.to_json(), "value_a": self.value_a, "value_b": self.value_b,
                "delta": [[None if np.isnan(v) else float(v) for v in row] for row in self.delta],
                "restored": [[None if np.isnan(v) else float(v) for v in row] for row in self.restored],
                "pairs": [list(p) for p in self.pairs],
                "ranked": [list(r) for r in self.ranked()]}


def aligned_pairs(prompt_a: Prompt, prompt_b: Prompt, kind: str = "self") -> list[tuple[int, int]]:
    """(position in B, position in A) pairs whose head outputs are swapped: every position when the two sides
    have as many tokens; otherwise the tokens that cover the same characters one to one (analysis.align), or,
    without character spans, the two sides aligned at their ends."""
    a, b = prompt_a.side(kind), prompt_b.side(kind)
    if len(a) == len(b):
        return [(i, i) for i in range(len(b))]
    if kind == "self" and prompt_a.spans and prompt_b.spans:
        units = align(prompt_a.text, list(prompt_a.spans), prompt_b.text, list(prompt_b.spans)).units
        return sorted((j, i) for u in units if len(u.a) == len(u.b) for i, j in zip(u.a, u.b))
    shift = len(a) - len(b)
    return [(j, j + shift) for j in range(len(b)) if 0 <= j + shift < len(a)]


def _patch_source(model, prompt_a, prompt_b, kind, pairs):
    """A's head outputs placed at B's positions: (layer -> replacement [query_pos_B, head, d_head], where)."""
    clean = Tap()
    out_a = run(model, prompt_a, clean)
    n_b = len(prompt_b.side(kind))
    where = torch.zeros(n_b, dtype=torch.bool, device=model.device)
    pos_b = torch.tensor([p for p, _ in pairs], dtype=torch.long, device=model.device)
    pos_a = torch.tensor([p for _, p in pairs], dtype=torch.long, device=model.device)
    where[pos_b] = True
    replacements = {}
    for (k, layer), record in clean.records.items():
        if k == kind:
            z_a = record.z[0]  # [query_pos_A, head, d_head]
            repl = torch.zeros(n_b, *z_a.shape[1:], dtype=z_a.dtype, device=z_a.device)
            repl[pos_b] = z_a[pos_a]
            replacements[layer] = repl
    return out_a, replacements, where


def patch_heads(model: LoadedModel, prompt_a: Prompt, prompt_b: Prompt, target: Target, kind: str = "self",
                pairs: list[tuple[int, int]] | None = None, batch: int | None = None,
                heads: list[HeadKey] | None = None) -> PatchResult:
    """Patch each head of attention `kind` (or only `heads`, the others NaN) alone from A into B: one forward
    pass per head. `pairs` default to aligned_pairs()."""
    pairs = aligned_pairs(prompt_a, prompt_b, kind) if pairs is None else pairs
    with model.lock:
        all_sites, sites = sites_of(model, kind)
        fn = target_fn(model, target)
        out_a, replacements, where = _patch_source(model, prompt_a, prompt_b, kind, pairs)
        value_a = float(fn(out_a)[0])
        blocks, before = replayable(all_sites, kind)
        with clean_pass(blocks) as calls:
            value_b = float(fn(run(model, prompt_b, Tap(record=False)))[0])
        heads = [(s.layer, h) for s in sites for h in range(s.n_heads)] if heads is None else list(heads)
        n = max(len(prompt_b.ids), len(prompt_b.decoder_ids or ()))
        delta = np.full((len(sites), sites[0].n_heads), np.nan)
        for chunk in chunks(heads, batch or copies_per_batch(model, n, n)):
            tap = Tap(record=False, z_edit=edits_for(chunk, kind, replacements.__getitem__, where))
            with skipping(blocks, calls, before(min(layer for layer, _ in chunk)), len(chunk)):
                values = fn(run(model, prompt_b, tap, batch=len(chunk)))
            for (layer, head), value in zip(chunk, values.tolist()):
                delta[layer, head] = value - value_b
    change = value_a - value_b
    restored = delta / change if abs(change) > NO_CHANGE else np.full_like(delta, np.nan)
    return PatchResult(tokens(model, prompt_a, kind)[0], tokens(model, prompt_b, kind)[0], kind, target, value_a,
                       value_b, delta, restored, list(pairs))


def patch_together(model: LoadedModel, prompt_a: Prompt, prompt_b: Prompt, target: Target, heads: list[HeadKey],
                   kind: str = "self", pairs: list[tuple[int, int]] | None = None) -> float:
    """The target on B with all of `heads` patched from A at once (one copy)."""
    pairs = aligned_pairs(prompt_a, prompt_b, kind) if pairs is None else pairs
    with model.lock:
        fn = target_fn(model, target)
        _, replacements, where = _patch_source(model, prompt_a, prompt_b, kind, pairs)
        edits = {(kind, layer): replace_heads([(0, h) for l, h in heads if l == layer], replacements[layer], where, 1)
                 for layer in sorted({layer for layer, _ in heads})}
        tap = Tap(record=False, z_edit=edits)
        return float(fn(run(model, prompt_b, tap))[0])

