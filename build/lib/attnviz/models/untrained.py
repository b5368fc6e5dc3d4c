"""The untrained start of a from-scratch checkpoint: the same architecture with the weights it had at step 0."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import torch

from attnviz.core.errors import NotAModel
from attnviz.i18n import Message
from attnviz.models.loading import LoadedModel, load_model
from attnviz.models.scratch import CONFIG_FILE, ScratchConfig, ScratchTransformer


def untrained_start(folder: str, device: str = "auto") -> LoadedModel:
    """The checkpoint in `folder` with the initial weights its training began from.

    The trainer seeds torch with its seed and then builds the model, so building the same config
    under the same seed gives exactly the weights of step 0.
    """
    trained = load_model(folder, device=device)
    path = Path(folder).expanduser()
    if trained.backend != "scratch" or not (path / CONFIG_FILE).is_file():
        raise NotAModel(Message("`{folder}` is not an attnviz checkpoint, so it has no recorded untrained start: pick a folder saved by the Training lab (or `python -m attnviz train`).", folder=folder))
    meta = json.loads((path / CONFIG_FILE).read_text())
    seed = int((meta.get("train_config") or {}).get("seed", 0))
    torch.manual_seed(seed)
    fresh = ScratchTransformer(ScratchConfig(**meta["config"])).eval()
    fresh.to(device=trained.device, dtype=trained.dtype)
    trained.module = fresh
    trained.spec = f"untrained start of {folder}"
    trained.info = replace(trained.info, name=f"{trained.info.name} (untrained, step 0)")
    return trained
