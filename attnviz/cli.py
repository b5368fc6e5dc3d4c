"""The command line: python -m attnviz COMMAND ... (run with --help for each command)."""
from __future__ import annotations

import argparse
import json
import sys

from attnviz.models.loading import DEFAULT_MODEL, OFFLINE_MODELS

MODEL_HELP = ("an offline model (" + ", ".join(OFFLINE_MODELS) + "), a model folder "
              "(Hugging Face or an attnviz checkpoint) or a hub id (needs a network)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m attnviz",
        description="attnviz: capture and explore the attention of Transformer models. "
                    "Run `streamlit run app.py` for the web app.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    cap = sub.add_parser("capture", help="run a model on a text and save every attention stack as .npz",
                         description="Run MODEL on TEXT and write an .npz with attention_<kind> arrays "
                                     "[layer, head, query_pos, key_pos], tokens, positional_<name> arrays "
                                     "and a JSON metadata string.")
    cap.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    cap.add_argument("text", metavar="TEXT", help="the text to run (encoder input for encoder-decoders)")
    cap.add_argument("--out", required=True, metavar="FILE.npz", help="where to write the capture")
    cap.add_argument("--target", default=None, help="decoder text for encoder-decoders (default: the model writes its own)")
    cap.add_argument("--device", default="auto", help="auto (CUDA, then MPS, then CPU), cuda, mps or cpu")
    cap.add_argument("--trust-remote-code", action="store_true", help="allow models that ship their own code")
    cap.add_argument("--mode", default="auto", choices=["auto", "eager", "qk"],
                     help="eager: store every weight; qk: keep queries and keys and let the model run its fast "
                          "attention; auto: qk when the whole stack is large")

    toy = sub.add_parser("toy", help="the worked example: every intermediate of attention by hand",
                         description="Compute the worked example and print every intermediate by name "
                                     "(X, PE, X_plus_PE, W_Q, W_K, W_V, Q, K, V, scores, scaled_scores, mask, "
                                     "masked_scores, weights, output; concat, W_O, final with several heads).")
    toy.add_argument("--preset", default="seed-001", choices=["seed-000", "seed-001", "custom"],
                     help="seed-001: 'Transformer is powerful'; seed-000: Q, K, V given; custom: random X")
    toy.add_argument("--weights", default="identity", choices=["identity", "random"], help="W_Q, W_K, W_V (and W_O)")
    toy.add_argument("--seed", type=int, default=0, help="seed of the random weights (and custom X)")
    toy.add_argument("--heads", type=int, default=1, help="number of heads (must divide d_model)")
    toy.add_argument("--mask", default="none", choices=["none", "causal", "padding"])
    toy.add_argument("--padding", type=int, default=0, help="padding tokens at the end (--mask padding)")
    toy.add_argument("--no-scale", action="store_true", help="leave out the division by √d_k")
    toy.add_argument("--tokens", type=int, default=4, help="custom: number of tokens (1-12)")
    toy.add_argument("--d-model", type=int, default=4, help="custom: dimensions (1-16)")
    toy.add_argument("--json", action="store_true", help="print JSON instead of tables")

    from attnviz.training.tasks import TASKS

    tr = sub.add_parser("train", help="train a small Transformer on a toy task and save the checkpoint",
                        description="Train a from-scratch Transformer on a toy task with the training lab's "
                                    "defaults, print progress and the held-out accuracy, and save a checkpoint "
                                    "(model.safetensors + attnviz_config.json) that `capture` and the app open.")
    tr.add_argument("--task", default="reverse", choices=list(TASKS),
                    help="; ".join(f"{t.name}: {t.about}" for t in TASKS.values()))
    tr.add_argument("--out", required=True, metavar="DIR", help="checkpoint folder to write")
    tr.add_argument("--architecture", choices=["encoder", "decoder", "encoder-decoder"], default=None,
                    help="default: the task's own")
    tr.add_argument("--positional", default="sinusoidal", choices=["sinusoidal", "learned", "rotary", "none"])
    tr.add_argument("--layers", type=int, default=2)
    tr.add_argument("--heads", type=int, default=4)
    tr.add_argument("--d-model", type=int, default=64)
    tr.add_argument("--length", type=int, default=None, help="sequence length (default: the task's)")
    tr.add_argument("--steps", type=int, default=None, help="default: the task's (800; 4000 for addition)")
    tr.add_argument("--batch-size", type=int, default=64)
    tr.add_argument("--lr", type=float, default=3e-3)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--device", default="auto")

    ex = sub.add_parser("export", help="write views of a capture as HTML (offline), PNG/SVG, CSV and NPZ",
                        description="Capture MODEL on TEXT and write the chosen views. HTML files inline "
                                    "plotly.js and open offline; PNG and SVG need the optional kaleido package "
                                    "(otherwise use the camera button in the app); CSV holds the matrix a view "
                                    "draws; --npz writes the whole capture.")
    ex.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    ex.add_argument("text", metavar="TEXT")
    ex.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    ex.add_argument("--views", nargs="+", default=["heatmap", "model_view"],
                    help=", ".join(("heatmap", "head_view", "model_view", "rollout", "aggregate", "statistics", "clusters", "qk")))
    ex.add_argument("--formats", nargs="+", default=["html", "csv"], choices=["html", "png", "svg", "csv"])
    ex.add_argument("--layer", type=int, default=0)
    ex.add_argument("--head", type=int, default=0)
    ex.add_argument("--kind", default="self", choices=["self", "decoder_self", "cross"])
    ex.add_argument("--target", default=None, help="decoder text for encoder-decoders")
    ex.add_argument("--npz", action="store_true", help="also write the whole capture as capture.npz")
    ex.add_argument("--device", default="auto")

    from attnviz.cli_compare import add_parser as add_compare

    add_compare(sub, MODEL_HELP)

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

    sub.add_parser("models", help="list the models that work offline",
                   description="List the offline models and what each one is.")
    sub.add_parser("settings", help="show the operator settings this environment gives the web app",
                   description="Read the ATTNVIZ_* variables as the web app would and print each setting's "
                               "variable, value and meaning (see the README, 'Running it for a class').")
    return parser


