"""Blocks (layers) and what they did in a clean pass: one block run again on its clean inputs for a batch of
copies (value zeroing edits one layer and needs only that layer's outputs), and blocks that hand back their
clean outputs instead of running (an edit at layer l leaves the layers before it as they were)."""
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
    raw: object = None  # what the block returned, as it returned it (a tensor or a tuple)


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
                calls[i].append(BlockCall(args, kwargs, _first(output).detach(), output))
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


@contextlib.contextmanager
def replayed(blocks: list[nn.Module], calls: list[list[BlockCall]], batch: int) -> Iterator[None]:
    """Inside the block, each of `blocks` returns what it returned in the clean pass (`calls`), as `batch` copies,
    without running. Its forward is swapped on the instance and put back in `finally`; the caller holds the
    model's lock, so no other pass sees the swap."""
    swapped = []
    try:
        for block, clean in zip(blocks, calls):
            served = [0]

            def forward(*_args, _clean=clean, _served=served, **_kwargs):
                out = _expand(_clean[_served[0] % len(_clean)].raw, batch)
                _served[0] += 1
                if isinstance(out, tuple) and out and isinstance(out[0], torch.Tensor):
                    return (out[0].contiguous(), *out[1:])
                return out.contiguous() if isinstance(out, torch.Tensor) else out
            swapped.append((block, "forward" in block.__dict__, block.__dict__.get("forward")))
            block.forward = forward
        yield
    finally:
        for block, had, old in swapped:
            if had:
                block.forward = old
            else:
                del block.forward
