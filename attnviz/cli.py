"""The command line: python -m attnviz COMMAND ... (run with --help for each command)."""
from __future__ import annotations

import argparse
import json
import sys

from .loading import DEFAULT_MODEL, OFFLINE_MODELS

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

    sub.add_parser("models", help="list the models that work offline",
                   description="List the offline models and what each one is.")
    return parser


def cmd_capture(args: argparse.Namespace) -> int:
    from .capture import capture
    from .export import write_npz
    from .loading import load_model

    model = load_model(args.model, device=args.device, trust_remote_code=args.trust_remote_code)
    cap = capture(model, args.text, target=args.target)
    path = write_npz(cap, args.out, model.info)
    for note in [*model.notes, *cap.notes]:
        print(f"note: {note}", file=sys.stderr)
    shapes = {kind: list(cap.shape(kind)) for kind in cap.kinds}
    print(json.dumps({"out": str(path), "model": model.info.name, "device": cap.device, "dtype": cap.dtype,
                      "tokens": len(cap.tokens), "attention": shapes,
                      "positional": cap.positional.kind if cap.positional else None}))
    return 0


def cmd_models(_args: argparse.Namespace) -> int:
    for name, about in OFFLINE_MODELS.items():
        print(f"{name:18s} {about}{'  (default)' if name == DEFAULT_MODEL else ''}")
    return 0


COMMANDS = {"capture": cmd_capture, "models": cmd_models}


def main(argv: list[str] | None = None) -> int:
    from .errors import AttnvizError

    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AttnvizError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
