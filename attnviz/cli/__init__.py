"""The command line: `attnviz COMMAND ...` (or `python -m attnviz`); one module a command, each with
add_parser(sub) and run(args). `attnviz --help` imports no torch: a command loads what it needs when it runs."""
from __future__ import annotations

import argparse
import importlib
import sys

# command -> module under attnviz.cli (the order of `attnviz --help`)
COMMANDS = {"app": "app", "capture": "capture", "export": "export", "zoom": "zoom", "sentences": "sentences",
            "sinks": "sinks", "needle": "needle", "compare": "compare", "heads": "heads",
            "measure": "measure", "ablate": "ablate", "patch": "patch", "dla": "dla",
            "worked-example": "worked_example", "train": "train", "survey": "survey", "models": "models",
            "settings": "settings"}
ALIASES = {"toy": "worked-example"}  # the worked example's command before it had its one name


def _module(command: str):
    return importlib.import_module(f"attnviz.cli.{COMMANDS[ALIASES.get(command, command)]}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attnviz",
        description="attnviz: capture and explore the attention of Transformer models. "
                    "`attnviz app` starts the web app.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        _module(command).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["app"]:  # Streamlit's own options (--server.port …) pass through untouched
        from attnviz.cli import app

        return app.start(argv[1:])
    args = build_parser().parse_args(argv)
    from attnviz.core.errors import AttnvizError
    from attnviz.i18n.spans import for_terminal

    try:
        return _module(args.command).run(args)
    except AttnvizError as exc:
        print(f"error: {for_terminal(exc)}", file=sys.stderr)  # paths in quotes, not in markdown's backticks
        return 2
