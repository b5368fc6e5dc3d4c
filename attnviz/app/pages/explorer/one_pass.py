"""The one pass over every head's rows that gives the model view, the statistics and the sinks (analysis.layer_pass):
computed once per capture, with a progress bar, and never twice at once — a second session that asks for the same
capture's pass waits for the first and reads its result."""
from __future__ import annotations

import threading

import streamlit as st

from attnviz.analysis.layer_pass import THUMB, summarise
from attnviz.core.sources import AttentionSource
from attnviz.i18n import t

QUICK = 1024  # key positions up to which the pass takes about a second on a laptop: no progress bar


def done(src: AttentionSource) -> bool:
    """Whether this capture's pass has run (every later view reads it at once)."""
    return ("summary", THUMB) in src.memo


def one_pass(src: AttentionSource) -> None:
    """Run the pass unless it has run, showing its progress layer by layer (it takes 20–40 s at 8,192 tokens on a
    2-core CPU: every score of every head, once)."""
    if done(src):
        return
    lock = src.memo.setdefault(("pass lock",), threading.Lock())  # dict.setdefault is atomic: one lock a capture
    n_layers, n_heads, n_q, n_k = src.shape
    if n_k <= QUICK:
        with lock:
            summarise(src, THUMB)
        return
    words = t("Every head's pooled view, statistics and sinks, in one pass over {n} × {n} weights of {heads} heads "
              "(kept for this text):", n=f"{n_k:,}", heads=n_layers * n_heads)
    bar = st.progress(0.0, text=words)
    with lock:  # another session computing the same capture's pass: wait for it rather than compute it twice
        if not done(src):
            summarise(src, THUMB, progress=lambda share: bar.progress(share, text=words))
    bar.empty()
