"""The app's session state, one module a page (and one for the sidebar, one for what no widget holds): each declares
its keys once, with the link parameter that carries a value and how long a widget's value is kept (base.Key).

Pages use `K.LAYER`, links.py reads the link parameters, tests import the same constants: a key renamed in its
module is renamed everywhere (tests/unit/test_state_spelling.py fails on a key or link parameter spelled elsewhere).
"""
from __future__ import annotations

import importlib
from types import ModuleType

# the order of the link: the sidebar's parameters first, then the pages'
NAMES = ("session", "sidebar", "home", "explorer", "compare", "worked_example", "positions", "training", "survey",
         "lesson", "needle")


def modules() -> list[ModuleType]:
    """Every state module, in NAMES' order."""
    return [importlib.import_module(f"{__name__}.{name}") for name in NAMES]
