"""Taps at every attention site during a forward pass: keep each head's weights α, its value vectors and its
output z; keep α in the autograd graph; scale (zero) value vectors; edit heads' outputs. Hugging Face models are
tapped through attnviz's recording attention function (the model's own eager attention runs), from-scratch
models through their hook points. Hooks live only inside `tapped()`; the caller holds the model's lock."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch

from attnviz.core.hooks import hook_name, hooks
from attnviz.models.loading import LoadedModel
from attnviz.models.sites import SiteKey, Sites

ZEdit = Callable[[torch.Tensor], torch.Tensor]  # z [batch, query_pos, head, d_head] -> the same shape


@dataclass
class SiteRecord:
    alpha: torch.Tensor  # [batch, head, query_pos, key_pos] (one query row where the tap kept one: Tap.row); in the
    # autograd graph when the tap asks for it
    value: torch.Tensor  # [batch, kv_head, key_pos, d_head], after any scaling
    z: torch.Tensor  # [batch, query_pos, head, d_head]: each head's mix of values, after any edit
    residual: torch.Tensor | None = None  # [batch, query_pos, d_model]: the residual stream the site adds to


@dataclass
class Tap:
    """What a forward pass does at each site (kind, layer)."""

    record: bool = True
    grad: bool = False  # keep α in the graph so that a target's gradient reaches it
    row: int | None = None  # keep only this query row of α and z (the rest let go: GBs at thousands of tokens)
    residual: bool = False  # also keep the residual stream each site adds to
    value_scale: dict[SiteKey, torch.Tensor] = field(default_factory=dict)  # [batch, key_pos] multipliers
    z_edit: dict[SiteKey, ZEdit] = field(default_factory=dict)
    records: dict[SiteKey, SiteRecord] = field(default_factory=dict)
    _residuals: dict[SiteKey, torch.Tensor] = field(default_factory=dict)
    _calls: dict[int, int] = field(default_factory=dict)  # id(module) -> its calls so far in this pass

    def site_of(self, sites: Sites, module) -> SiteKey | None:
        """The site this call of `module` is, counting its calls (layers that share one module)."""
        n = self._calls.get(id(module), 0)
        self._calls[id(module)] = n + 1
        return sites.key_of(module, n)

    def at(self, sites: Sites, key: SiteKey) -> Tap:
        """Map the next call of the site's module to `key` (a block run again on its own)."""
        site = sites.by_key[key]
        self._calls[id(site.attention)] = sites.occurrence(key)
        return self

    def edit_value(self, key: SiteKey, value: torch.Tensor) -> torch.Tensor:
        scale = self.value_scale.get(key)
        if scale is None:
            return value
        return value * scale[:, None, :, None].to(value.dtype)  # [batch, 1, key_pos, 1] over kv heads and d_head

    def edit_z(self, key: SiteKey, z: torch.Tensor) -> torch.Tensor:
        edit = self.z_edit.get(key)
        return z if edit is None else edit(z)

    def keep(self, key: SiteKey, alpha: torch.Tensor, value: torch.Tensor, z: torch.Tensor) -> None:
        if self.record:
            alpha = alpha if self.grad else alpha.detach()
            z = z.detach()
            if self.row is not None:  # copies of the one row: the layer's whole α is freed after the call
                alpha = alpha[:, :, self.row:self.row + 1].clone()
                z = z[:, self.row:self.row + 1].clone()
            self.records[key] = SiteRecord(alpha, value.detach(), z, self._residuals.get(key))


def _residual_hooks(sites: Sites, tap: Tap) -> list:
    """Pre-hooks keeping the residual stream of each site: a pre-norm's input, or a post-norm site's input."""
    keys: dict[int, list[SiteKey]] = {}
    modules = {}
    for key, site in sites.by_key.items():
        module = site.norm if site.placement == "pre" else site.attention
        keys.setdefault(id(module), []).append(key)
        modules[id(module)] = module
    handles = []
    for ident, module in modules.items():
        seen = [0]

        def keep(_module, args, kwargs, ident=ident, seen=seen):
            value = args[0] if args else kwargs.get("hidden_states")
            mine = keys[ident]
            tap._residuals[mine[seen[0] % len(mine)]] = value.detach()
            seen[0] += 1
        handles.append(module.register_forward_pre_hook(keep, with_kwargs=True))
    return handles


@contextlib.contextmanager
def tapped(model: LoadedModel, sites: Sites, tap: Tap) -> Iterator[Tap]:
    """Attach `tap` to every site for the duration of the block."""
    handles = _residual_hooks(sites, tap) if tap.residual else []
    try:
        if model.backend == "scratch":
            with hooks(model.module, _scratch_fns(sites, tap)):
                yield tap
        else:
            from attnviz.models.recording import eager_attention, tapping

            def attend(module, query, key, value, attention_mask, **kwargs):
                site = tap.site_of(sites, module)
                if site is None:
                    return eager_attention(module, query, key, value, attention_mask, **kwargs)
                value = tap.edit_value(site, value)
                out, weights = eager_attention(module, query, key, value, attention_mask, **kwargs)
                out = tap.edit_z(site, out)
                tap.keep(site, weights, value, out)
                return out, weights

            with tapping(attend):
                yield tap
    finally:
        for handle in handles:
            handle.remove()


def _scratch_fns(sites: Sites, tap: Tap) -> dict:
    """Hook functions at the from-scratch model's hook points: hook_v (values), hook_pattern (α), hook_z (z)."""
    fns = {}
    for key in sites.by_key:
        kind, layer = key
        seen: dict[str, torch.Tensor] = {}

        def on_v(v, _name, key=key, seen=seen):
            seen["v"] = tap.edit_value(key, v)
            return seen["v"]

        def on_pattern(pattern, _name, seen=seen):
            seen["alpha"] = pattern
            return None

        def on_z(z, _name, key=key, seen=seen):
            z = tap.edit_z(key, z)
            tap.keep(key, seen["alpha"], seen["v"], z)
            return z

        fns[hook_name(kind, layer, "hook_v")] = on_v
        fns[hook_name(kind, layer, "hook_pattern")] = on_pattern
        fns[hook_name(kind, layer, "hook_z")] = on_z
    return fns
