"""Capture time and peak memory in both modes against a plain SDPA forward; one head and the overview on demand.

    python benchmarks/qk_capture.py [--tokens 512 1024 2048] [--repeats 3] [--device cpu]

A GPT-2-small-sized model with random weights (12 layers, 12 heads, d_model 768, its 50,257-token LM
head) runs each measurement in a fresh process: "plain" is the model's own SDPA forward (no attentions),
"eager" stores every weight, "qk" records queries and keys while SDPA runs. Peak memory is the rise of the
process's peak resident memory over its size after loading the model (Linux: VmHWM, reset through
/proc/self/clear_refs), or torch's peak allocation on CUDA. Prints a markdown table with ratios.
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


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _model(device: str):
    import torch
    import transformers as tf

    from attnviz.models.huggingface import hf_info
    from attnviz.models.loading import LoadedModel
    from attnviz.models.recording import install
    from attnviz.models.tokens import HFCodec
    from tests.builders import _bpe_tokenizer

    torch.manual_seed(0)
    dtype = torch.float16 if device == "cuda" else torch.float32
    net = tf.GPT2LMHeadModel(tf.GPT2Config(n_layer=12, n_head=12, n_embd=768, n_positions=8192)).eval()
    net.to(device=device, dtype=dtype)
    install(net)
    tok = _bpe_tokenizer({"eos_token": "<|endoftext|>", "bos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"})
    info = hf_info(net, "gpt2-small-random")
    return LoadedModel("gpt2-small-random", net, HFCodec(tok), info, torch.device(device), dtype, "hf")


def one(what: str, n: int, repeats: int, device: str) -> dict:
    """One measurement, in this process: time (median of `repeats` after a cold run) and the cold run's peak."""
    import torch

    from attnviz import capture
    from attnviz.analysis import reduce

    torch.manual_seed(0)
    model = _model(device)
    ids = torch.randint(5, 250, (n,)).tolist()
    x = torch.tensor([ids], device=device)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    def run():
        if what == "plain":
            model.module.set_attn_implementation("sdpa")
            with torch.no_grad():
                out = model.module(input_ids=x)
            model.module.set_attn_implementation("attnviz")
            return out
        return capture(model, None, ids=ids, mode=what)

    base = _status("VmRSS") if device == "cpu" else torch.cuda.memory_allocated()
    if device == "cpu":
        _reset_peak()
    else:
        torch.cuda.reset_peak_memory_stats()
    result = run()
    sync()
    peak = (_status("VmHWM") if device == "cpu" else torch.cuda.max_memory_allocated()) - base
    times = []
    for _ in range(repeats):
        del result
        t = time.perf_counter()
        result = run()
        sync()
        times.append(time.perf_counter() - t)
    out = {"what": what, "tokens": n, "seconds": statistics.median(times), "peak_mb": peak / 2**20}
    if what != "plain":
        cap = result
        out["capture_mb"] = cap.nbytes() / 2**20
        head_t, view_t = [], []
        for i in range(repeats):
            t = time.perf_counter()
            cap.head("self", 5, i)
            sync()
            head_t.append(time.perf_counter() - t)
            cap.source("self").memo.clear()  # the overview is kept on the capture once computed: time the work
            t = time.perf_counter()
            reduce.pooled(cap.source("self"), 32)
            sync()
            view_t.append(time.perf_counter() - t)
        out["head_ms"] = statistics.median(head_t) * 1000
        out["view_ms"] = statistics.median(view_t) * 1000
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, nargs="+", default=[512, 1024, 2048])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--modes", nargs="+", default=["plain", "qk", "eager"])
    ap.add_argument("--one", nargs=2, metavar=("WHAT", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]), args.repeats, args.device)))
        return
    import torch

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, device {args.device}, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    env = {**os.environ, "ATTNVIZ_CAPTURE_MAX_MB": "100000"}  # measure eager even past the app's budget
    print("| tokens | mode | capture s | × plain | peak MB | × plain | capture holds MB | one head ms | pooled view ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in args.tokens:
        plain = None
        for what in args.modes:
            proc = subprocess.run([sys.executable, __file__, "--one", what, str(n), "--repeats", str(args.repeats),
                                   "--device", args.device], capture_output=True, text=True, env=env, cwd=ROOT)
            if proc.returncode != 0:
                print(f"| {n} | {what} | failed: {proc.stderr.strip().splitlines()[-1][:80]} |")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            if what == "plain":
                plain = r
                print(f"| {n} | plain SDPA forward | {r['seconds']:.2f} | 1.0 | {r['peak_mb']:,.0f} | 1.0 | — | — | — |")
                continue
            ratio_t = f"{r['seconds'] / plain['seconds']:.2f}" if plain else "—"
            ratio_m = f"{r['peak_mb'] / plain['peak_mb']:.2f}" if plain and plain["peak_mb"] > 0 else "—"
            print(f"| {n} | {what} | {r['seconds']:.2f} | {ratio_t} | {r['peak_mb']:,.0f} | {ratio_m} | "
                  f"{r['capture_mb']:,.0f} | {r['head_ms']:.0f} | {r['view_ms']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
