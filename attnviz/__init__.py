"""attnviz: see what attention does inside a Transformer."""
from . import views
from .capture import capture
from .loading import DEFAULT_MODEL, OFFLINE_MODELS, LoadedModel, load_model
from .types import AttentionCapture, ModelInfo, PositionalCapture

__all__ = ["AttentionCapture", "DEFAULT_MODEL", "LoadedModel", "ModelInfo", "OFFLINE_MODELS",
           "PositionalCapture", "capture", "load_model", "views"]
__version__ = "0.1.0"
