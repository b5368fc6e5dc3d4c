"""What the commands for long documents share (zoom, sentences, sinks, capture's window): a text given inline or as
a file, the window of it that a model with few positions reads, and where the capture's notes go."""
from __future__ import annotations

import argparse
import sys

from attnviz.i18n import Message, N_

NO_TEXT = N_("Give the text as TEXT or with --text-file FILE.")
BOTH_TEXTS = N_("Give the text either as TEXT or with --text-file, not both.")
UNREADABLE = N_("Cannot read the text file {path}: {reason}.")
NO_SENTENCE = N_("--centre {i}: the text has {n} sentences (numbered from 0).")
BOTH_WINDOWS = N_("Give --window-start or --centre, not both.")
FIRST_LAST = N_("{what} takes FIRST-LAST (two positions, both included, such as 0-511), not “{value}”.")


def add_text_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", metavar="TEXT", nargs="?", help="the text to run (or --text-file)")
    p.add_argument("--text-file", metavar="FILE", default=None, help="read the text from a UTF-8 file (long documents)")


def add_window_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--window-start", type=int, default=None, metavar="N",
                   help="a text longer than the model reads: read the window that starts at the text's token N")
    p.add_argument("--centre", type=int, default=None, metavar="I",
                   help="a text longer than the model reads: read the window centred on sentence I (from 0)")


def read_text(args: argparse.Namespace) -> str:
    """The text the arguments give (TEXT, or the file's contents)."""
    from attnviz.core.errors import AttnvizError

    if args.text is not None and args.text_file is not None:
        raise AttnvizError(Message(BOTH_TEXTS))
    if args.text_file is not None:
        try:
            with open(args.text_file, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError as exc:
            raise AttnvizError(Message(UNREADABLE, path=args.text_file, reason=exc.strerror or str(exc))) from exc
    if args.text is None:
        raise AttnvizError(Message(NO_TEXT))
    return args.text


def first_last(value: str | None, what: str) -> tuple[int, int] | None:
    """"A-B" (both included) as [A, B + 1); None for None."""
    from attnviz.core.errors import AttnvizError

    if value is None:
        return None
    a, sep, b = value.partition("-")
    try:
        first, last = int(a), int(b)
    except ValueError:
        sep = ""
    if not sep or first < 0 or last < first:
        raise AttnvizError(Message(FIRST_LAST, what=what, value=value))
    return first, last + 1


def capture_text(model, text: str, args: argparse.Namespace, **options):
    """(the capture, the window or None): the whole text, or the window --window-start / --centre name. Notes (a cut
    text, the window read) go to stderr."""
    from attnviz.capture.api import capture
    from attnviz.capture.window import capture_window
    from attnviz.core.errors import AttnvizError
    from attnviz.core.sentences import sentences
    from attnviz.models.window import window_note

    start, centre = getattr(args, "window_start", None), getattr(args, "centre", None)
    if start is not None and centre is not None:
        raise AttnvizError(Message(BOTH_WINDOWS))
    if start is None and centre is None:
        cap, window = capture(model, text, **options), None
    else:
        span = None
        if centre is not None:
            spans = sentences(text)
            if not 0 <= centre < len(spans):
                raise AttnvizError(Message(NO_SENTENCE, i=centre, n=len(spans)))
            span = spans[centre]
        cap, window = capture_window(model, text, start=start, centre=span, **options)
        cap.notes.insert(0, window_note(window))
    for note in [*model.notes, *cap.notes]:
        print(f"note: {note}", file=sys.stderr)
    return cap, window


def load_and_capture(args: argparse.Namespace, kind: str | None = None):
    """(model, capture) of the commands that read a long text: args.model on the text args name (capture_text's
    window); with `kind`, a message where the capture has no such attention."""
    from attnviz.core.errors import AttnvizError
    from attnviz.models.loading import load_model

    text = read_text(args)
    model = load_model(args.model, device=args.device)
    cap, _ = capture_text(model, text, args)
    if kind is not None and kind not in cap.kinds:
        raise AttnvizError(f"this capture has no {kind} attention; it has {', '.join(cap.kinds)}")
    return model, cap


def check_head(cap, kind: str, layer: int, head: int | None) -> None:
    """A message for a layer or head the capture does not have."""
    from attnviz.core.errors import AttnvizError

    n_layers, n_heads = cap.shape(kind)[:2]
    if not 0 <= layer < n_layers:
        raise AttnvizError(f"--layer must be 0–{n_layers - 1} for this model")
    if head is not None and not 0 <= head < n_heads:
        raise AttnvizError(f"--head must be 0–{n_heads - 1} for this model")
