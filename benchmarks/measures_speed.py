"""Cost of each measure and causal tool against one plain forward, and how much of MiniLM's attention weight and of
its norm-based attention goes to [CLS] and [SEP].

    python benchmarks/measures_speed.py [--device cpu] [--threads 2] [--long 512]

Prints markdown tables; copy them into benchmarks/RESULTS.md with the machine they ran on.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from attnviz import load_model
from attnviz.analysis.causal import ablate_heads, direct_logit_attribution, patch_heads
from attnviz.analysis.measures import agreement, measure
from attnviz.analysis.prompts import make_prompt, token_id
from attnviz.analysis.targets import NextToken, Similarity
from attnviz.models.forward import Prompt, forward

TEXT = ("The old lighthouse keeper climbed the stairs every evening to light the lamp, and the ships that passed "
        "in the night trusted its beam to guide them home. One winter the storms came early and the sea rose "
        "higher than anyone in the village could remember. ")
METHODS = ("weight", "norm", "norm-layer", "alti", "value-zeroing", "grad-input")


def prompt_of(model, n_tokens: int, first: str = "The") -> Prompt:
    """Exactly n_tokens ids (a closing special token kept at the end for an encoder)."""
    text = first + TEXT[3:] + TEXT * (4 * n_tokens // len(TEXT.split()) + 1)
    full = make_prompt(model, text)
    ids = list(full.ids)
    keep_last = model.info.architecture == "encoder" and ids[-1] in model.codec.special_ids()
    ids = ids[: n_tokens - 1] + ids[-1:] if keep_last else ids[:n_tokens]
    return Prompt(tuple(ids))


REPEATS = 1


def timed(fn, repeats: int | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process), the least of `repeats` runs: on a machine shared with other
    work the CPU time is the steadier of the two."""
    walls, cpus = [], []
    for _ in range(repeats or REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def costs(spec: str, n_tokens: int, device: str) -> list[tuple[str, tuple[float, float]]]:
    model = load_model(spec, device=device)
    prompt = prompt_of(model, n_tokens)
    if model.info.architecture == "encoder":
        target = Similarity(make_prompt(model, "A storm kept the ships away from the village."))
    else:
        target = NextToken(token_id(model, " sea"))

    def plain():
        with torch.no_grad():
            forward(model, prompt)
    plain()  # warm-up
    rows = [("plain forward", timed(plain, 3))]
    for method in METHODS:
        rows.append((method, timed(lambda method=method: measure(model, prompt, method, target=target))))
    last = model.info.n_layers - 1
    rows.append(("value-zeroing, one layer", timed(lambda: measure(model, prompt, "value-zeroing", layers=[last]))))
    weight = measure(model, prompt, "weight").values
    norm = measure(model, prompt, "norm").values
    rows.append(("agreement (norm vs weight)", timed(lambda: agreement(norm, weight))))
    rows.append(("ablation, zero (every head)", timed(lambda: ablate_heads(model, prompt, target))))
    if model.info.architecture != "encoder":
        rows.append(("direct logit attribution", timed(lambda: direct_logit_attribution(model, prompt, target))))
    other = prompt_of(model, n_tokens, first="One")
    rows.append(("patching A→B (every head)", timed(lambda: patch_heads(model, prompt, other, target))))
    return rows


def special_shares(device: str, n_tokens: int = 128) -> list[tuple[int, float, float]]:
    """Per layer: the share of the attention weight and of the norm-based attention (per head, summed over the
    rows and heads) that goes to [CLS] and [SEP]."""
    model = load_model("minilm", device=device)
    prompt = prompt_of(model, n_tokens)
    special = torch.tensor([i in model.codec.special_ids() for i in prompt.ids], device=model.device)
    out = []
    for_weight = measure(model, prompt, "weight").values  # [layer, head, query, key]
    for_norm = measure(model, prompt, "norm").values
    for layer in range(for_weight.shape[0]):
        w, n = for_weight[layer], for_norm[layer]
        out.append((layer, float(w[..., special].sum() / w.sum()), float(n[..., special].sum() / n.sum())))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--long", type=int, default=512, help="the longer MiniLM input (0: skip it)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each (the least is kept)")
    ap.add_argument("--only", default="", help="run only this model:tokens, e.g. minilm:512")
    args = ap.parse_args()
    global REPEATS
    REPEATS = args.repeats
    torch.set_num_threads(args.threads)
    print(f"machine: {platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}, "
          f"device {args.device}\n")
    runs = [("minilm", 128), ("glassllm-en", 128)] + ([("minilm", args.long)] if args.long else [])
    if args.only:
        spec, n = args.only.split(":")
        runs = [(spec, int(n))]
    print("| model | tokens | what | wall s | CPU s | × one forward (CPU) |")
    print("|---|---|---|---|---|---|")
    for spec, n in runs:
        rows = costs(spec, n, args.device)
        base = rows[0][1][1]
        for what, (wall, cpu) in rows:
            print(f"| {spec} | {n} | {what} | {wall:.3f} | {cpu:.3f} | {cpu / base:.1f} |", flush=True)
    if args.only:
        return
    print("\nMiniLM, 128 tokens: share of each layer's attention that goes to [CLS] and [SEP]\n")
    print("| layer | weight α | norm ‖αf(x)‖ |")
    print("|---|---|---|")
    for layer, weight_share, norm_share in special_shares(args.device):
        print(f"| {layer} | {weight_share:.3f} | {norm_share:.3f} |")


if __name__ == "__main__":
    main()
