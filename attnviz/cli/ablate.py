"""attnviz ablate MODEL TEXT --target TOKEN: each head's output set to zero (or its mean), the change in the target."""
from __future__ import annotations

import argparse

from attnviz.cli.common import MODEL_HELP
from attnviz.cli.targets import add_run_args, add_target_args

TOP = 5  # heads a summary names


def add_parser(sub) -> None:
    p = sub.add_parser("ablate", help="ablate each head alone and print the change in a target, per layer × head",
                       description="Run MODEL on TEXT once per head with that head's output set to zero (or to its "
                                   "mean over the text's positions) and print the change in the target: delta = "
                                   "ablated − clean, per layer × head. The target is the log-probability of TOKEN "
                                   "as the next token at the last position (logit(TOKEN) − logit(OTHER) with "
                                   "--other), or for a sentence encoder the similarity to --compare-with. --json "
                                   "prints {\"tokens\", \"target\", \"baseline\", \"delta\": [layer][head]}.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("text", metavar="TEXT", help="the text to run (an encoder-decoder's source)")
    add_target_args(p, required=True)
    p.add_argument("--how", default="zero", choices=["zero", "mean"],
                   help="zero: the head outputs nothing; mean: its mean output over the positions")
    add_run_args(p)
    p.add_argument("--json", action="store_true", help="print everything as JSON (default: a short summary)")


def run(args: argparse.Namespace) -> int:
    from attnviz.analysis.causal import ablate_heads
    from attnviz.analysis.prompts import make_prompt
    from attnviz.cli.targets import print_json, target_json, target_of
    from attnviz.core.types import KIND_LABELS
    from attnviz.figures.causal import target_label
    from attnviz.models.loading import load_model

    model = load_model(args.model, device=args.device)
    prompt = make_prompt(model, args.text, args.decoder_text)
    target = target_of(args, model)
    result = ablate_heads(model, prompt, target, kind=args.kind, how=args.how)
    if args.json:
        print_json({**result.to_json(), "model": model.info.name, "target": target_json(target, args)})
        return 0
    words = target_label(target, args.target, args.other)
    print(f"{model.info.name}, {KIND_LABELS[args.kind]}, {len(result.tokens)} tokens: {words} = {result.baseline:.4f} "
          f"on the clean run; each head set to {'zero' if args.how == 'zero' else 'its mean'}:")
    for layer, head, value in ranked(result.delta)[:TOP]:
        print(f"  L{layer} h{head}  {value:+.4f}")
    return 0


def ranked(grid) -> list[tuple[int, int, float]]:
    """(layer, head, value) by |value|, largest first (NaN left out)."""
    import numpy as np

    cells = [(int(layer), int(head), float(grid[layer, head])) for layer, head in np.ndindex(grid.shape)
             if np.isfinite(grid[layer, head])]
    return sorted(cells, key=lambda c: -abs(c[2]))
