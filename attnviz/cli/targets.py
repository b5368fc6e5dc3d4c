"""What the measure and causal commands share: the model run (attention kind, decoder text, device), the target
(a next token, two tokens' difference, or a second sentence's similarity), and JSON without NaN."""
from __future__ import annotations

import argparse
import json
import math

from attnviz.i18n import Message, N_

KINDS = ("self", "decoder_self", "cross")
OTHER_WITHOUT_TARGET = N_("--other names the second token of a logit difference: give --target TOKEN as well.")


def add_run_args(p: argparse.ArgumentParser, kind: bool = True) -> None:
    if kind:
        p.add_argument("--kind", default="self", choices=KINDS,
                       help="the attention measured: self (an encoder's or a decoder-only model's), decoder_self or "
                            "cross (an encoder-decoder's decoder)")
    p.add_argument("--decoder-text", default=None, metavar="T",
                   help="encoder-decoders: the decoder's text after its start token (default: the start token only)")
    p.add_argument("--device", default="auto", help="auto (CUDA, then MPS, then CPU), cuda, mps or cpu")


def add_target_args(p: argparse.ArgumentParser, required: bool, similarity: bool = True) -> None:
    group = p.add_mutually_exclusive_group(required=required)
    group.add_argument("--target", metavar="TOKEN",
                       help="the next token followed at the last position: its log-probability (the first piece the "
                            "tokenizer makes of TOKEN; ' she' and 'she' may differ)")
    if similarity:
        group.add_argument("--compare-with", metavar="SENTENCE",
                           help="for a sentence encoder (MiniLM): the cosine similarity of the text's mean-pooled "
                                "embedding to SENTENCE's")
    p.add_argument("--other", metavar="TOKEN",
                   help="with --target: follow logit(TOKEN) − logit(OTHER), the difference of their log-probabilities")


def target_of(args: argparse.Namespace, model):
    """The Target the arguments name (None when they name none)."""
    from attnviz.analysis.prompts import make_prompt, token_id
    from attnviz.analysis.targets import NextToken, Similarity
    from attnviz.core.errors import AttnvizError

    other = getattr(args, "other", None)
    if other is not None and args.target is None:
        raise AttnvizError(Message(OTHER_WITHOUT_TARGET))
    if args.target is not None:
        return NextToken(token_id(model, args.target), token_id(model, other) if other is not None else None)
    sentence = getattr(args, "compare_with", None)
    return Similarity(make_prompt(model, sentence)) if sentence is not None else None


def target_json(target, args: argparse.Namespace) -> dict:
    """The target as the library writes it, with the texts the person typed."""
    out = target.to_json()
    if args.target is not None:
        out["text"] = args.target
        if getattr(args, "other", None) is not None:
            out["other_text"] = args.other
    return out


def nested(array) -> list:
    """An array as nested lists, NaN and infinities as None (a layer not computed, a share with nothing to share)."""
    import numpy as np

    a = np.asarray(array)
    if a.dtype.kind != "f" or np.isfinite(a).all():
        return a.tolist()
    return np.where(np.isfinite(a), a.astype(object), None).tolist()


def finite(value):
    """`value` ready for JSON: arrays as nested lists, NaN as None (JSON has no NaN)."""
    import numpy as np

    if isinstance(value, (np.ndarray, np.generic)):
        return nested(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def print_json(data: dict) -> None:
    """Print `data` as one line of JSON (put big grids in as numpy arrays: they are converted in one step)."""
    print(json.dumps(finite(data), ensure_ascii=False, allow_nan=False))
