"""What every capture backend fills in besides the attention: the model's name, device and dtype, and
which tokens are special."""
from __future__ import annotations

from attnviz.models.loading import LoadedModel


def meta(model: LoadedModel) -> dict:
    return {"model": model.info.name, "device": str(model.device),
            "dtype": str(model.dtype).replace("torch.", "")}


def specials(model: LoadedModel, ids: list[int]) -> list[bool]:
    special = model.codec.special_ids()
    return [i in special for i in ids]
