"""attnviz compare MODEL_A MODEL_B TEXT: token alignment, head distances and best matches."""
from __future__ import annotations

import argparse
import json
import sys

from attnviz.cli.common import MODEL_HELP


def add_parser(sub) -> None:
    cmp = sub.add_parser("compare", help="compare two models (or two texts) head by head",
                         description="Run MODEL_A on TEXT and MODEL_B on TEXT (or --text-b), align their tokens by "
                                     "characters, and measure every head of A against every head of B "
                                     "(Jensen-Shannon divergence, base 2, between aligned attention rows, averaged "
                                     "over queries). Prints a summary, or everything as JSON with --json.")
    cmp.add_argument("model_a", metavar="MODEL_A", help=MODEL_HELP)
    cmp.add_argument("model_b", metavar="MODEL_B", help="the same kinds of model as MODEL_A (it may be the same one)")
    cmp.add_argument("text", metavar="TEXT", help="the text both read (A's text when --text-b is given)")
    cmp.add_argument("--text-b", default=None, help="B's text (default: TEXT)")
    cmp.add_argument("--positions-b", default="normal", choices=["normal", "shuffled", "removed"],
                     help="B's positions: shuffled or removed shows what positions do (same model, same text)")
    cmp.add_argument("--json", action="store_true",
                     help="print the alignment, the distance matrix, best matches and the heads ranked by how much "
                          "they changed (changes) as JSON")
    cmp.add_argument("--out", default=None, metavar="REPORT.html",
                     help="also write a standalone offline HTML report (with both models' head-type censuses)")
    cmp.add_argument("--device", default="auto")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from attnviz.analysis.compare import compare
    from attnviz.analysis.head_changes import head_changes
    from attnviz.capture.api import capture
    from attnviz.core.errors import AttnvizError
    from attnviz.figures.compare_report import report_html
    from attnviz.models.loading import load_model

    text_b = args.text if args.text_b is None else args.text_b
    caps, names, models = [], [], []
    for side, spec, text, positions in (("A", args.model_a, args.text, "normal"),
                                        ("B", args.model_b, text_b, args.positions_b)):
        try:
            model = load_model(spec, device=args.device)
            caps.append(capture(model, text, positions=positions))
        except AttnvizError as exc:
            raise AttnvizError(f"model {side} ({spec}): {exc}") from exc
        names.append(model.info.name)
        models.append(model)
    result = compare(*caps)
    changes = head_changes(result, *caps)
    out = {"a": {"model": names[0], "text": args.text, "tokens": caps[0].tokens},
           "b": {"model": names[1], "text": text_b, "tokens": caps[1].tokens, "positions": args.positions_b},
           **result.to_json(), "changes": changes.to_json()}
    if args.out:
        path = Path(args.out)
        path.parent.mkdir(parents=True, exist_ok=True)
        from attnviz.analysis.headtypes.census import census

        censuses = tuple(census(m, c.text, cap=c) for m, c in zip(models, caps))
        path.write_text(report_html(result, names[0], names[1], args.text, text_b, caps[0].tokens, caps[1].tokens,
                                    changes=changes, censuses=censuses), encoding="utf-8")
        out["report"] = str(path)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"A: {names[0]} ({len(caps[0].tokens)} tokens)   B: {names[1]} ({len(caps[1].tokens)} tokens)   "
          f"{len(result.alignment.units)} aligned units")
    if not result.alignment.comparable:
        print(result.alignment.reason())
        return 0
    la, ha = result.shape_a
    for i, (layer, head, d) in enumerate(result.best_a):
        print(f"A L{i // ha} h{i % ha}  ->  B L{layer} h{head}   distance {d:.4f}")
    if changes.identical:
        print(changes.to_json()["note"])
    else:
        print("most changed:")
        for c in changes.top(5):
            print(f"  A L{c.layer_a} h{c.head_a}  ->  B L{c.layer_b} h{c.head_b}   distance {c.distance:.4f}   "
                  f"largest cell change {c.largest:.4f}")
    if args.out:
        print(f"report: {args.out}", file=sys.stderr)
    return 0
