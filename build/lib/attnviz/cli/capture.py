"""attnviz capture MODEL TEXT --out FILE.npz: every attention stack of one forward pass, saved as .npz."""
from __future__ import annotations

import argparse
import json
import sys

from attnviz.cli.common import MODEL_HELP


def add_parser(sub) -> None:
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


def run(args: argparse.Namespace) -> int:
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
