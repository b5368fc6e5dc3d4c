"""Long documents on the CPU: q/k capture against a plain forward, then what the long-context views cost.

    python benchmarks/long_context.py [--tokens 2048 4096 8192] [--repeats 1]

A GPT-2-small-sized model with random weights (12 layers, 12 heads, d_model 768, the 50,257-token LM head,
n_positions 8192) runs each measurement in a fresh process: "plain" is its own SDPA forward, "qk" the q/k
capture. Peak memory is the rise of the process's peak resident memory over its size after loading the model
(VmHWM, reset through /proc/self/clear_refs), for the first (cold) run; times are medians of `repeats` runs
after it. On the capture, each view is timed from cold (the capture's memo cleared first):
- overview: one head pooled to 512 × 512 cells, max-pooling (zoom.overview);
- region: a 512 × 512 region at full resolution around the middle of the diagonal (zoom.region);
- model view: every layer × head pooled to 32 × 32 (zoom.model_view, the one pass of layer_pass.summarise);
- statistics: reduce.head_statistics from cold (the same pass), then again once the model view has run;
- first look: the pass over one query row in every `stride` (layer_sample.estimate), what the page draws first
  on a long input, then the model view and the statistics reading it, and how far they are from the exact pass;
- sentence map: one head pooled to "sentences" of 32 tokens (documents.unit_attention).
Payload: the bytes each view's numbers take (float32), and a bare plotly heatmap's JSON for the 2-D ones.
Targets at 8,192 tokens (issue 28): capture ≤ 1.5× the plain forward's time and peak memory, overview < 1 s,
region < 300 ms, model view and statistics < 3 s each.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from qk_capture import _model, _reset_peak, _status  # the same model and memory probe

LAYER, HEAD = 5, 3
SENTENCE = 32  # tokens per "sentence" of the sentence map on random ids


CPU = {}  # view -> median CPU seconds of this process (all its threads), beside the wall time


def _clock(fn, repeats: int = 1, clear=None, name: str | None = None) -> tuple[float, object]:
    """(median wall seconds over `repeats`, last result); `clear` runs before each timing, untimed."""
    times, cpu, result = [], [], None
    for _ in range(repeats):
        if clear:
            clear()
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    if name:
        CPU[name] = statistics.median(cpu)
    return statistics.median(times), result


def _heatmap_json(values) -> int:
    import plotly.graph_objects as go

    return len(go.Figure(go.Heatmap(z=values)).to_json())


def _first_error(first_thumbs, thumbs, first_stats, stats, first_sinks, exact_sinks) -> dict:
    """How far the first look is from the exact pass: the model view as drawn (each thumbnail scaled to its own
    maximum), each statistic (largest difference, and the exact values' spread over the heads), the sinks."""
    import numpy as np

    def drawn(t):
        return t / np.maximum(t.max(axis=(-1, -2), keepdims=True), 1e-9)

    gap = np.abs(drawn(first_thumbs) - drawn(thumbs))
    return {"view_max": float(gap.max()), "view_mean": float(gap.mean()),
            "stats": {name: [float(np.abs(first_stats[name] - stats[name]).max()), float(np.ptp(stats[name]))]
                      for name in stats},
            "sinks": [len({int(p) for p in first_sinks} & {int(p) for p in exact_sinks}), len(exact_sinks),
                      int(first_sinks[0]) == int(exact_sinks[0])]}


def one(what: str, n: int, repeats: int, threads: int = 0) -> dict:
    """One measurement in this process (plain forward or q/k capture with its views)."""
    import numpy as np
    import torch

    from attnviz import capture
    from attnviz.analysis import documents, layer_sample, reduce, sinks, zoom

    torch.manual_seed(0)
    if threads:
        torch.set_num_threads(threads)
    model = _model("cpu")
    ids = torch.randint(5, 250, (n,)).tolist()
    x = torch.tensor([ids])

    def run():
        if what == "plain":
            model.module.set_attn_implementation("sdpa")
            with torch.no_grad():
                out = model.module(input_ids=x)
            model.module.set_attn_implementation("attnviz")
            return out
        return capture(model, None, ids=ids, mode="qk")

    base = _status("VmRSS")
    _reset_peak()
    result = run()
    peak = _status("VmHWM") - base
    seconds, result = _clock(lambda: run(), repeats, name="capture")
    out = {"what": what, "tokens": n, "seconds": seconds, "peak_mb": peak / 2**20, "cpu": CPU}
    if what == "plain":
        return out
    cap = result
    src = cap.source("self")
    clear = src.memo.clear
    out["holds_mb"] = cap.nbytes() / 2**20
    out["overview_s"], over = _clock(lambda: zoom.overview(src, LAYER, HEAD, 512, "max"), repeats, clear, "overview")
    mid = n // 2
    rows, cols = (mid, min(n, mid + 512)), (max(0, mid - 256), min(n, max(0, mid - 256) + 512))
    out["region_s"], reg = _clock(lambda: zoom.region(src, LAYER, HEAD, rows, cols, None, "max"), max(3, repeats),
                                  name="region")
    # the page's first look: the pass over a sample of rows (layer_sample), then the views reading it
    out["first_look_s"], first = _clock(lambda: layer_sample.estimate(src, 32), repeats, clear, "first look")
    out["stride"], out["sampled_rows"], out["dense"] = first.stride, first.n_read, first.dense
    out["first_view_s"], first_thumbs = _clock(lambda: zoom.model_view(src, 32, "mean"), 3)
    out["first_stats_s"], first_stats = _clock(lambda: reduce.head_statistics(cap), 3)
    first_sinks = sinks.sinks(src).overall
    # the exact pass, as the button on the page (or any caller with no first look) runs it
    out["model_view_s"], thumbs = _clock(lambda: zoom.model_view(src, 32, "mean"), repeats, clear, "model view")
    out["stats_s"], stats = _clock(lambda: reduce.head_statistics(cap), repeats, clear, "statistics")
    clear()
    zoom.model_view(src, 32, "mean")
    out["stats_after_view_s"], _ = _clock(lambda: reduce.head_statistics(cap), 3)
    out["first_error"] = _first_error(first_thumbs, thumbs, first_stats, stats, first_sinks, sinks.sinks(src).overall)
    units = np.arange(n) // SENTENCE
    out["sentence_map_s"], smap = _clock(lambda: documents.unit_attention(src, LAYER, units, heads=[HEAD]), repeats,
                                        name="sentence map")
    out["shading_s"], shade = _clock(lambda: documents.shading(src, LAYER, HEAD, (n - 1, n)), 3)
    out["payload"] = {
        "overview": [over.values.nbytes, _heatmap_json(over.values)],
        "region": [reg.values.nbytes, _heatmap_json(reg.values)],
        "model view": [thumbs.nbytes, None],
        "statistics": [sum(v.nbytes for v in stats.values()), None],
        "sentence map": [smap.nbytes, _heatmap_json(smap[0])],
        "shading": [shade.nbytes, None],
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, nargs="+", default=[2048, 4096, 8192])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="torch threads in each measurement (0: torch's default)")
    ap.add_argument("--one", nargs=2, metavar=("WHAT", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]), args.repeats, args.threads)))
        return
    import torch

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"threads {args.threads or torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f} at start")
    env = {**os.environ, "ATTNVIZ_CAPTURE_MAX_MB": "100000", "ATTNVIZ_MAX_TOKENS": "0"}
    rows = []
    for n in args.tokens:
        got = {}
        for what in ("plain", "qk"):
            proc = subprocess.run([sys.executable, __file__, "--one", what, str(n), "--repeats", str(args.repeats),
                                   "--threads", str(args.threads)],
                                  capture_output=True, text=True, env=env, cwd=ROOT, check=False)
            if proc.returncode != 0:
                print(f"{n} {what} failed: {proc.stderr.strip().splitlines()[-1][:200]}", flush=True)
                continue
            got[what] = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(got)
        print(f"... {n} tokens done, load average {os.getloadavg()[0]:.1f}", flush=True)
    print("\n| tokens | plain forward s | q/k capture s | × plain | plain peak MB | q/k peak MB | × plain | capture holds MB |")
    print("|---|---|---|---|---|---|---|---|")
    for got in rows:
        p, q = got.get("plain"), got.get("qk")
        if not (p and q):
            continue
        print(f"| {q['tokens']:,} | {p['seconds']:.1f} | {q['seconds']:.1f} | {q['seconds'] / p['seconds']:.2f} | "
              f"{p['peak_mb']:,.0f} | {q['peak_mb']:,.0f} | {q['peak_mb'] / p['peak_mb']:.2f} | {q['holds_mb']:,.0f} |")
    print("\n| tokens | overview 512² (max) ms | region 512² ms | model view s | statistics s | statistics after the "
          "model view ms | sentence map (1 head) ms | shading (1 row) ms |")
    print("|---|---|---|---|---|---|---|---|")
    for got in rows:
        q = got.get("qk")
        if q:
            print(f"| {q['tokens']:,} | {q['overview_s'] * 1e3:,.0f} | {q['region_s'] * 1e3:,.0f} | "
                  f"{q['model_view_s']:.1f} | {q['stats_s']:.1f} | {q['stats_after_view_s'] * 1e3:.2f} | "
                  f"{q['sentence_map_s'] * 1e3:,.0f} | {q['shading_s'] * 1e3:.1f} |")
    print("\n| tokens | first look: rows read | first look s (CPU s) | then the model view ms | then the statistics ms | "
          "model view as drawn: largest / mean difference | statistics: largest difference (spread over heads) | "
          "sinks found (of the exact 4), the first the same |")
    print("|---|---|---|---|---|---|---|---|")
    for got in rows:
        q = got.get("qk")
        if q:
            e = q["first_error"]
            said = "; ".join(f"{name} {d:.3g} ({spread:.3g})" for name, (d, spread) in e["stats"].items())
            print(f"| {q['tokens']:,} | {q['sampled_rows']:,} (the first {q['dense']:,}, then 1 in {q['stride']}) | {q['first_look_s']:.2f} "
                  f"({q['cpu']['first look']:.2f}) | {q['first_view_s'] * 1e3:.2f} | {q['first_stats_s'] * 1e3:.2f} | "
                  f"{e['view_max']:.3f} / {e['view_mean']:.4f} | {said} | {e['sinks'][0]} of {e['sinks'][1]}, first "
                  f"{'=' if e['sinks'][2] else '≠'} |")
    print("\n| tokens | CPU s (all threads): plain forward | q/k capture | overview | region | model view | "
          "statistics | sentence map |")
    print("|---|---|---|---|---|---|---|---|")
    for got in rows:
        p, q = got.get("plain"), got.get("qk")
        if p and q:
            c = q["cpu"]
            print(f"| {q['tokens']:,} | {p['cpu']['capture']:.1f} | {c['capture']:.1f} | {c['overview']:.2f} | "
                  f"{c['region']:.3f} | {c['model view']:.1f} | {c['statistics']:.1f} | {c['sentence map']:.2f} |")
    print("\n| tokens | view | numbers KB (float32) | bare plotly heatmap JSON KB |")
    print("|---|---|---|---|")
    for got in rows:
        q = got.get("qk")
        if q:
            for view, (raw, js) in q["payload"].items():
                print(f"| {q['tokens']:,} | {view} | {raw / 1024:,.0f} | {'—' if js is None else f'{js / 1024:,.0f}'} |")


if __name__ == "__main__":
    main()
