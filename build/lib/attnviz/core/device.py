"""Which device and dtype to run on: CUDA, then Apple MPS, then the CPU, unless the user says."""
from __future__ import annotations

import torch

from attnviz.i18n import Message

def available_devices() -> list[str]:
    """Devices this machine can run on, best first, with "auto" leading."""
    found = ["cuda"] if torch.cuda.is_available() else []
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        found.append("mps")
    return ["auto", *found, "cpu"]


def resolve_device(choice: str = "auto") -> torch.device:
    """The torch.device for a choice; an unavailable one raises with a message saying which exist."""
    if choice == "auto":
        return torch.device(available_devices()[1])
    if choice not in available_devices():
        raise ValueError(Message("device {choice} is not available here; choose one of {devices}", choice=repr(choice), devices=str(available_devices())))
    return torch.device(choice)


def default_dtype(device: torch.device) -> torch.dtype:
    """float16 on accelerators (half the memory, what their kernels are fast at), float32 on the CPU."""
    return torch.float16 if device.type in ("cuda", "mps") else torch.float32
