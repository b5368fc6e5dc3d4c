"""attnviz patch MODEL TEXT_A TEXT_B --target TOKEN: each head patched alone from A into B, the share of the change
in the target it restores."""
from __future__ import annotations

import argparse

from attnviz.cli.common import MODEL_HELP
from attnviz.cli.targets import add_run_args, add_target_args

TOP = 5  # heads a summary names


def add_parser(sub) -> None:
    p = sub.add_parser("patch", help="patch each head from text A into text B and print the share of the change "
                                     "in a target it restores",
                       description="Run MODEL on TEXT_A and TEXT_B (two texts that differ in a detail: he/she), then "
                                   "on B once per head with that head's output replaced by its output on A at the "
                                   "positions that match, and print how much of the change in the target from B to "
                                   "A each head restores alone: (T_patched − T_B) / (T_A − T_B), per layer × head "
                                   "(null where A and B give the same target). --json prints {\"tokens_a\", "
                                   "\"tokens_b\", \"target\", \"value_a\", \"value_b\", \"delta\", \"restored\", "
                                   "\"pairs\", \"ranked\"}.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("text_a", metavar="TEXT_A", help="the text whose head outputs are patched in")
    p.add_argument("text_b", metavar="TEXT_B", help="the text run again with them")
    add_target_args(p, required=True)
    add_run_args(p)
    p.add_argument("--json", action="store_true", help="print everything as JSON (default: a short summary)")


def run(args: argparse.Namespace) -> int:
    from attnviz.analysis.causal import patch_heads
    from attnviz.analysis.prompts import make_prompt
    from attnviz.cli.targets import print_json, target_json, target_of
    from attnviz.core.types import KIND_LABELS
    from attnviz.figures.causal import target_label
    from attnviz.models.loading import load_model

    model = load_model(args.model, device=args.device)
    prompt_a = make_prompt(model, args.text_a, args.decoder_text)
    prompt_b = make_prompt(model, args.text_b, args.decoder_text)
    target = target_of(args, model)
    result = patch_heads(model, prompt_a, prompt_b, target, kind=args.kind)
    if args.json:
        print_json({**result.to_json(), "model": model.info.name, "target": target_json(target, args)})
        return 0
    words = target_label(target, args.target, args.other)
    print(f"{model.info.name}, {KIND_LABELS[args.kind]}: {words} = {result.value_a:.4f} on A, {result.value_b:.4f} on B; "
          f"{len(result.pairs)} positions patched")
    if all(v != v for row in result.restored for v in row):  # every share NaN: nothing to restore
        print("A and B give the same target: there is no change for a head to restore.")
        return 0
    print("the heads that carry the difference (share of the change each restores alone):")
    for layer, head, share in result.ranked()[:TOP]:
        print(f"  L{layer} h{head}  {share:+.1%}")
    return 0
