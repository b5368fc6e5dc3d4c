"""attnviz worked-example (or attnviz toy): every intermediate of attention by hand, as tables or JSON."""
from __future__ import annotations

import argparse
import json


# the examples by what they are (the package's names for them, which the page's links also use, on the right)
EXAMPLES = {"transformer-is-powerful": "seed-001", "qkv-given": "seed-000", "custom": "custom"}
OLD_NAMES = ("seed-001", "seed-000")  # still taken, as older scripts wrote them


def add_parser(sub) -> None:
    toy = sub.add_parser("worked-example", aliases=["toy"], help="the worked example: every intermediate of attention by hand",
                         description="Compute the worked example and print every intermediate by name "
                                     "(X, PE, X_plus_PE, W_Q, W_K, W_V, Q, K, V, scores, scaled_scores, mask, "
                                     "masked_scores, weights, output; concat, W_O, final with several heads).")
    toy.add_argument("--example", "--preset", dest="preset", default="transformer-is-powerful",
                     choices=[*EXAMPLES, *OLD_NAMES], metavar="{" + ",".join(EXAMPLES) + "}",
                     help="transformer-is-powerful: three words with embeddings and positions; qkv-given: two "
                          "tokens with Q, K and V given; custom: a random X")
    toy.add_argument("--weights", default="identity", choices=["identity", "random"], help="W_Q, W_K, W_V (and W_O)")
    toy.add_argument("--seed", type=int, default=0, help="seed of the random weights (and custom X)")
    toy.add_argument("--heads", type=int, default=1, help="number of heads (must divide d_model)")
    toy.add_argument("--mask", default="none", choices=["none", "causal", "padding"])
    toy.add_argument("--padding", type=int, default=0, help="padding tokens at the end (--mask padding)")
    toy.add_argument("--no-scale", action="store_true", help="leave out the division by √d_k")
    toy.add_argument("--tokens", type=int, default=4, help="custom: number of tokens (1-12)")
    toy.add_argument("--d-model", type=int, default=4, help="custom: dimensions (1-16)")
    toy.add_argument("--json", action="store_true", help="print JSON instead of tables")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from attnviz.lessons import worked_example
    from attnviz.core.errors import AttnvizError

    name = EXAMPLES.get(args.preset, args.preset)
    try:
        spec = worked_example.preset(name, weights=args.weights, seed=args.seed, n_heads=args.heads,
                          n_tokens=args.tokens, d_model=args.d_model)
        spec.mask, spec.n_padding, spec.scale = args.mask, args.padding, not args.no_scale
        result = worked_example.run_toy(spec)
    except ValueError as exc:
        raise AttnvizError(str(exc)) from exc
    if args.json:
        print(json.dumps(worked_example.to_json(result), indent=1, ensure_ascii=False))
        return 0
    print(f"tokens: {', '.join(spec.tokens)}   d_k = {result.d_k}   heads = {len(result.heads)}   "
          f"mask = {spec.mask}   scaled = {spec.scale}")
    with np.printoptions(precision=6, suppress=True, linewidth=120):
        for name, value in result.steps.items():
            print(f"\n{name}:\n{value}")
    for note in worked_example.seed_notes(name):
        print(f"\nnote on the example: {note}")
    return 0
