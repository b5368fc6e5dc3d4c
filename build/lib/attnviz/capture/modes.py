"""Which way a capture keeps attention: every weight (eager) or queries and keys (q/k), and whether it fits.

"auto" stores every weight while the stack is small (settings' `eager_stack_mb`) and switches to q/k
above it, where the model runs its fast kernel and heads are computed on demand. A capture past the
per-capture budget (`capture_max_mb`) is refused before it runs, with a message that names the way out.
"""
from __future__ import annotations

import math

import torch

from attnviz.core.errors import CaptureTooLarge
from attnviz.core import settings as operator
from attnviz.i18n import Message, joined
from attnviz.models.loading import LoadedModel
from attnviz.models.recording import installed

MODES = ("auto", "eager", "qk")
MB = 2**20
BYPASS_FLAG = "_attnviz_bypasses_recording"  # set on a module once a q/k capture found unrecorded attention


class BypassesRecording(Exception):
    """A q/k capture found attention that never reached the recording function (its message says so)."""


def mark_bypassing(model: LoadedModel) -> None:
    """Remember that this model's attention bypasses the recording function: later captures go eager at once."""
    setattr(model.module, BYPASS_FLAG, True)


def qk_available(model: LoadedModel) -> bool:
    """q/k needs transformers' attention interface (attnviz's recording function installed).

    From-scratch models stay eager: they compute their own weights in Python at every layer (there is
    no fused kernel to keep) and take at most a few hundred positions.
    """
    return model.backend == "hf" and installed(model.module) and not getattr(model.module, BYPASS_FLAG, False)


def _element(model: LoadedModel) -> int:
    return torch.empty((), dtype=model.dtype).element_size()


def stack_bytes(model: LoadedModel, n_source: int, n_target: int = 0) -> int:
    """Bytes of every weight of one forward pass: layer · head · query_pos · key_pos per kind."""
    info = model.info
    cells = info.n_layers * n_source * n_source
    if info.architecture == "encoder-decoder":
        dec = info.decoder_layers or info.n_layers
        cells += dec * (n_target * n_target + n_target * n_source)
    return cells * info.n_heads * _element(model)


def qk_bytes(model: LoadedModel, n_source: int, n_target: int = 0) -> int:
    """Bytes of the recorded queries and keys (plus one boolean mask a kind) in q/k mode."""
    info = model.info
    layers = info.n_layers + (2 * (info.decoder_layers or info.n_layers) if info.architecture == "encoder-decoder" else 0)
    n = max(n_source, n_target)
    return layers * (info.n_heads + info.n_kv_heads) * n * info.d_head * _element(model) + 3 * n * n


def choose(model: LoadedModel, requested: str, n_source: int, n_target: int = 0) -> tuple[str, list[str]]:
    """(mode to run, notes for the person) for a request, or CaptureTooLarge when it would not fit."""
    if requested not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {requested!r}")
    settings = operator.current()
    can_qk = qk_available(model)
    eager = stack_bytes(model, n_source, n_target)
    notes: list[str] = []
    if requested == "auto":
        mode = "qk" if can_qk and eager > settings.eager_stack_mb * MB else "eager"
    elif requested == "qk" and not can_qk:
        mode = "eager"
        notes.append(Message("Queries-and-keys mode is not available for `{name}` (a from-scratch model): every weight was stored instead (eager).",
                           name=model.info.name) if model.backend == "scratch" else Message("Queries-and-keys mode is not available for `{name}` (its attention does not take attnviz's recording function): every weight was stored instead (eager).",
                           name=model.info.name))
    else:
        mode = requested
    need = eager if mode == "eager" else qk_bytes(model, n_source, n_target)
    limit = settings.capture_max_mb * MB
    if need > limit:
        raise CaptureTooLarge(too_large_message(model, mode, need, limit, n_source, can_qk))
    return mode, notes


def too_large_message(model: LoadedModel, mode: str, need: int, limit: int | None, n_tokens: int,
                      can_qk: bool) -> Message:
    """What to change when a capture would not fit (the budget `limit`, or None: the machine's free memory)."""
    info = model.info
    ways = []
    per_token2 = info.n_layers * info.n_heads * _element(model)
    if mode == "eager" and limit is not None:
        fits = max(1, int(math.sqrt(limit / per_token2)))
        ways.append(Message("shorten the text to about {fits} tokens", fits=fits))
    else:
        ways.append(Message("shorten the text"))
    if mode == "eager":
        if can_qk:
            ways.append(Message("capture in queries-and-keys mode (mode \"qk\" or \"auto\"), which keeps only the queries and keys and computes each head when it is shown"))
    if torch.cuda.is_available() and model.device.type == "cpu":
        ways.append(Message.presentable("run the model on the GPU (device \"cuda\" in the sidebar), in float16, half the memory"))
    over = (Message("more than this server's per-capture budget of {limit}.", limit=_mb(limit)) if limit is not None
            else Message("more memory than this machine had free."))
    what = Message("every weight of") if mode == "eager" else Message("the queries and keys of")
    return Message("This capture of {n} tokens would take {need} ({what} {layers} layers × {heads} heads), {over} To see it: {ways}.", n=n_tokens, need=_mb(need),
                 what=what,
                 layers=info.n_layers, heads=info.n_heads, over=over, ways=joined("{first}; or {rest}", ways))


def _mb(n: int) -> str:
    return f"{n / MB:,.0f} MB" if n >= 10 * MB else f"{n / MB:.2g} MB"
