"""attnviz: see what attention does inside a Transformer."""
from attnviz.figures import views
from attnviz.analysis.compare import Comparison, compare
from attnviz.capture.api import capture
from attnviz.models.loading import DEFAULT_MODEL, OFFLINE_MODELS, LoadedModel, load_model
from attnviz.core.types import AttentionCapture, ModelInfo, PositionalCapture

__all__ = ["AttentionCapture", "Comparison", "DEFAULT_MODEL", "LoadedModel", "ModelInfo", "OFFLINE_MODELS",
           "PositionalCapture", "capture", "compare", "load_model", "views"]
__version__ = "0.1.0"
