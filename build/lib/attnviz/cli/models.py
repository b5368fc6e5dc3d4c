"""attnviz models: the models that work offline."""
from __future__ import annotations

import argparse

from attnviz.models.registry import DEFAULT_MODEL, OFFLINE_MODELS


def add_parser(sub) -> None:
    sub.add_parser("models", help="list the models that work offline",
                   description="List the offline models and what each one is.")


def run(_args: argparse.Namespace) -> int:
    for name, about in OFFLINE_MODELS.items():
        print(f"{name:18s} {about}{'  (default)' if name == DEFAULT_MODEL else ''}")
    return 0
