"""The attention function attnviz installs in Hugging Face models.

It records the query and key each layer really used (after rotary, before grouped-query
repetition) with the mask and bias added to their dot products, then runs the attention:
- eager (`recording()`): the model's own eager attention, so the returned weights are exactly eager's;
- q/k (`recording(mode="qk")`): transformers' SDPA, the fast kernel that never forms the weights. The
  model builds SDPA's masks (boolean, or none at all where the kernel's `is_causal` does the masking),
  and attnviz recomputes any head later as softmax(q·kᵀ·scale + bias + mask) from what was recorded.
A call SDPA cannot run faithfully (soft-capped scores, attention sinks) runs eager and is marked, so the
capture can say so.
Inside `tapping(fn)` every attention call goes to fn instead (attnviz.models.taps: measures and causal edits),
which runs the module's own eager attention through `eager_attention`.
"""
from __future__ import annotations

import contextlib
import contextvars
import sys
from dataclasses import dataclass
from collections.abc import Iterator

import torch
from torch import nn

from attnviz.core.qkstack import QKStack

NAME = "attnviz"
_current: contextvars.ContextVar[list | None] = contextvars.ContextVar("attnviz_qk", default=None)
_mode: contextvars.ContextVar[str] = contextvars.ContextVar("attnviz_mode", default="eager")
_whole_batch: contextvars.ContextVar[bool] = contextvars.ContextVar("attnviz_qk_batch", default=False)
_tap: contextvars.ContextVar = contextvars.ContextVar("attnviz_tap", default=None)
# where `recording(layers=n)` was given: {"layers": n, "q": [layer, …], "k": [layer, …]} that the calls copy into
_slab: contextvars.ContextVar[dict | None] = contextvars.ContextVar("attnviz_qk_slab", default=None)
_registered = False
NOT_SDPA = ("softcap", "s_aux")  # keyword arguments SDPA cannot honour: such calls run eager

__all__ = ["QKRecord", "QKStack", "eager_attention", "fast", "install", "installed", "recording", "stack_records",
           "tapping"]


@dataclass
class QKRecord:
    module: nn.Module
    query: torch.Tensor  # [head, query_pos, d_head]
    key: torch.Tensor  # [kv_head, key_pos, d_head]
    scaling: float
    bias: torch.Tensor | None  # the mask: additive float or bool (True: attend), [1|head, query_pos, key_pos]
    position_bias: torch.Tensor | None = None  # T5's relative bias, [1|head, query_pos, key_pos]
    causal: bool = False  # no mask was built: the kernel masked causally itself
    softcap: float | None = None
    eager: bool = True  # the weights came from eager attention (False: SDPA ran)


def _first(t: torch.Tensor | None, n_keys: int) -> torch.Tensor | None:
    # batch element 0, keys cropped to the keys really used; a view, so a mask shared by every layer stays one tensor
    return None if t is None else t[0, :, :, :n_keys].detach()


def _attention(module, query, key, value, attention_mask, scaling=None, dropout=0.0, **kwargs):
    tap = _tap.get()
    if tap is not None:
        return tap(module, query, key, value, attention_mask, scaling=scaling, dropout=dropout, **kwargs)
    records = _current.get()
    qk_mode = _mode.get() == "qk"
    run_sdpa = qk_mode and not any(kwargs.get(name) is not None for name in NOT_SDPA)
    is_causal = kwargs.get("is_causal")
    is_causal = is_causal if is_causal is not None else getattr(module, "is_causal", True)
    # in q/k mode the model built SDPA's masks: none at all where the kernel's is_causal does the masking
    causal = qk_mode and attention_mask is None and query.shape[-2] > 1 and bool(is_causal)
    if records is not None:
        n_keys = key.shape[-2]
        # copies, not views: a view would keep the layer's whole fused q/k/v projection alive until the end
        row = slice(None) if _whole_batch.get() else 0  # a survey keeps every text of its batch
        q, k = _keep(query[row].detach(), key[row].detach(), len(records))
        records.append(QKRecord(module, q, k,
                                float(scaling if scaling is not None else query.shape[-1] ** -0.5),
                                _first(attention_mask, n_keys), _first(kwargs.get("position_bias"), n_keys),
                                causal, kwargs.get("softcap"), eager=not run_sdpa))
    if run_sdpa:
        from transformers.integrations.sdpa_attention import sdpa_attention_forward

        return sdpa_attention_forward(module, query, key, value, attention_mask, scaling=scaling,
                                      dropout=dropout, **kwargs)
    if qk_mode:  # eager attention wants an additive float mask, not SDPA's boolean (or absent) one
        attention_mask = _additive_mask(attention_mask, causal, query, key)
    return eager_attention(module, query, key, value, attention_mask, scaling=scaling, dropout=dropout, **kwargs)


def eager_attention(module, query, key, value, attention_mask, **kwargs):
    """The module's own eager attention (its family's eager_attention_forward): (output [batch, query_pos, head,
    d_head], weights [batch, head, query_pos, key_pos])."""
    eager = sys.modules[type(module).__module__].eager_attention_forward
    return eager(module, query, key, value, attention_mask, **kwargs)


