"""attnviz sentences MODEL TEXT --layer L [--head H]: attention pooled to sentences (or paragraphs) — for each
sentence, the sentences its tokens read most, summed over each sentence's tokens and renormalised."""
from __future__ import annotations

import argparse
import json

from attnviz.cli.common import MODEL_HELP
from attnviz.cli.long_text import add_text_args, add_window_args, load_and_capture


def add_parser(sub) -> None:
    p = sub.add_parser("sentences", help="attention pooled to sentences or paragraphs: which sentences each reads",
                       description="The sentence map of one head (or the mean of a layer's heads): S[a, b] is the "
                                   "weight sentence a's tokens put on sentence b's tokens, summed and renormalised so "
                                   "that each row sums to one. Prints each sentence's first words and the sentences it "
                                   "reads most, or the whole map as JSON.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    add_text_args(p)
    p.add_argument("--layer", type=int, required=True)
    p.add_argument("--head", type=int, default=None, help="one head (default: the mean of the layer's heads)")
    p.add_argument("--level", default="sentence", choices=["sentence", "paragraph"])
    p.add_argument("--top", type=int, default=3, help="sentences listed per sentence (default 3)")
    p.add_argument("--aside", action="store_true", help="set the sinks aside first (their columns emptied, rows "
                                                        "renormalised over the other keys)")
    add_window_args(p)
    p.add_argument("--json", action="store_true",
                   help="print {units: [{first, last, text}], values[query unit][key unit]} as JSON (characters and "
                        "token positions of each unit)")
    p.add_argument("--device", default="auto")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from attnviz.analysis.documents import unit_attention, unit_ranges, units_read
    from attnviz.analysis.sinks import sinks
    from attnviz.cli.long_text import check_head
    from attnviz.core.errors import AttnvizError
    from attnviz.figures.documents import unit_labels

    model, cap = load_and_capture(args)
    check_head(cap, "self", args.layer, args.head)
    try:
        units, spans = units_read(cap, args.level)
    except ValueError as exc:
        raise AttnvizError(str(exc)) from exc
    src = cap.source("self")
    aside = tuple(int(p) for p in sinks(src).overall) if args.aside else ()
    s = unit_attention(src, args.layer, units, len(spans), heads=None if args.head is None else [args.head],
                       aside=aside)
    values = s.mean(axis=0) if args.head is None else s[0]
    ranges = unit_ranges(units, len(spans))
    if args.json:
        print(json.dumps({"model": model.info.name, "layer": args.layer, "head": args.head, "level": args.level,
                          "aside": list(aside),
                          "units": [{"tokens": [int(a), int(b) - 1] if a >= 0 else None, "chars": [c0, c1],
                                     "text": cap.text[c0:c1]} for (a, b), (c0, c1) in zip(ranges, spans)],
                          "values": np.round(values.astype(np.float64), 6).tolist()}, ensure_ascii=False))
        return 0
    labels = unit_labels(cap.text, spans)
    who = f"head {args.head}" if args.head is not None else "the mean of its heads"
    print(f"{model.info.name}, layer {args.layer}, {who}: {len(spans)} {args.level}s; each reads most:")
    for a, label in enumerate(labels):
        order = [int(b) for b in np.argsort(-values[a], kind="stable")[:max(1, args.top)] if values[a, b] > 0]
        print(f"{label}\n    " + "; ".join(f"{b} ({values[a, b]:.0%})" for b in order))
    return 0