def cmd_capture(args: argparse.Namespace) -> int:
    from attnviz.capture.api import capture
    from attnviz.figures.export import write_npz
    from attnviz.models.loading import load_model

    model = load_model(args.model, device=args.device, trust_remote_code=args.trust_remote_code)
    cap = capture(model, args.text, target=args.target, mode=args.mode)
    path = write_npz(cap, args.out, model.info)
    for note in [*model.notes, *cap.notes]:
        print(f"note: {note}", file=sys.stderr)
    shapes = {kind: list(cap.shape(kind)) for kind in cap.kinds}
    print(json.dumps({"out": str(path), "model": model.info.name, "device": cap.device, "dtype": cap.dtype,
                      "tokens": len(cap.tokens), "attention": shapes, "mode": cap.mode,
                      "positional": cap.positional.kind if cap.positional else None}))
    return 0


def cmd_toy(args: argparse.Namespace) -> int:
    import numpy as np

    from attnviz.lessons import worked_example as toy
    from attnviz.core.errors import AttnvizError

    try:
        spec = toy.preset(args.preset, weights=args.weights, seed=args.seed, n_heads=args.heads,
                          n_tokens=args.tokens, d_model=args.d_model)
        spec.mask, spec.n_padding, spec.scale = args.mask, args.padding, not args.no_scale
        result = toy.run_toy(spec)
    except ValueError as exc:
        raise AttnvizError(str(exc)) from exc
    if args.json:
        print(json.dumps(toy.to_json(result), indent=1, ensure_ascii=False))
        return 0
    print(f"tokens: {', '.join(spec.tokens)}   d_k = {result.d_k}   heads = {len(result.heads)}   "
          f"mask = {spec.mask}   scaled = {spec.scale}")
    with np.printoptions(precision=6, suppress=True, linewidth=120):
        for name, value in result.steps.items():
            print(f"\n{name}:\n{value}")
    for note in toy.seed_notes(args.preset):
        print(f"\nseed note: {note}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from attnviz.core.errors import AttnvizError
    from attnviz.training.trainer import TrainConfig, Trainer

    config = TrainConfig(task=args.task, architecture=args.architecture, positional=args.positional,
                         n_layers=args.layers, n_heads=args.heads, d_model=args.d_model, length=args.length,
                         steps=args.steps, batch_size=args.batch_size, lr=args.lr, seed=args.seed, device=args.device)
    problems = config.problems()
    if problems:
        raise AttnvizError(" ".join(problems))
    trainer = Trainer(config)
    cfg = trainer.config
    print(f"training {cfg.task} ({cfg.architecture}, {cfg.positional} positions, {cfg.n_layers} layers × "
          f"{cfg.n_heads} heads, d_model {cfg.d_model}) for {cfg.steps} steps on {trainer.device}", file=sys.stderr)

    def progress(t: Trainer) -> None:
        if t.step_count % max(1, cfg.steps // 10) == 0 or t.step_count == cfg.steps:
            held = f", held-out accuracy {t.history.eval_accuracy[-1]:.4f}" if t.history.eval_accuracy else ""
            print(f"step {t.step_count:5d}/{cfg.steps}  loss {t.history.loss[-1]:.4f}  "
                  f"batch accuracy {t.history.accuracy[-1]:.4f}{held}", file=sys.stderr)

    accuracy = trainer.run(progress=progress)
    folder = trainer.save(args.out)
    print(json.dumps({"task": cfg.task, "steps": trainer.step_count, "seconds": round(trainer.history.seconds, 1),
                      "heldout_accuracy": round(accuracy, 4), "out": str(folder),
                      "example": {"input": trainer.task.probe[0], "output": trainer.predict(trainer.task.probe[0])}}))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from attnviz.capture.api import capture
    from attnviz.core.errors import AttnvizError
    from attnviz.figures import views
    from attnviz.figures.export import write_npz
    from attnviz.models.loading import load_model

    model = load_model(args.model, device=args.device)
    cap = capture(model, args.text, target=args.target)
    if args.kind not in cap.kinds:
        raise AttnvizError(f"this model has no {args.kind} attention; it has {', '.join(cap.kinds)}")
    layers, heads = cap.shape(args.kind)[:2]
    if not (0 <= args.layer < layers and 0 <= args.head < heads):
        raise AttnvizError(f"layer must be 0–{layers - 1} and head 0–{heads - 1}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    opts = views.ViewOptions(kind=args.kind, layer=args.layer, head=args.head)
    written = []
    for name in args.views:
        try:
            # rollout defaults to the last layer, the one that has mixed every layer below it
            result = views.build(cap, name, opts.with_(layer=-1) if name == "rollout" else opts)
        except ValueError as exc:
            raise AttnvizError(str(exc)) from exc
        for fmt in args.formats:
            path = out / f"{name}.{fmt}"
            if fmt == "html":
                result.figure.write_html(str(path), include_plotlyjs=True, full_html=True)
            elif fmt == "csv":
                if result.table is None:
                    continue
                path.write_text(result.csv())
            else:
                try:
                    result.figure.write_image(str(path))
                except Exception as exc:  # kaleido missing, or it cannot find a browser
                    print(f"note: {path.name} not written ({type(exc).__name__}: {exc}). Install kaleido for PNG/SVG "
                          "from the command line, or use the camera button in the app.", file=sys.stderr)
                    continue
            written.append(str(path))
    if args.npz:
        written.append(str(write_npz(cap, out / "capture.npz", model.info)))
    print(json.dumps({"written": written}))
    return 0


def cmd_survey(args: argparse.Namespace) -> int:
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


def cmd_models(_args: argparse.Namespace) -> int:
    for name, about in OFFLINE_MODELS.items():
        print(f"{name:18s} {about}{'  (default)' if name == DEFAULT_MODEL else ''}")
    return 0


def cmd_settings(_args: argparse.Namespace) -> int:
    from attnviz.core import settings
    from attnviz.core.errors import AttnvizError

    try:
        rows = settings.describe(settings.from_environment())
    except settings.SettingsError as exc:
        raise AttnvizError(str(exc)) from exc
    for var, value, meaning in rows:
        print(f"{var:29s} {value or '(none)':14s} {meaning}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from attnviz.cli_compare import cmd_compare as run

    return run(args)


COMMANDS = {"capture": cmd_capture, "toy": cmd_toy, "train": cmd_train, "export": cmd_export, "models": cmd_models,
            "settings": cmd_settings, "compare": cmd_compare, "survey": cmd_survey}


def main(argv: list[str] | None = None) -> int:
    from attnviz.core.errors import AttnvizError

    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AttnvizError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
