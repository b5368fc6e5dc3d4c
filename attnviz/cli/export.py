"""attnviz export MODEL TEXT --out DIR: views of a capture as HTML, PNG/SVG, CSV and NPZ."""
from __future__ import annotations

import argparse
import json
import sys

from attnviz.cli.common import MODEL_HELP
from attnviz.cli.measure import METHODS as MEASURES


# which views draw one head, one layer, or every layer: what their files' names carry
ONE_HEAD = ("heatmap", "qk")
WHOLE_MODEL = ("model_view", "statistics", "clusters")


def add_parser(sub) -> None:
    ex = sub.add_parser("export", help="write views of a capture as HTML (offline), PNG/SVG, CSV and NPZ",
                        description="Capture MODEL on TEXT and write the chosen views. HTML files inline "
                                    "plotly.js and open offline; PNG and SVG need the optional kaleido package "
                                    "(otherwise use the camera button in the app); CSV holds the matrix a view "
                                    "draws; --npz writes the whole capture. Files are named by the model, the view, the layer "
                                    "and the head (minilm-heatmap-L3-H9.csv), so two exports never overwrite each "
                                    "other; PNG/SVG print their progress on stderr. --measure METHOD draws a measure "
                                    "beyond the weights instead of α (minilm-norm-heatmap-L3-H9.csv; the NPZ holds "
                                    "it as measure_METHOD).")
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
    ex.add_argument("--npz", action="store_true", help="also write the whole capture as MODEL-capture.npz")
    ex.add_argument("--device", default="auto")
    ex.add_argument("--measure", default="weight", metavar="METHOD", choices=MEASURES,
                    help="what the views draw: " + ", ".join(MEASURES) + " (see `attnviz measure --help`)")
    ex.add_argument("--measure-target", default=None, metavar="TOKEN",
                    help="grad-input: the next token whose log-probability is followed")
    ex.add_argument("--measure-other", default=None, metavar="TOKEN",
                    help="grad-input, with --measure-target: follow logit(TOKEN) − logit(OTHER)")
    ex.add_argument("--compare-with", default=None, metavar="SENTENCE",
                    help="grad-input on a sentence encoder: the similarity of the embedding to SENTENCE's")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from attnviz.capture.api import capture
    from attnviz.core.errors import AttnvizError
    from attnviz.figures import views
    from attnviz.figures.export import export_name, write_image, write_npz
    from attnviz.models.loading import load_model

    model = load_model(args.model, device=args.device)
    cap = capture(model, args.text, target=args.target)
    if args.kind not in cap.kinds:
        raise AttnvizError(f"this model has no {args.kind} attention; it has {', '.join(cap.kinds)}")
    layers, heads = cap.shape(args.kind)[:2]
    if not (0 <= args.layer < layers and 0 <= args.head < heads):
        raise AttnvizError(f"layer must be 0–{layers - 1} and head 0–{heads - 1}")
    if args.measure != "weight":
        cap = _measured(model, cap, args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    opts = views.ViewOptions(kind=args.kind, layer=args.layer, head=args.head)
    written = []
    images = [(n, f) for n in args.views for f in args.formats if f in ("png", "svg")]
    for name in args.views:
        try:
            # rollout defaults to the last layer, the one that has mixed every layer below it
            result = views.build(cap, name, opts.with_(layer=-1) if name == "rollout" else opts)
        except ValueError as exc:
            raise AttnvizError(str(exc)) from exc
        layer = layers - 1 if name == "rollout" else args.layer
        for fmt in args.formats:
            path = out / export_name(args.model, name, fmt, None if name in WHOLE_MODEL else layer,
                                     args.head if name in ONE_HEAD else None, args.kind, args.measure)
            if fmt == "html":
                result.figure.write_html(str(path), include_plotlyjs=True, full_html=True)
            elif fmt == "csv":
                if result.table is None:
                    continue
                path.write_text(result.csv())
            else:
                try:
                    write_image(result.figure, path, progress=_progress, index=images.index((name, fmt)) + 1,
                                total=len(images))
                except Exception as exc:  # kaleido missing, or it cannot find a browser
                    print(f"note: {path.name} not written ({type(exc).__name__}: {exc}). Install kaleido for PNG/SVG "
                          "from the command line, or use the camera button in the app.", file=sys.stderr)
                    continue
            written.append(str(path))
    if args.npz:
        written.append(str(write_npz(cap, out / export_name(args.model, "capture", "npz"), model.info)))
    print(json.dumps({"written": written}))
    return 0


def _progress(event) -> None:
    """An image export's progress on stderr (the first PNG starts a browser: tens of seconds without a word)."""
    if event.stage == "start":
        line = f"image {event.index}/{event.total}: writing {event.path.name}…"
    elif event.stage == "working":
        line = f"image {event.index}/{event.total}: {event.path.name}, {event.elapsed_s:.0f} s"
    else:
        line = f"image {event.index}/{event.total}: {event.path.name} {event.stage} after {event.elapsed_s:.1f} s"
    print(line, file=sys.stderr, flush=True)


def _measured(model, cap, args: argparse.Namespace):
    """The capture drawn with the measure asked for (computed on the same text and decoder text)."""
    from attnviz.analysis.measures import METHODS, NEEDS_TARGET, measure
    from attnviz.analysis.prompts import make_prompt
    from attnviz.cli.targets import target_of
    from attnviz.core.errors import AttnvizError
    from attnviz.figures.measured import measured
    from attnviz.i18n import Message

    named = argparse.Namespace(target=args.measure_target, other=args.measure_other, compare_with=args.compare_with)
    target = target_of(named, model)
    if METHODS[args.measure].needs_target and target is None:
        raise AttnvizError(Message(NEEDS_TARGET, method=args.measure))
    result = measure(model, make_prompt(model, args.text, args.target), args.measure, kind=args.kind, target=target)
    try:
        return measured(cap, result)
    except ValueError as exc:
        raise AttnvizError(str(exc)) from exc
