"""attnviz survey MODEL CORPUS --out DIR: per text, layer and head statistics over a corpus, as Parquet."""
from __future__ import annotations

import argparse
import json
import sys

from attnviz.cli.common import MODEL_HELP


def add_parser(sub) -> None:
    sv = sub.add_parser("survey", help="run a model over a corpus; per text, layer and head statistics as Parquet",
                        description="Run MODEL over every text of CORPUS in batches and write, per text × layer × "
                                    "head, the explorer's statistics (entropy, mean distance, first token, self, "
                                    "previous token, special tokens, induction, attention to the template's target) "
                                    "and, per token, its query and key projected for the joint view, as Parquet "
                                    "parts under DIR. Run it again with the same arguments to resume.")
    sv.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    sv.add_argument("corpus", metavar="CORPUS",
                    help="a text file (one text a line), a .csv or .jsonl file (see --column), a Hugging Face "
                         "datasets folder (needs `datasets`), or builtin[:N] (templates probing known head types)")
    sv.add_argument("--out", required=True, metavar="DIR", help="survey folder to write (or resume)")
    sv.add_argument("--column", default="text", help="the column (CSV, datasets) or field (JSONL) holding the text")
    sv.add_argument("--batch-size", type=int, default=16)
    sv.add_argument("--dims", type=int, default=8, help="dimensions each query and key is projected to")
    sv.add_argument("--raw", action="store_true", help="also keep the raw query and key vectors (large)")
    sv.add_argument("--engine", default="local", choices=["local", "ray"],
                    help="local: this process; ray: Ray Data workers, one model each (needs `ray[data]`)")
    sv.add_argument("--device", default="auto",
                    help="auto, cuda, mps or cpu (with --engine ray: auto gives each worker a GPU where the "
                         "cluster has them; the driver fits the projection axes on its CPU)")
    sv.add_argument("--workers", type=int, default=2, help="--engine ray: how many workers (each loads the model once)")
    sv.add_argument("--cpus-per-worker", type=int, default=1, help="--engine ray: CPUs (torch threads) per worker")
    sv.add_argument("--ray-address", default=None, metavar="ADDRESS",
                    help="--engine ray: a cluster to join (`auto` for the one `ray start` began on this machine, "
                         "or ray://HOST:10001); default: start a local Ray for this run")
    sv.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from attnviz.models.loading import load_model
    from attnviz.survey.corpus import open_corpus
    from attnviz.survey.run import run_survey

    corpus = open_corpus(args.corpus, args.column)  # a bad corpus is named before the model loads
    if args.engine == "ray":
        from attnviz.survey.ray_engine import require_ray, run_survey_ray

        require_ray()  # a missing Ray is named before the model loads
        model = load_model(args.model, device="cpu")  # the driver's copy: checks the folder, fits the axes
        summary = run_survey_ray(model, corpus, args.out, batch_size=args.batch_size, dims=args.dims, raw=args.raw,
                                 progress=not args.quiet, workers=args.workers, cpus_per_worker=args.cpus_per_worker,
                                 address=args.ray_address, device=args.device)
    else:
        model = load_model(args.model, device=args.device)
        summary = run_survey(model, corpus, args.out, batch_size=args.batch_size, dims=args.dims, raw=args.raw,
                             progress=not args.quiet)
    if summary.truncated:
        print(f"note: {summary.truncated} texts were longer than the model takes ({model.info.max_positions} "
              "tokens) and were truncated.", file=sys.stderr)
    print(json.dumps({"out": str(summary.folder), "model": model.info.name, "texts": summary.texts,
                      "tokens": summary.tokens, "truncated": summary.truncated,
                      "parts_written": summary.parts_written, "parts_kept": summary.parts_kept}))
    return 0
