"""A block (one layer) run again on the inputs it had in a clean pass, for a batch of copies at once: value
zeroing edits one layer and needs only that layer's outputs, not a whole forward per edit."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class BlockCall:
    """What a block was called with in the clean pass, and what it returned."""

    args: tuple
    kwargs: dict
    output: torch.Tensor  # [1, pos, d_model]


def _first(output) -> torch.Tensor:
    return output[0] if isinstance(output, (tuple, list)) else output


@contextlib.contextmanager
def block_calls(blocks: list[nn.Module]) -> Iterator[list[list[BlockCall]]]:
    """Record each block's calls (arguments and output), in order, during the block: one call per block, or one
    per layer where layers share a block (ALBERT). Hooks removed in `finally`."""
    calls: list[list[BlockCall]] = [[] for _ in blocks]
    handles = []
    try:
        for i, block in enumerate(blocks):
            def keep(_module, args, kwargs, output, i=i):
                calls[i].append(BlockCall(args, kwargs, _first(output).detach()))
            handles.append(block.register_forward_hook(keep, with_kwargs=True))
        yield calls
    finally:
        for handle in handles:
            handle.remove()


def _expand(value, batch: int):
    """Batch-1 tensors of three or more dimensions (hidden states, masks, biases, rotary tables) as `batch`
    copies (views); everything else as it was."""
    if isinstance(value, torch.Tensor):
        return value.expand(batch, *value.shape[1:]) if value.dim() >= 3 and value.shape[0] == 1 else value
    if isinstance(value, tuple):
        return tuple(_expand(v, batch) for v in value)
    if isinstance(value, list):
        return [_expand(v, batch) for v in value]
    return value


def rerun(block: nn.Module, call: BlockCall, batch: int) -> torch.Tensor:
    """The block's output [batch, pos, d_model] on `batch` copies of its clean inputs (a tap edits each copy)."""
    args, kwargs = list(_expand(call.args, batch)), _expand(call.kwargs, batch)
    # the hidden states as real copies: a block may add to them in place
    if args:
        args[0] = args[0].contiguous()
    elif "hidden_states" in kwargs:
        kwargs["hidden_states"] = kwargs["hidden_states"].contiguous()
    return _first(block(*args, **kwargs))
