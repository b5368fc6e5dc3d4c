"""attnviz: see what attention does inside a Transformer.

The public API loads lazily: `import attnviz` imports no torch, transformers or plotly; the first use of a name
below imports the module that defines it.

    model = attnviz.load_model("minilm")
    cap = attnviz.capture(model, "The cat sat on the mat.")
    attnviz.views.heatmap(cap, layer=0, head=2).show()
    attnviz.show(cap)                                      # in a notebook: the interactive widget
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.3.0"

# public name -> (module, attribute); attribute None: the module itself
_API: dict[str, tuple[str, str | None]] = {
    "load_model": ("attnviz.models.loading", "load_model"),
    "LoadedModel": ("attnviz.models.loading", "LoadedModel"),
    "OFFLINE_MODELS": ("attnviz.models.registry", "OFFLINE_MODELS"),
    "DEFAULT_MODEL": ("attnviz.models.registry", "DEFAULT_MODEL"),
    "capture": ("attnviz.capture.api", "capture"),
    "AttentionCapture": ("attnviz.core.types", "AttentionCapture"),
    "ModelInfo": ("attnviz.core.types", "ModelInfo"),
    "PositionalCapture": ("attnviz.core.types", "PositionalCapture"),
    "compare": ("attnviz.analysis.compare", "compare"),
    "Comparison": ("attnviz.analysis.compare", "Comparison"),
    "views": ("attnviz.figures.views", None),
    "show": ("attnviz.notebook.api", "show"),
}
__all__ = sorted(_API)

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    # ruff: noqa: F401
    from attnviz.analysis.compare import Comparison, compare
    from attnviz.capture.api import capture
    from attnviz.core.types import AttentionCapture, ModelInfo, PositionalCapture
    from attnviz.figures import views
    from attnviz.models.loading import LoadedModel, load_model
    from attnviz.models.registry import DEFAULT_MODEL, OFFLINE_MODELS
    from attnviz.notebook.api import show


# `attnviz.capture` is the function, as it always was, not the subpackage of the same name: bind the (light)
# subpackage now, then drop the binding that its import left, so that the name resolves through __getattr__.
import attnviz.capture  # noqa: E402

del capture


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'attnviz' has no attribute {name!r}")
    module, attribute = _API[name]
    value = importlib.import_module(module)
    if attribute is not None:
        value = getattr(value, attribute)
    globals()[name] = value  # later uses skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
