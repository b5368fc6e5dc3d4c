"""Named identity hook points, and a context manager that always removes the hooks it adds."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping

import torch
from torch import nn

HookFn = Callable[[torch.Tensor, str], torch.Tensor | None]


class HookPoint(nn.Module):
    """An identity module at a named place; hooks read (or replace) what passes through it."""

    def __init__(self) -> None:
        super().__init__()
        self.name = ""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


# Hook names follow TransformerLens: `blocks.{layer}.attn.hook_q` ... for a model's (or an encoder's) self-
# attention; an encoder-decoder's decoder puts `decoder.` in front and calls its cross-attention `cross_attn`.
ATTENTION_POINTS = ("hook_q", "hook_k", "hook_v", "hook_rot_q", "hook_rot_k", "hook_attn_scores", "hook_pattern",
                    "hook_z")
POSITION_POINT = "hook_pos_embed"
_PREFIX = {"self": "blocks.{layer}.attn", "decoder_self": "decoder.blocks.{layer}.attn",
           "cross": "decoder.blocks.{layer}.cross_attn"}
# how a module path says "cross-attention" in the from-scratch model and in transformers' families
_CROSS = ("cross_attn", "crossattention", "encoder_attn", "encdecattention")


def hook_name(kind: str, layer: int | None, point: str) -> str:
    """The hook name of `point` in layer `layer` of attention kind `kind`, e.g. ("self", 0, "hook_q") ->
    "blocks.0.attn.hook_q", ("cross", 1, "hook_pattern") -> "decoder.blocks.1.cross_attn.hook_pattern";
    layer None names the positional encoding of that side: "hook_pos_embed", "decoder.hook_pos_embed"."""
    if layer is None:
        return ("decoder." if kind != "self" else "") + point
    return f"{_PREFIX[kind].format(layer=layer)}.{point}"


def attention_kind(name: str, architecture: str) -> str:
    """The attention kind ("self", "decoder_self", "cross") a hook name or a module path belongs to; the
    same rule reads attnviz's hook names and the module trees of transformers' encoder-decoders."""
    lowered = name.lower()
    if any(c in lowered for c in _CROSS):
        return "cross"
    if architecture == "encoder-decoder" and (lowered.startswith("decoder") or ".decoder." in f".{lowered}"):
        return "decoder_self"
    return "self"


def name_hook_points(model: nn.Module, rename: Callable[[str], str] | None = None) -> None:
    """Give every HookPoint a name: rename(its dotted path in the module tree), or the path itself."""
    for path, module in model.named_modules():
        if isinstance(module, HookPoint):
            module.name = rename(path) if rename else path


def hook_names(model: nn.Module) -> list[str]:
    """Every HookPoint's name, in module-tree order."""
    return [module.name for _, module in model.named_modules() if isinstance(module, HookPoint)]


@contextlib.contextmanager
def hooks(model: nn.Module, fns: Mapping[str, HookFn]) -> Iterator[None]:
    """Attach fn(tensor, name) at each named HookPoint for the duration of the block.

    A fn that returns a tensor replaces the value flowing on. Hooks are global state on the
    module, so they are removed in `finally` even when the forward pass raises.
    """
    points = {module.name: module for _, module in model.named_modules() if isinstance(module, HookPoint)}
    unknown = [name for name in fns if not isinstance(points.get(name), HookPoint)]
    if unknown:
        raise KeyError(f"no hook point named {unknown[0]!r}")
    handles = []
    try:
        for name, fn in fns.items():
            def forward_hook(_module, _inputs, output, fn=fn, name=name):
                return fn(output, name)
            handles.append(points[name].register_forward_hook(forward_hook))
        yield
    finally:
        for handle in handles:
            handle.remove()


def record_into(store: dict[str, torch.Tensor]) -> HookFn:
    """A hook fn that keeps a detached copy of what passes, under the hook point's name."""
    def fn(tensor: torch.Tensor, name: str) -> None:
        store[name] = tensor.detach()
        return None
    return fn
