"""How far a long input's first look (the pass over a sample of query rows, analysis.layer_sample) is from the exact
pass, on trained heads: the model view as drawn and each head statistic.

    python benchmarks/first_look_error.py [--strides 2 4 8]

A random model's heads are nearly uniform, so its estimate is close by construction; trained heads are sharp
(previous token, punctuation, [SEP]). The offline trained models read at most 512 tokens, so MiniLM (6 × 12 heads,
an encoder: every key of every row) reads 512 tokens of English prose, and each stride's sample is compared with the
exact pass of the same capture. The model view is compared as the page draws it (each thumbnail scaled to its own
maximum); a statistic by its largest difference over the heads, beside the spread of its exact values over the
heads (a difference small against the spread keeps the heads' order). At 8,192 tokens the page's stride is 17 and
each thumbnail row holds about 15 sampled rows (benchmarks/long_context.py measures that case on a random model); at
512 tokens a stride of 8 leaves 2 sampled rows per thumbnail row: this is the harder case for the view.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def prose(n_tokens: int, codec) -> list[int]:
    """English prose of the docs site, tokenised, cut to n tokens (the model's own [CLS] … [SEP] kept)."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
    words = " ".join(line for line in text.splitlines() if line and not line.startswith(("#", "|", "`", "    ")))
    ids = codec.encode(words)
    return ids[: n_tokens - 1] + ids[-1:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--strides", type=int, nargs="+", default=[2, 4, 8])
    ap.add_argument("--tokens", type=int, default=512)
    ap.add_argument("--size", type=int, default=32, help="thumbnail cells a side (8: bins of 64 rows at 512 tokens, "
                    "as many sampled rows per bin as the page's 32 cells at 8,192 tokens)")
    args = ap.parse_args()
    from attnviz import capture, load_model
    from attnviz.analysis import layer_pass, layer_sample, sinks
    from attnviz.core.sources import QKSource

    # no dense start: at 512 tokens its budget would read every row of this encoder; measure the sampling itself
    layer_sample.DENSE_SHARE = 0.0
    model = load_model("minilm", device="cpu")
    ids = prose(args.tokens, model.codec)
    cap = capture(model, None, ids=ids, mode="qk")
    src = cap.source("self")
    exact = layer_pass.summarise(QKSource(src.qk), args.size)
    want = layer_pass.statistics(exact)
    want_sinks = sinks.sinks(QKSource(src.qk)).overall

    def drawn(t):
        return t / np.maximum(t.max(axis=(-1, -2), keepdims=True), 1e-9)

    print(f"MiniLM, {len(ids)} tokens of the docs' prose, q/k mode, thumbnails of {args.size} × {args.size} cells; "
          "exact pass against the first look")
    print("\n| stride | rows read (per thumbnail row) | model view as drawn: largest / mean difference | "
          + " | ".join(f"{name}: largest difference (spread)" for name in want) + " | sinks found (of the exact 4), the first the same |")
    print("|---" * (4 + len(want)) + "|")
    for stride in args.strides:
        fresh = QKSource(src.qk)
        est = layer_sample.estimate(fresh, args.size, stride)
        got = layer_pass.statistics(est)
        gap = np.abs(drawn(est.thumbs) - drawn(exact.thumbs))
        cells = " | ".join(f"{np.abs(got[name] - want[name]).max():.3g} ({np.ptp(want[name]):.3g})" for name in want)
        found = [int(p) for p in sinks.sinks(fresh).overall]
        same = f"{len(set(found) & set(int(p) for p in want_sinks))} of {len(found)}, first {'=' if found[0] == want_sinks[0] else '≠'}"
        per = est.n_read / args.size
        print(f"| {stride} | {est.n_read} ({per:.0f}) | {gap.max():.3f} / {gap.mean():.4f} | {cells} | {same} |")


if __name__ == "__main__":
    main()
