"""attnviz settings: the operator settings this environment gives the web app."""
from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    sub.add_parser("settings", help="show the operator settings this environment gives the web app",
                   description="Read the ATTNVIZ_* variables as the web app would and print each setting's "
                               "variable, value and meaning (see the README, 'Running it for a class').")


def run(_args: argparse.Namespace) -> int:
    from attnviz.core import settings
    from attnviz.core.errors import AttnvizError

    try:
        rows = settings.describe(settings.from_environment())
    except settings.SettingsError as exc:
        raise AttnvizError(str(exc)) from exc
    for var, value, meaning in rows:
        print(f"{var:29s} {value or '(none)':14s} {meaning}")
    return 0
