"""attnviz dla MODEL TEXT --target TOKEN: direct logit attribution, the target's logit split into what each part
of the model writes into the residual stream."""
from __future__ import annotations

import argparse

from attnviz.cli.common import MODEL_HELP
from attnviz.cli.targets import add_run_args, add_target_args

TOP = 8  # parts a summary names


def add_parser(sub) -> None:
    p = sub.add_parser("dla", help="direct logit attribution: the target's logit split into embeddings, heads, MLPs",
                       description="Run MODEL on TEXT and split the logit of TOKEN at the last position (or "
                                   "logit(TOKEN) − logit(OTHER)) into what each part writes into the residual "
                                   "stream, read through the final layer norm (its scale frozen) onto the "
                                   "unembedding: the embeddings, each head (and per source token), each attention "
                                   "bias, each MLP and the final biases, which add up to the logit. Needs a pre-LN "
                                   "model with a language-model head (GPT-2, Llama, T5, glassllm, the from-scratch "
                                   "decoders). --json prints {\"tokens\", \"target\", \"logit\", \"embeddings\", "
                                   "\"heads\": {kind: [layer][head]}, \"per_source\": {kind: [layer][head][key_pos]}, "
                                   "\"attention_bias\", \"mlp\", \"final_bias\"}.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("text", metavar="TEXT", help="the text to run (an encoder-decoder's source)")
    add_target_args(p, required=True, similarity=False)
    add_run_args(p, kind=False)
    p.add_argument("--json", action="store_true", help="print everything as JSON (default: a short summary)")


def run(args: argparse.Namespace) -> int:
    from attnviz.analysis.causal import direct_logit_attribution
    from attnviz.analysis.prompts import make_prompt
    from attnviz.cli.targets import print_json, target_json, target_of
    from attnviz.figures.causal import dla_parts, logit_label
    from attnviz.models.loading import load_model

    model = load_model(args.model, device=args.device)
    prompt = make_prompt(model, args.text, args.decoder_text)
    target = target_of(args, model)
    result = direct_logit_attribution(model, prompt, target)
    if args.json:
        print_json({**result.to_json(), "model": model.info.name, "target": target_json(target, args),
                    "key_tokens": result.key_tokens})
        return 0
    parts = dla_parts(result)
    print(f"{model.info.name}: {logit_label(args.target, args.other)} = {result.logit:.4f} at position "
          f"{result.position} “{result.tokens[result.position]}”, the sum of {len(parts)} parts; the largest:")
    for _, row in parts.reindex(parts["value"].abs().sort_values(ascending=False).index).head(TOP).iterrows():
        print(f"  {row['part']:<24} {row['value']:+.4f}")
    return 0
