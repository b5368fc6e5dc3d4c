"""Named identity hook points, and a context manager that always removes the hooks it adds."""
from __future__ import annotations

import contextlib
from typing import Callable, Iterator, Mapping

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


def name_hook_points(model: nn.Module) -> None:
    """Give every HookPoint its dotted path in the module tree as its name."""
    for name, module in model.named_modules():
        if isinstance(module, HookPoint):
            module.name = name


def hook_names(model: nn.Module) -> list[str]:
    """Every HookPoint's name, in module-tree order."""
    return [name for name, module in model.named_modules() if isinstance(module, HookPoint)]


@contextlib.contextmanager
def hooks(model: nn.Module, fns: Mapping[str, HookFn]) -> Iterator[None]:
    """Attach fn(tensor, name) at each named HookPoint for the duration of the block.

    A fn that returns a tensor replaces the value flowing on. Hooks are global state on the
    module, so they are removed in `finally` even when the forward pass raises.
    """
    points = dict(model.named_modules())
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
