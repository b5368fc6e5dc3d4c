"""What several commands share: how a model is named on the command line."""
from __future__ import annotations

from attnviz.models.registry import OFFLINE_MODELS

MODEL_HELP = ("an offline model (" + ", ".join(OFFLINE_MODELS) + "), a model folder "
              "(Hugging Face or an attnviz checkpoint) or a hub id (needs a network)")