def _keep(query: torch.Tensor, key: torch.Tensor, index: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Copies of one call's query and key: written into the stack of every layer where the capture said how many
    layers it expects (so the stack is the only copy: stacking separate copies afterwards held two of them,
    the freed one often still resident), else fresh tensors."""
    slab = _slab.get()
    if slab is None or index >= slab["layers"]:
        return query.clone(), key.clone()
    if "q" not in slab:
        slab["q"] = torch.empty((slab["layers"], *query.shape), dtype=query.dtype, device=query.device)
        slab["k"] = torch.empty((slab["layers"], *key.shape), dtype=key.dtype, device=key.device)
    q, k = slab["q"], slab["k"]
    if (q.shape[1:], q.dtype, q.device, k.shape[1:], k.dtype) != (query.shape, query.dtype, query.device, key.shape,
                                                                   key.dtype):
        return query.clone(), key.clone()
    q[index].copy_(query)
    k[index].copy_(key)
    return q[index], k[index]


def _additive_mask(mask: torch.Tensor | None, causal: bool, query: torch.Tensor, key: torch.Tensor):
    """SDPA's mask (boolean, True: attend; or None with a causal kernel) as eager's additive float mask."""
    low = torch.finfo(query.dtype).min
    if mask is None and causal:
        rows = torch.arange(query.shape[-2], device=query.device)[:, None]
        mask = (torch.arange(key.shape[-2], device=query.device)[None, :] <= rows)[None, None]
    if mask is None or mask.dtype != torch.bool:
        return mask
    return torch.zeros(mask.shape, dtype=query.dtype, device=query.device).masked_fill(~mask, low)


def _mask(*args, **kwargs):
    """The mask eager attention wants (float, always built), or SDPA's (boolean, or none) in q/k mode."""
    from transformers.masking_utils import eager_mask, sdpa_mask

    if _mode.get() == "qk":
        return sdpa_mask(*args, **{k: v for k, v in kwargs.items() if k != "dtype"})
    return eager_mask(*args, **kwargs)


def install(model: nn.Module) -> bool:
    """Switch a transformers model to the recording attention; False if it cannot take it."""
    global _registered
    try:
        from transformers import AttentionInterface
        from transformers.masking_utils import AttentionMaskInterface
    except ImportError:
        return False
    if not _registered:
        AttentionInterface.register(NAME, _attention)
        AttentionMaskInterface.register(NAME, _mask)
        _registered = True
    try:
        model.set_attn_implementation(NAME)
    except (ValueError, AttributeError, KeyError):
        return False
    return getattr(model.config, "_attn_implementation", None) == NAME


def installed(model: nn.Module) -> bool:
    """Whether the model runs attnviz's recording attention function."""
    return getattr(getattr(model, "config", None), "_attn_implementation", None) == NAME


@contextlib.contextmanager
def recording(mode: str = "eager", whole_batch: bool = False, layers: int | None = None) -> Iterator[list[QKRecord]]:
    """Collect a QKRecord for every attention call inside the block (this thread or task only).

    mode "eager": the model runs eager attention; "qk": it runs SDPA (see the module's docstring).
    whole_batch: keep q and k of every batch row ([batch, head, pos, d_head]; masks still row 0's).
    layers: the attention calls expected, one kind in layer order (a decoder or an encoder): the first `layers`
    calls' queries and keys are copied into one stack each, which `stack_records` then returns as it is.
    """
    records: list[QKRecord] = []
    token = _current.set(records)
    mode_token = _mode.set(mode)
    batch_token = _whole_batch.set(whole_batch)
    slab_token = _slab.set({"layers": layers} if layers else None)
    try:
        yield records
    finally:
        _slab.reset(slab_token)
        _whole_batch.reset(batch_token)
        _mode.reset(mode_token)
        _current.reset(token)


@contextlib.contextmanager
def tapping(fn) -> Iterator[None]:
    """Send every attention call inside the block (this thread or task only) to fn(module, query, key, value,
    attention_mask, **kwargs), which returns what the attention function returns. The model builds eager masks."""
    token = _tap.set(fn)
    mode_token = _mode.set("eager")
    try:
        yield
    finally:
        _mode.reset(mode_token)
        _tap.reset(token)


@contextlib.contextmanager
def fast() -> Iterator[None]:
    """Run the fast kernel (SDPA, as q/k mode does) and record nothing: for generating with the recording
    function installed, where eager attention would form every layer's weights (GBs at thousands of tokens)."""
    token = _current.set(None)
    mode_token = _mode.set("qk")
    try:
        yield
    finally:
        _mode.reset(mode_token)
        _current.reset(token)


def stack_records(records: list[QKRecord], rotary: str | None) -> QKStack:
    """One QKStack from a kind's records, in layer order: the stack they were written into (`recording(layers=…)`),
    or a new one, each record's q and k let go once copied."""
    first_q, first_k = records[0].query, records[0].key
    q, k = first_q._base, first_k._base  # records written into one stack by `recording(layers=…)`
    if not (q is not None and k is not None and len(q) == len(records) == len(k)
            and all(r.query._base is q and r.key._base is k and r.query.data_ptr() == q[i].data_ptr()
                    and r.key.data_ptr() == k[i].data_ptr() for i, r in enumerate(records))):
        q = torch.empty((len(records), *first_q.shape), dtype=first_q.dtype, device=first_q.device)
        k = torch.empty((len(records), *first_k.shape), dtype=first_k.dtype, device=first_k.device)
        for i, r in enumerate(records):
            q[i], k[i] = r.query, r.key
            r.query = r.key = None  # type: ignore[assignment]
    return QKStack(q=q, k=k, scaling=records[0].scaling, bias=[r.bias for r in records], rotary=rotary,
                   position_bias=[r.position_bias for r in records], causal=[r.causal for r in records],
                   softcap=records[0].softcap)
