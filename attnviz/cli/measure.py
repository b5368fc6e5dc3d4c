"""attnviz measure MODEL TEXT --method M: a measure beyond the weights (norm, ALTI, value zeroing, gradient × input)
on the same layer × head × query × key grid, as JSON or a short summary."""
from __future__ import annotations

import argparse

from attnviz.cli.common import MODEL_HELP
from attnviz.cli.targets import add_run_args, add_target_args
from attnviz.i18n import Message, N_

METHODS = ("weight", "norm", "norm-layer", "alti", "alti-rollout", "value-zeroing", "value-zeroing-rollout",
           "grad-input")  # analysis.measures.METHODS, without importing torch for --help
NO_HEADS = N_("{method} measures whole layers: it has no heads, so leave out --head.")
OUT_OF_RANGE = N_("--{what} must be 0–{last} for this model's {kind}.")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "measure", help="a measure beyond the weights (norm, ALTI, value zeroing, gradient × input), per head or layer",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run MODEL on TEXT and print one measure on the attention's own grid.\n\n"
                    "--json prints {\"tokens\", \"method\", \"kind\", \"dims\", \"values\"}: values are nested\n"
                    "[layer][head][query_pos][key_pos] for the per-head methods (weight, norm, grad-input) and\n"
                    "[layer][query_pos][key_pos] for the layer-level ones (norm-layer, alti, value-zeroing and their\n"
                    "rollouts); \"dims\" names the dimensions actually printed. --layer L keeps one layer and drops\n"
                    "that dimension ([head][query_pos][key_pos], or [query_pos][key_pos]); --head H keeps one head\n"
                    "of every layer ([layer][query_pos][key_pos]); both give one matrix [query_pos][key_pos]. At 512\n"
                    "tokens the whole MiniLM grid is 19 million numbers: filter it. value-zeroing with --layer\n"
                    "computes only that layer (about one run of the layer per token). grad-input needs a target:\n"
                    "--target TOKEN for a model with a language-model head, --compare-with SENTENCE for a sentence\n"
                    "encoder. Values are NaN (null in JSON) where nothing was computed.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("text", metavar="TEXT", help="the text to run (an encoder-decoder's source)")
    p.add_argument("--method", required=True, choices=METHODS, help="the measure (see `attnviz measure --help`)")
    add_target_args(p, required=False)
    add_run_args(p)
    p.add_argument("--layer", type=int, default=None, metavar="L", help="keep layer L only (drops the layer dimension)")
    p.add_argument("--head", type=int, default=None, metavar="H",
                   help="keep head H of each layer only (drops the head dimension; per-head methods)")
    p.add_argument("--agreement", action="store_true",
                   help="also the measure's agreement with the weights: Spearman's ρ per query row, averaged, "
                        "[layer][head] (or [layer]), whatever the filters")
    p.add_argument("--json", action="store_true", help="print the values as JSON (default: a short summary)")


def _select(result, layer: int | None, head: int | None):
    """(values, dims) after the --layer and --head filters."""
    from attnviz.core.errors import AttnvizError
    from attnviz.core.types import KIND_LABELS

    values = result.values
    dims = ["layer", "head", "query_pos", "key_pos"] if result.per_head else ["layer", "query_pos", "key_pos"]
    if head is not None and not result.per_head:
        raise AttnvizError(Message(NO_HEADS, method=result.method))
    for what, index, axis in (("layer", layer, 0), ("head", head, 1)):
        if index is not None and not 0 <= index < values.shape[axis]:
            raise AttnvizError(Message(OUT_OF_RANGE, what=what, last=values.shape[axis] - 1,
                                       kind=KIND_LABELS[result.kind]))
    if head is not None:
        values, dims = values[:, head], [d for d in dims if d != "head"]
    if layer is not None:
        values, dims = values[layer], dims[1:]
    return values, dims


def run(args: argparse.Namespace) -> int:
    from attnviz.analysis.measures import METHODS as SPECS
    from attnviz.analysis.measures import NEEDS_TARGET, agreement, measure
    from attnviz.analysis.prompts import make_prompt
    from attnviz.cli.targets import print_json, target_json, target_of
    from attnviz.core.errors import AttnvizError
    from attnviz.models.loading import load_model

    model = load_model(args.model, device=args.device)
    prompt = make_prompt(model, args.text, args.decoder_text)
    target = target_of(args, model)
    if SPECS[args.method].needs_target and target is None:
        raise AttnvizError(Message(NEEDS_TARGET, method=args.method))
    layers = [args.layer] if args.method == "value-zeroing" and args.layer is not None and args.layer >= 0 else None
    result = measure(model, prompt, args.method, kind=args.kind, target=target, layers=layers)
    values, dims = _select(result, args.layer, args.head)
    rho = None
    if args.agreement:
        weights = result if args.method == "weight" else measure(model, prompt, "weight", kind=args.kind)
        rho = agreement(result.values, weights.values)
    if args.json:
        out = {"model": model.info.name, "tokens": list(result.tokens), "method": result.method, "kind": result.kind,
               "dims": dims, "layer": args.layer, "head": args.head, "values": values.float().cpu().numpy()}
        if result.key_tokens != result.tokens:
            out["key_tokens"] = list(result.key_tokens)
        if result.target is not None:
            out["target"], out["target_value"] = target_json(result.target, args), result.target_value
        if rho is not None:
            out["agreement"] = rho
        print_json(out)
        return 0
    _summary(model, result, values, dims, rho)
    return 0


def _summary(model, result, values, dims, rho) -> None:
    """A few lines: what was measured, then for each layer (or head, or the one matrix) where the largest value is."""
    import numpy as np

    from attnviz.analysis.measures import METHODS as SPECS
    from attnviz.core.types import KIND_LABELS
    from attnviz.figures.measured import measure_label

    spec = SPECS[result.method]
    a = values.float().cpu().numpy()
    shape = ", ".join(f"{d} {n}" for d, n in zip(dims, a.shape))
    print(f"{measure_label(result.method)} of {model.info.name}'s {KIND_LABELS[result.kind]} on "
          f"{len(result.key_tokens)} tokens: values [{shape}]; {spec.paper}")
    if result.target is not None:
        print(f"target on the clean run: {result.target_value:.4f}")
    groups = [("", a[None])] if a.ndim == 2 else [(f"{dims[0]} {i}: ", part) for i, part in enumerate(a)]
    for name, part in groups:
        size = np.abs(part) if spec.signed else part
        if not np.isfinite(size).any():
            print(f"{name}not computed")
            continue
        where = np.unravel_index(int(np.nanargmax(size)), part.shape)
        head = f"head {where[0]}, " if part.ndim == 3 and len(dims) == 4 else ""
        q, k = where[-2:]
        print(f"{name}largest {part[where]:.4f} at {head}query {q} “{result.tokens[q]}” ← key {k} "
              f"“{result.key_tokens[k]}”")
    if rho is not None:
        for layer in range(rho.shape[0]):
            row = np.asarray(rho[layer], dtype=np.float64)
            mean = f"mean ρ {np.nanmean(row):.3f}" if np.isfinite(row).any() else "none to measure"
            print(f"agreement with the weights, layer {layer}: {mean}")
