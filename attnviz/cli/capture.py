"""attnviz capture MODEL TEXT --out FILE.npz: every attention stack of one forward pass, saved as .npz."""
from __future__ import annotations

import argparse
import json

from attnviz.cli.common import MODEL_HELP
from attnviz.cli.long_text import add_window_args


def add_parser(sub) -> None:
    cap = sub.add_parser("capture", help="run a model on a text and save every attention stack as .npz",
                         description="Run MODEL on TEXT and write an .npz with attention_<kind> arrays "
                                     "[layer, head, query_pos, key_pos], tokens, positional_<name> arrays "
                                     "and a JSON metadata string.")
    cap.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    cap.add_argument("text", metavar="TEXT", nargs="?",
                     help="the text to run (encoder input for encoder-decoders; or --text-file)")
    cap.add_argument("--text-file", metavar="FILE", default=None, help="read the text from a UTF-8 file")
    cap.add_argument("--out", required=True, metavar="FILE.npz", help="where to write the capture")
    cap.add_argument("--target", default=None, help="decoder text for encoder-decoders (default: the model writes its own)")
    cap.add_argument("--device", default="auto", help="auto (CUDA, then MPS, then CPU), cuda, mps or cpu")
    cap.add_argument("--trust-remote-code", action="store_true", help="allow models that ship their own code")
    cap.add_argument("--mode", default="auto", choices=["auto", "eager", "qk"],
                     help="eager: store every weight; qk: keep queries and keys and let the model run its fast "
                          "attention; auto: qk when the whole stack is large")
    add_window_args(cap)


def run(args: argparse.Namespace) -> int:
    from attnviz.cli.long_text import capture_text, read_text
    from attnviz.figures.export import write_npz
    from attnviz.models.loading import load_model

    text = read_text(args)
    model = load_model(args.model, device=args.device, trust_remote_code=args.trust_remote_code)
    cap, window = capture_text(model, text, args, target=args.target, mode=args.mode)
    path = write_npz(cap, args.out, model.info)
    shapes = {kind: list(cap.shape(kind)) for kind in cap.kinds}
    print(json.dumps({"out": str(path), "model": model.info.name, "device": cap.device, "dtype": cap.dtype,
                      "tokens": len(cap.tokens), "attention": shapes, "mode": cap.mode,
                      "positional": cap.positional.kind if cap.positional else None,
                      **({"window": {"first_token": window.start_token, "tokens": window.n_tokens,
                                     "tokens_before": window.tokens_before, "tokens_after": window.tokens_after,
                                     "chars": [window.start_char, window.end_char]}} if window else {})}))
    return 0
