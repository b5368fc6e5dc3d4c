"""attnviz app [STREAMLIT OPTIONS]: the web app, from any folder, with the project's Streamlit settings.

The settings are attnviz/app/streamlit.toml (the checkout's .streamlit/config.toml is the same file); an option
given on the command line (`--server.port 8502`, `--server.address 0.0.0.0`) wins over the file's.
"""
from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[1] / "app"
MAIN = APP_DIR / "shell" / "main.py"
SETTINGS = APP_DIR / "streamlit.toml"


def add_parser(sub) -> None:
    sub.add_parser("app", help="start the web app (Streamlit options such as --server.port pass through)",
                   description="Start the attnviz web app with the project's Streamlit settings. Any Streamlit "
                               "option (for example --server.port 8502 or --server.address 0.0.0.0) is passed on.",
                   add_help=True)


def settings_flags(given: list[str]) -> list[str]:
    """The packaged settings as Streamlit flags (`--server.headless=true`), leaving out those the person gave."""
    named = {arg.split("=", 1)[0] for arg in given if arg.startswith("--")}
    flags = []
    for section, options in tomllib.loads(SETTINGS.read_text(encoding="utf-8")).items():
        for option, value in options.items():
            flag = f"--{section}.{option}"
            if flag not in named:
                flags.append(f"{flag}={str(value).lower() if isinstance(value, bool) else value}")
    return flags


def start(argv: list[str]) -> int:
    """Run Streamlit on the packaged app (returns when the server stops)."""
    if argv[:1] in (["-h"], ["--help"]):
        build = argparse.ArgumentParser(prog="attnviz")
        add_parser(build.add_subparsers())
        build.parse_args(["app", "--help"])
    from streamlit.web import cli as streamlit_cli

    return streamlit_cli.main(["run", str(MAIN), *settings_flags(argv), *argv], prog_name="attnviz app",
                              standalone_mode=False) or 0


def run(args: argparse.Namespace) -> int:  # reached only through build_parser (main() hands `app` to start)
    return start([])
