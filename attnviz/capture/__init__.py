"""capture(model, text) -> AttentionCapture, for every loaded model."""
from attnviz.capture.api import POSITION_MODES, capture

__all__ = ["POSITION_MODES", "capture"]
