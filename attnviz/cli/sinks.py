"""attnviz sinks MODEL TEXT: where attention collects (Xiao et al. 2023; Gu et al. 2024) — per head the mean weight on
the first token (α₁) and the keys that receive most, Gu et al.'s sink rate, and the sinks over every head."""
from __future__ import annotations

import argparse
import json

from attnviz.cli.common import MODEL_HELP
from attnviz.cli.long_text import add_text_args, add_window_args, load_and_capture
from attnviz.cli.targets import KINDS


def add_parser(sub) -> None:
    p = sub.add_parser("sinks", help="attention sinks: each head's weight on the first token, Gu et al.'s rate",
                       description="One pass over every head's rows: the mean weight each key receives. Per head, "
                                   "α₁ (the mean weight on the first token) and the K keys that receive most; Gu et "
                                   "al.'s sink rate, the share of heads with α₁ > ε; and the K keys that receive most "
                                   "over every head (what `zoom --aside` and the explorer set aside).")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    add_text_args(p)
    p.add_argument("--k", type=int, default=4, help="keys listed per head (default 4, StreamingLLM's sinks)")
    p.add_argument("--epsilon", type=float, default=0.3, help="Gu et al.'s threshold on α₁ (default 0.3)")
    p.add_argument("--kind", default="self", choices=KINDS)
    add_window_args(p)
    p.add_argument("--json", action="store_true",
                   help="print first_token[layer][head], positions and shares [layer][head][k], rate, overall as JSON")
    p.add_argument("--device", default="auto")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from attnviz.analysis.sinks import sinks

    model, cap = load_and_capture(args, args.kind)
    found = sinks(cap.source(args.kind), k=max(1, args.k), epsilon=args.epsilon)
    keys = cap.axes(args.kind)[1]
    if args.json:
        print(json.dumps({"model": model.info.name, "kind": args.kind, "tokens": len(keys),
                          "first_token": np.round(found.first_token.astype(np.float64), 6).tolist(),
                          "positions": found.positions.tolist(),
                          "shares": np.round(found.shares.astype(np.float64), 6).tolist(),
                          "rate": found.rate, "epsilon": found.epsilon, "overall": found.overall.tolist(),
                          "overall_tokens": [keys[p] for p in found.overall],
                          "overall_shares": np.round(found.overall_shares.astype(np.float64), 6).tolist()},
                         ensure_ascii=False))
        return 0
    layers, heads = found.first_token.shape
    print(f"{model.info.name} on {len(keys)} tokens: sink rate (Gu et al. 2024) {found.rate:.0%} of {layers * heads} "
          f"heads have α₁ > {found.epsilon:g}")
    print("over every head the keys that receive most: "
          + ", ".join(f"{p} “{keys[p]}” ({s:.1%})" for p, s in zip(found.overall, found.overall_shares)))
    print("α₁, the mean weight on the first token, per layer × head:")
    print("     " + "".join(f"h{h}".rjust(7) for h in range(heads)))
    for layer in range(layers):
        print(f"L{layer}".ljust(5) + "".join(f"{v:7.3f}" for v in found.first_token[layer]))
    return 0
