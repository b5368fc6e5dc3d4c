"""Helpers for the notebook widget's tests: random attention, a stand-in for the kernel's comm, Chromium's settings."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"

def softmax_stack(layers: int, heads: int, n: int, seed: int = 0, causal: bool = False) -> torch.Tensor:
    """[layer, head, query_pos, key_pos] of random rows that sum to one (zeros above the diagonal if causal)."""
    g = torch.Generator().manual_seed(seed)
    scores = torch.randn(layers, heads, n, n, generator=g) * 3
    if causal:
        scores = scores.masked_fill(torch.triu(torch.ones(n, n, dtype=torch.bool), 1), float("-inf"))
    return scores.softmax(-1)


class Recorder:
    """Stands in for the kernel's comm: what the widget sends, decoded."""

    def __init__(self, widget):
        self.widget = widget
        self.messages: list[tuple[dict, list[bytes]]] = []
        widget.send = lambda content, buffers=None: self.messages.append((content, [bytes(b) for b in buffers or []]))

    def browser_says(self, content: dict, buffers: list | None = None) -> None:
        """A custom message from the front end, as the kernel's comm delivers it."""
        self.widget._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": buffers or []})

    def browser_sets(self, **state) -> None:
        """A trait update from the front end (a click), as the kernel's comm delivers it."""
        self.widget._handle_msg({"content": {"data": {"method": "update", "state": state}}, "buffers": []})

    def ask(self, **request) -> tuple[dict, list[bytes]]:
        self.messages.clear()
        self.browser_says({"type": "request", "seq": 1, "view_id": "v", **request})
        assert len(self.messages) == 1, self.messages
        return self.messages[0]


def f32(buffer: bytes, *shape: int) -> np.ndarray:
    return np.frombuffer(buffer, dtype="<f4").reshape(shape)


# ---- the browser: Debian's Chromium driven by Playwright (never `playwright install`) ----

def leaving_loopback(page) -> list[str]:
    """Every request (and websocket) the page makes to a host other than 127.0.0.1, recorded as it happens."""
    seen: list[str] = []

    def check(url: str) -> None:
        if url.startswith(("data:", "blob:", "file:")):
            return
        if urlparse(url).hostname != "127.0.0.1":
            seen.append(url)

    page.on("request", lambda r: check(r.url))
    page.on("websocket", lambda ws: check(ws.url))
    return seen
