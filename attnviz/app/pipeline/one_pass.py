"""The one pass over every head's rows that gives the model view, the statistics and the sinks (analysis.layer_pass):
computed once per capture, and never twice at once — a second session that asks for the same capture's pass waits
for the first and reads its result.

Where the exact pass would keep a view waiting (a long input on a CPU: every score of every head, about 17 s at
8,192 tokens of a GPT-2-small-sized model on two cores), the page first draws an estimate from a sample of the
query rows (analysis.layer_sample, 1.6 s there) and says so, with a button that runs the exact pass."""
from __future__ import annotations

import threading
import time

import streamlit as st

from attnviz.analysis import layer_sample
from attnviz.analysis.layer_pass import THUMB, Summary, current, kept, summarise
from attnviz.app.state import explorer as K
from attnviz.app.state.base import Key
from attnviz.app.widgets.figure_out import ImageFormat
from attnviz.core.sources import AttentionSource
from attnviz.i18n import t

QUICK = 1024  # key positions up to which the pass takes about a second on a laptop: no progress bar
# what a score costs in the exact pass against one in the estimate's (benchmarks/RESULTS.md: the estimate's rows
# also pay a distance sum per key and a gathered product), to say how long the exact pass will take here
EXACT_PER_SAMPLED_SCORE = 0.7  # 8,192 tokens: 6.9 ns against 10.5 ns a score, 17.8 s said, 17.5 s taken


def done(src: AttentionSource) -> bool:
    """Whether this capture's pass, exact or estimated, has run (every later view reads it at once)."""
    return kept(src, THUMB) is not None


def _lock(src: AttentionSource) -> threading.Lock:
    """The capture's one lock around its pass (dict.setdefault is atomic: one lock a capture)."""
    return src.memo.setdefault(("pass lock",), threading.Lock())


def one_pass(src: AttentionSource) -> None:
    """Run the pass unless it has run: on a long input on a CPU the estimate from a sample of rows (a spinner),
    else the exact pass, with its progress layer by layer on a long input."""
    if done(src):
        return
    step = layer_sample.stride(src, THUMB)
    if step > 1:
        with st.spinner(t("A first look at every head, from one query row in every {stride}…", stride=step)), _lock(src):
            if not done(src):
                began = time.perf_counter()
                layer_sample.estimate(src, THUMB, step)
                src.memo[("estimate seconds", THUMB)] = time.perf_counter() - began
        return
    exact_pass(src)


def exact_pass(src: AttentionSource) -> None:
    """The exact pass, with a progress bar on a long input (17.5 s at 8,192 tokens on a 2-core CPU)."""
    if kept(src, THUMB, exact=True) is not None:
        return
    lock = _lock(src)
    n_layers, n_heads, n_q, n_k = src.shape
    if n_k <= QUICK:
        with lock:
            summarise(src, THUMB)
        return
    words = t("Every head's pooled view, statistics and sinks, in one pass over {n} × {n} weights of {heads} heads "
              "(kept for this text):", n=f"{n_k:,}", heads=n_layers * n_heads)
    bar = st.progress(0.0, text=words)
    with lock:  # another session computing the same capture's pass: wait for it rather than compute it twice
        if kept(src, THUMB, exact=True) is None:
            summarise(src, THUMB, progress=lambda share: bar.progress(share, text=words))
    bar.empty()


def estimated(src: AttentionSource) -> bool:
    """Whether the views of this capture read a first look (not yet the exact pass)."""
    return done(src) and current(src, THUMB).estimated


def labelled(fig, src: AttentionSource, img_format: str) -> str:
    """A first look's figure and files say so (" · first look" after the title, "-first-look" after the files' stem);
    returns the image format to draw the figure with."""
    if not estimated(src):
        return img_format
    fig.update_layout(title_text=t("{title} · first look", title=fig.layout.title.text or ""))
    stem = getattr(img_format, "stem", None)
    return ImageFormat(str(img_format), f"{stem}-first-look" if stem else None)


def first_look(src: AttentionSource, key: Key = K.EXACT_PASS, side: str | None = None) -> None:
    """Where the views read an estimate: what it was made from (for compare's pane `side`), and the button (`key`)
    that runs the exact pass (the page is then drawn again from it), with how long that takes here."""
    if not estimated(src):
        return
    summary = current(src, THUMB)
    seconds = exact_seconds(src, summary)
    label = (t("Compute exactly") if seconds is None else
             t("Compute exactly (about {seconds} s)", seconds=f"{max(1, round(seconds)):,}"))
    if st.button(label, key=key,
                 help=t("Reads every query row of every head: the exact means, thumbnails and sinks.")):
        exact_pass(src)
        st.rerun()
    st.caption(read(summary) if side is None else t("Pane {side}: {how}", side=side, how=read(summary)))


def exact_seconds(src: AttentionSource, summary: Summary) -> float | None:
    """How long the exact pass would take here: the estimate's time per score it read, times every score, each
    cheaper in the exact pass (None where this process did not time the estimate)."""
    took = src.memo.get(("estimate seconds", THUMB))
    if took is None:
        return None
    read_scores = layer_sample.scores_of(src, layer_sample.plan(src, summary.stride))
    return took / read_scores * layer_sample.scores(src) * EXACT_PER_SAMPLED_SCORE


def read(summary: Summary) -> str:
    """Which rows an estimate read, and what its figures are, in words."""
    if summary.dense:
        return t("Estimated from {rows} of the {n} query rows: every one of the first {dense}, then one drawn at "
                 "random in every {stride}, counting for its stretch. Each figure is a mean over those rows.",
                 rows=f"{summary.n_read:,}", n=f"{summary.n_rows:,}", dense=f"{summary.dense:,}",
                 stride=summary.stride)
    return t("Estimated from {rows} of the {n} query rows: one drawn at random in every {stride}, counting for its "
             "stretch. Each figure is a mean over those rows.", rows=f"{summary.n_read:,}", n=f"{summary.n_rows:,}",
             stride=summary.stride)
