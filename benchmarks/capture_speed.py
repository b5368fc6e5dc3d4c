"""Load and capture time per offline model and input length, and the bytes one head's heatmap sends.

    python benchmarks/capture_speed.py [--device cpu] [--repeats 3]

Prints a markdown table; copy it into benchmarks/RESULTS.md with the machine it ran on.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from attnviz import capture, load_model
from attnviz.figures.plots import head_heatmap

WORDS = ("the quick brown fox jumps over a lazy dog while seven small birds sing in the tall green "
         "trees near an old river ").split()


def text_of(n_words: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] for i in range(n_words))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}, "
          f"device {args.device}")
    print("| model | load s | tokens | capture ms (median) | stack MB | one-head figure KB |")
    print("|---|---|---|---|---|---|")
    for spec, lengths in (("minilm", (16, 128, 510)), ("glassllm-en", (16, 64, 120)),
                          ("scratch-decoder", (16, 64, 120))):
        t0 = time.perf_counter()
        model = load_model(spec, device=args.device)
        load_s = time.perf_counter() - t0
        for n in lengths:
            text = text_of(n) if spec != "scratch-decoder" else "x" * n
            capture(model, text)  # warm-up
            times = []
            for _ in range(args.repeats):
                t = time.perf_counter()
                cap = capture(model, text)
                times.append((time.perf_counter() - t) * 1000)
            stack_mb = sum(s.numel() * s.element_size() for s in cap.attention.values()) / 1e6
            fig = head_heatmap(cap.head("self", 0, 0), *cap.axes("self"))
            fig_kb = len(fig.to_json()) / 1e3
            print(f"| {spec} | {load_s:.2f} | {len(cap.tokens)} | {statistics.median(times):.1f} | "
                  f"{stack_mb:.1f} | {fig_kb:.0f} |")


if __name__ == "__main__":
    main()
