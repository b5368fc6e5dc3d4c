"""attnviz needle MODEL --depths … --lengths …: the needle-in-a-haystack test — a sentence hidden at each depth of a
haystack of each length, a question at the end, the model's greedy answer scored, and every head's retrieval score
(Wu et al. 2024) over the cases it answered right."""
from __future__ import annotations

import argparse
import json
import sys
import time

from attnviz.cli.common import MODEL_HELP


def add_parser(sub) -> None:
    p = sub.add_parser("needle", help="needle in a haystack: which depths and lengths a model answers, and its "
                                      "retrieval heads",
                       description="Hide NEEDLE at each depth (0: the start of the haystack, 1: its end) of a prompt "
                                   "of each length (tokens; the haystack is read again when it is shorter, cut when "
                                   "longer), ask QUESTION at the end, let the model answer greedily, and call the "
                                   "answer right when it holds more than half the expected words (ROUGE-1 recall > "
                                   "0.5). A head's retrieval score (Wu et al. 2024): the steps at which its strongest "
                                   "key lies in the needle and holds the token written, over the needle's tokens; "
                                   "averaged over the cases answered right. Default test: a harbour town and a "
                                   "secret code (--lang zh: the same in Chinese).")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP + " (a causal language model)")
    p.add_argument("--depths", type=float, nargs="+", default=[0.0, 0.25, 0.5, 0.75, 1.0], metavar="D")
    p.add_argument("--lengths", type=int, nargs="+", required=True, metavar="N",
                   help="prompt lengths in tokens (each with --max-new at most the model's positions)")
    p.add_argument("--haystack", default=None, metavar="FILE", help="a UTF-8 text file (default: the built-in one)")
    p.add_argument("--needle", default=None, help="the sentence hidden (default: the built-in one)")
    p.add_argument("--question", default=None)
    p.add_argument("--answer", default=None, help="the expected answer")
    p.add_argument("--lang", default="en", choices=["en", "zh"], help="the built-in test's language")
    p.add_argument("--max-new", type=int, default=16, help="tokens written at most per case (default 16)")
    p.add_argument("--top", type=int, default=5, help="retrieval heads listed (default 5)")
    p.add_argument("--json", action="store_true",
                   help="print depths, lengths, right[depth][length], recall, answers, seconds and "
                        "retrieval[layer][head] as JSON")
    p.add_argument("--device", default="auto")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from attnviz.analysis.haystack import default_test
    from attnviz.analysis.needle import build_case, collect, run_case
    from attnviz.cli.long_text import UNREADABLE
    from attnviz.core.errors import AttnvizError
    from attnviz.i18n import Message
    from attnviz.models.loading import load_model

    haystack, needle, question, answer = default_test(args.lang)
    if args.haystack:
        try:
            with open(args.haystack, encoding="utf-8", errors="replace") as f:
                haystack = f.read()
        except OSError as exc:
            raise AttnvizError(Message(UNREADABLE, path=args.haystack, reason=exc.strerror or str(exc))) from exc
    needle, question, answer = args.needle or needle, args.question or question, args.answer or answer
    if any(not 0 <= d <= 1 for d in args.depths):
        raise AttnvizError("--depths are numbers from 0 (the start of the haystack) to 1 (its end)")
    model = load_model(args.model, device=args.device)
    if model.info.architecture != "decoder":
        raise AttnvizError(f"the needle test needs a causal language model; {model.info.name} is an "
                           f"{model.info.architecture}")
    runs, seconds = [], []
    for depth in args.depths:
        runs.append([])
        seconds.append([])
        for length in args.lengths:
            start = time.perf_counter()
            try:
                case = build_case(model.codec, haystack, needle, question, depth, length)
                runs[-1].append(run_case(model, case, answer, max(1, args.max_new)))
            except ValueError as exc:
                raise AttnvizError(str(exc)) from exc
            seconds[-1].append(time.perf_counter() - start)
            if not args.json:
                print(f"depth {depth:.0%}, {length} tokens: {runs[-1][-1].answer!r} ({seconds[-1][-1]:.1f} s)",
                      file=sys.stderr)
    grid = collect(args.depths, args.lengths, runs)
    if args.json:
        print(json.dumps({"model": model.info.name, "depths": grid.depths, "lengths": grid.lengths,
                          "right": grid.right.tolist(), "recall": np.round(grid.recall, 4).tolist(),
                          "answers": [[r.answer for r in row] for row in grid.runs],
                          "placed": [[round(r.case.placed, 4) for r in row] for row in grid.runs],
                          "seconds": np.round(np.asarray(seconds), 3).tolist(),
                          "retrieval": np.round(grid.retrieval.astype(np.float64), 4).tolist()}, ensure_ascii=False))
        return 0
    print(f"{model.info.name}: {int(grid.right.sum())} of {grid.right.size} cases right (✓: recall > 0.5); "
          f"{float(np.sum(seconds)):.1f} s in all")
    print("depth \\ tokens " + "".join(f"{n:>10,}" for n in grid.lengths))
    for i, depth in enumerate(grid.depths):
        cells = "".join(f"{('✓ ' if grid.right[i, j] else '✗ ') + f'{grid.recall[i, j]:.2f}':>10}"
                        for j in range(len(grid.lengths)))
        print(f"{depth:>14.0%} {cells}")
    if grid.right.any():
        order = np.argsort(-grid.retrieval, axis=None, kind="stable")[:max(1, args.top)]
        heads = [np.unravel_index(int(i), grid.retrieval.shape) for i in order]
        print("retrieval heads (Wu et al. 2024, mean over the cases answered right): "
              + ", ".join(f"L{layer} h{head} {grid.retrieval[layer, head]:.2f}" for layer, head in heads))
    else:
        print("no case answered right: no retrieval scores")
    return 0
