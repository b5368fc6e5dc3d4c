"""What the browser is sent for one view: only what it draws, at screen resolution, never the whole stack.

A request names a view and a selection; the answer is a small JSON header and float32 (or uint8) buffers:
- heatmap: one head's window `[query_pos (q0:q1), key_pos (k0:k1)]`, averaged into at most MAX_CELLS × MAX_CELLS
  bins (adaptive average pooling's bins, as analysis.reduce.pooled uses), so 2,048 tokens cost what 256 do;
- head view: every head of one layer on at most HEAD_VIEW_TOKENS queries and keys `[head, query_pos, key_pos]`;
- model view: every layer × head pooled to THUMB × THUMB (analysis.reduce.pooled), as uint8 scaled to each
  thumbnail's maximum, with the maxima beside them;
- focus (any view, when a token is focused): its row of the shown head over at most STRIP_TOKENS keys.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from attnviz.analysis import reduce
from attnviz.core.types import AttentionCapture
from attnviz.notebook.measures import source_for

VIEWS = ("heatmap", "head_view", "model_view")
MAX_CELLS = 256  # heatmap bins per side: about 2 screen pixels a bin in a 600-pixel figure
HEAD_VIEW_TOKENS = 48  # lines between more tokens than this are unreadable: the head view pages instead
THUMB = 24  # model view: each head pooled to at most THUMB × THUMB
STRIP_TOKENS = 512  # the focused token's row: keys around it


@dataclass(frozen=True)
class Request:
    """One view of one selection; `window` is (q0, q1, k0, k1), query and key positions kept (stop excluded)."""

    view: str = "heatmap"
    kind: str = "self"
    measure: str = "weight"
    layer: int = 0
    head: int = 0
    token: int | None = None
    window: tuple[int, int, int, int] | None = None
    heads: tuple[int, ...] = field(default_factory=tuple)

    def key(self) -> str:
        """What the answer depends on, one string (the front end builds the same one: widget.js requestKey)."""
        w = ",".join(map(str, self.window)) if self.window else ""
        t = "" if self.token is None else str(self.token)
        parts = [self.view, self.kind, self.measure]
        if self.view == "model_view":
            parts += [t]
        else:
            parts += [str(self.layer), str(self.head), w, t]
        return "|".join(parts)


def request(cap: AttentionCapture, msg: dict) -> Request:
    """A request from the front end (or from Python), checked against the capture and clamped to its shape."""
    view = msg.get("view", "heatmap")
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    kind = msg.get("kind") or "self"
    if kind not in cap.kinds:
        raise ValueError(f"kind must be one of {cap.kinds}, got {kind!r}")
    n_layers, n_heads, n_q, n_k = cap.shape(kind)
    layer, head = int(msg.get("layer", 0)), int(msg.get("head", 0))
    if not (0 <= layer < n_layers and 0 <= head < n_heads):
        raise IndexError(f"layer {layer}, head {head} is outside {n_layers} layers × {n_heads} heads")
    token = msg.get("token")
    token = None if token is None or not 0 <= int(token) < n_q else int(token)
    return Request(view, kind, msg.get("measure") or "weight", layer, head, token,
                   clamp_window(msg.get("window"), n_q, n_k), tuple(int(h) for h in msg.get("heads") or ()))


def clamp_window(window, n_q: int, n_k: int) -> tuple[int, int, int, int] | None:
    """(q0, q1, k0, k1) kept inside the positions, at least one of each; None for everything (or nothing asked)."""
    if not window:
        return None
    if len(window) != 4:
        raise ValueError(f"window must be [q0, q1, k0, k1], got {list(window)}")
    q0, q1, k0, k1 = (int(v) for v in window)
    q0, k0 = max(0, min(q0, n_q - 1)), max(0, min(k0, n_k - 1))
    q1, k1 = max(q0 + 1, min(q1, n_q)), max(k0 + 1, min(k1, n_k))
    return None if (q0, q1, k0, k1) == (0, n_q, 0, n_k) else (q0, q1, k0, k1)


def _pool(block: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """[query_pos, key_pos] averaged into rows × cols bins, on its device."""
    if tuple(block.shape) == (rows, cols):
        return block
    return torch.nn.functional.adaptive_avg_pool2d(block[None, None], (rows, cols))[0, 0]


def _f32(a) -> bytes:
    return np.ascontiguousarray(a.cpu().numpy() if isinstance(a, torch.Tensor) else a, dtype="<f4").tobytes()


def _heatmap(cap: AttentionCapture, r: Request, cells: int) -> tuple[dict, list[bytes]]:
    _, _, n_q, n_k = cap.shape(r.kind)
    q0, q1, k0, k1 = r.window or (0, n_q, 0, n_k)
    head = source_for(cap, r.kind, r.measure).head(r.layer, r.head)  # [query_pos, key_pos] on the device
    rows, cols = min(q1 - q0, cells), min(k1 - k0, cells)
    m = _pool(head[q0:q1, k0:k1], rows, cols)
    meta = {"q0": q0, "q1": q1, "k0": k0, "k1": k1, "rows": rows, "cols": cols, "vmax": float(m.max()),
            "pooled": rows < q1 - q0 or cols < k1 - k0}
    return meta, [_f32(m)]


def _head_view(cap: AttentionCapture, r: Request) -> tuple[dict, list[bytes]]:
    _, n_heads, n_q, n_k = cap.shape(r.kind)
    q0, q1, k0, k1 = r.window or (0, n_q, 0, n_k)
    square = r.kind != "cross"
    if q1 - q0 > HEAD_VIEW_TOKENS:  # a page of the window, around the focused token when there is one
        start = q0 if r.token is None or not q0 <= r.token < q1 else max(q0, min(r.token - HEAD_VIEW_TOKENS // 2,
                                                                                   q1 - HEAD_VIEW_TOKENS))
        q0, q1 = start, start + HEAD_VIEW_TOKENS
    if square:
        k0, k1 = q0, q1
    elif k1 - k0 > HEAD_VIEW_TOKENS:
        k1 = k0 + HEAD_VIEW_TOKENS
    block = source_for(cap, r.kind, r.measure).rows(r.layer, q0, q1)[:, :, k0:k1]  # [head, query_pos, key_pos]
    return {"q0": q0, "q1": q1, "k0": k0, "k1": k1, "heads": n_heads, "vmax": float(block.max())}, [_f32(block)]


def _model_view(cap: AttentionCapture, r: Request) -> tuple[dict, list[bytes]]:
    rows = (r.token, r.token + 1) if r.token is not None else None
    thumbs = reduce.pooled(source_for(cap, r.kind, r.measure), THUMB, rows=rows)  # [layer, head, r, c], read-only
    layers, heads, tr, tc = thumbs.shape
    peak = thumbs.reshape(layers, heads, -1).max(axis=-1)  # [layer, head]
    scaled = np.divide(thumbs, peak[:, :, None, None], out=np.zeros_like(thumbs), where=peak[:, :, None, None] > 0)
    u8 = np.rint(scaled * 255).astype(np.uint8)  # colour only: the maxima travel beside them
    return {"layers": layers, "heads": heads, "rows": tr, "cols": tc}, [u8.tobytes(), _f32(peak)]


def _focus(cap: AttentionCapture, r: Request) -> tuple[dict, list[bytes]]:
    """The focused token's attention over keys around it (at most STRIP_TOKENS), for the shown head."""
    n_k = cap.shape(r.kind)[3]
    k0, k1 = (r.window[2], r.window[3]) if r.window else (0, n_k)
    if k1 - k0 > STRIP_TOKENS:
        centre = r.token if r.kind != "cross" else k0
        k0 = max(k0, min(centre - STRIP_TOKENS // 2, k1 - STRIP_TOKENS))
        k1 = k0 + STRIP_TOKENS
    src = source_for(cap, r.kind, r.measure)
    row = src.rows(r.layer, r.token, r.token + 1)[r.head, 0, k0:k1]  # [key_pos]
    return {"token": r.token, "k0": k0, "k1": k1, "vmax": float(row.max())}, [_f32(row)]


def answer(cap: AttentionCapture, r: Request, cells: int = MAX_CELLS) -> tuple[dict, list[bytes]]:
    """The message that draws request r: {"type": "data", "key", "request", view's header, "focus"?} and its buffers."""
    with torch.no_grad():
        if r.view == "heatmap":
            meta, buffers = _heatmap(cap, r, cells)
        elif r.view == "head_view":
            meta, buffers = _head_view(cap, r)
        else:
            meta, buffers = _model_view(cap, r)
        content = {"type": "data", "key": r.key(), "request": _jsonable(r), **meta}
        if r.token is not None:
            focus, extra = _focus(cap, r)
            content["focus"] = {**focus, "buffer": len(buffers)}
            buffers = buffers + extra
    return content, buffers


def _jsonable(r: Request) -> dict:
    d = asdict(r)
    d["window"] = list(r.window) if r.window else []
    d["heads"] = list(r.heads)
    return d


def size(content: dict, buffers: list[bytes]) -> int:
    """Bytes a message takes on the wire: its JSON and its binary buffers."""
    return len(json.dumps(content, separators=(",", ":")).encode()) + sum(len(b) for b in buffers)
