"""attnviz heads MODEL TEXT (or --survey DIR): every head's type scores and the type it is given (a census)."""
from __future__ import annotations

import argparse
import json

from attnviz.cli.common import MODEL_HELP

TYPES_HELP = ("induction, duplicate_token, previous_token, offset, retrieval, first_token, delimiter, local, broad")


def add_parser(sub) -> None:
    hd = sub.add_parser("heads", help="name every head by what it does: type scores per head and a census",
                        description="Score every layer × head of MODEL on TEXT for each head type (previous-token, "
                                    "duplicate-token, induction, first-token or sink, delimiter, local, broad, fixed "
                                    "offset) and give each head the type furthest past its threshold (none when "
                                    "no score passes). With --survey DIR, the robust census of a survey folder "
                                    "(`attnviz survey`): each score's median over the texts, its interquartile "
                                    "range and count. Prints a layer × head table, or everything as JSON with --json.")
    hd.add_argument("model", metavar="MODEL", nargs="?", help=MODEL_HELP + " (not with --survey)")
    hd.add_argument("text", metavar="TEXT", nargs="?", help="the text the scores are measured on (not with --survey)")
    hd.add_argument("--survey", default=None, metavar="DIR", help="a survey folder: its census over all its texts")
    hd.add_argument("--threshold", action="append", default=[], metavar="TYPE=VALUE",
                    help=f"change a type's threshold (0 to below 1; repeat for several). Types: {TYPES_HELP}")
    hd.add_argument("--induction", default="probes", choices=["probes", "text"],
                    help="probes: repeated random sequences of the model's tokens (Olsson et al. 2022); text: the "
                         "text's own repeated run (a toy task's sample)")
    hd.add_argument("--probes", type=int, default=None, help="how many random probes (default 4)")
    hd.add_argument("--seed", type=int, default=0, help="the probes' seed")
    hd.add_argument("--json", action="store_true",
                    help="print scores[type][layer][head] (null: not measured), assigned[layer][head], the "
                         "thresholds and definitions (and over a survey the spread and counts) as JSON")
    hd.add_argument("--device", default="auto")


def thresholds(pairs: list[str]) -> dict[str, float]:
    """TYPE=VALUE pairs as a dict, checked as the census checks them (AttnvizError: a message, not a traceback)."""
    from attnviz.analysis.headtypes.census import thresholds_with
    from attnviz.core.errors import AttnvizError

    out: dict[str, float] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise AttnvizError(f"--threshold takes TYPE=VALUE (for example previous_token=0.5), not {pair!r}")
    try:
        thresholds_with(out)
    except ValueError as exc:
        raise AttnvizError(str(exc)) from exc
    return out


def cell(census, layer: int, head: int) -> str:
    """A head's type in a few characters (a fixed-offset head with its offset: offset+2), or · for none."""
    from attnviz.analysis.headtypes.definitions import SHORT

    name = census.assigned[layer][head]
    if name is None:
        return "·"
    return SHORT[name] + (f"{int(census.offsets[layer, head]):+d}" if name == "offset" else "")


def table(census) -> str:
    """The census as text: a row per layer, a column per head, each cell the assigned type's short name (· none)."""
    from attnviz.analysis.headtypes.definitions import HEAD_TYPES, ORDER, SHORT

    layers, heads = census.shape
    width = max(5, *(len(cell(census, l, h)) for l in range(layers) for h in range(heads))) + 1
    lines = ["    " + "".join(f"h{h}".ljust(width) for h in range(heads)).rstrip()]
    for layer in range(layers):
        cells = [cell(census, layer, h) for h in range(heads)]
        lines.append(f"L{layer}".ljust(4) + "".join(c.ljust(width) for c in cells).rstrip())
    used = census.types()
    lines.append("")
    lines.append("types: " + (", ".join(f"{SHORT[n]} = {HEAD_TYPES[n].label} ({len(census.heads_of(n))})"
                                         for n in used) or "none past its threshold") + "; · = none")
    lines.append("thresholds: " + ", ".join(f"{n} {census.thresholds[n]:g}" for n in ORDER if n in census.scores))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from attnviz.core.errors import AttnvizError

    limits = thresholds(args.threshold)
    if args.survey:
        if args.model or args.text:
            raise AttnvizError("give either MODEL TEXT or --survey DIR, not both")
        from attnviz.survey.census import survey_census
        from attnviz.survey.query import Survey

        with Survey(args.survey) as survey:
            result = survey_census(survey, limits)
        about = f"{result.model} over {result.texts} texts of {args.survey} (medians)"
    else:
        if not (args.model and args.text):
            raise AttnvizError("give MODEL and TEXT (or --survey DIR)")
        from attnviz.analysis.headtypes.census import census
        from attnviz.analysis.headtypes.probe import PROBES
        from attnviz.models.loading import load_model

        model = load_model(args.model, device=args.device)
        try:
            result = census(model, args.text, limits, induction=args.induction, seed=args.seed,
                            probes=PROBES if args.probes is None else args.probes)
        except ValueError as exc:
            raise AttnvizError(str(exc)) from exc
        about = f"{result.model} on {args.text!r}"
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return 0
    print(f"{about}: {result.shape[0]} layers × {result.shape[1]} heads")
    print(table(result))
    for note in result.notes:
        print(f"note: {note}")
    return 0
