"""What the sidebar chose, as frozen values: the cached functions take these, never loose arguments."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelChoice:
    """Which model, where, and whether its own code may run: the key of the model cache."""

    spec: str
    device: str
    trust_remote_code: bool


@dataclass(frozen=True)
class Selection:
    """The sidebar: the model and the text (and, for encoder-decoders, the decoder's text)."""

    spec: str  # what load_model gets (on a server with listed folders, the folder's resolved path)
    device: str
    trust_remote_code: bool
    text: str
    target: str
    label: str = ""  # how the model is named on the page (a server folder: relative to its root)

    @property
    def model(self) -> ModelChoice:
        return ModelChoice(self.spec, self.device, self.trust_remote_code)


@dataclass(frozen=True)
class GenerationSettings:
    """How the explorer's Generate view samples: greedy, or temperature and top-k with a seed."""

    n_new: int
    greedy: bool = True
    temperature: float = 1.0
    top_k: int = 20
    seed: int = 0
