"""A huge pasted text: capture time and memory with the text cut before tokenising, against tokenising
it whole (what attnviz did before). Prints a table; run: python benchmarks/paste_speed.py"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from attnviz import load_model
from attnviz.capture.api import capture
from attnviz.models.textbound import cut_text

SENTENCE = "The cat sat on the mat because it was tired. "


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    model = load_model("minilm", device="cpu")
    capture(model, SENTENCE)  # warm up
    print("| characters | capture, text cut first (s) | of which the cut (ms) | characters read | "
          "tokenising whole, the old first step (s) | peak RSS growth of that (MB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in (960_000, 5_000_000, 20_000_000):
        text = (SENTENCE * (n // len(SENTENCE) + 1))[:n]
        t0 = time.perf_counter()
        capture(model, text)
        cut_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        kept = len(cut_text(text, model.info.max_positions)[0])
        cut_ms = (time.perf_counter() - t0) * 1000
        before = rss_mb()
        t0 = time.perf_counter()
        model.codec.encode(text)  # the old path's first step alone
        whole_s = time.perf_counter() - t0
        print(f"| {n:,} | {cut_s:.2f} | {cut_ms:.1f} | {kept:,} | {whole_s:.1f} | {rss_mb() - before:.0f} |")


if __name__ == "__main__":
    main()
