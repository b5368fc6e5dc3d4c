"""The weights a folder holds, compared with the model its config describes before a byte of that model exists.

A folder whose config names a 0.67B-parameter model beside a 4-byte weights file used to be refused only
after the model was allocated (578 → 3,119 MB). Here the weights files' headers give each tensor's name and
shape (safetensors: a JSON header; a zip pickle: read on the meta device), the model is built on the meta
device (shapes, no storage), and transformers' own key renaming (base-model prefix, legacy names, its
conversion mappings) matches the two. A folder that check_loading would refuse is refused now.
"""
from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import torch

from attnviz.core.errors import NotAModel
from attnviz.i18n import Message
from attnviz.models.weights import check_loading

SAFETENSORS, SAFETENSORS_INDEX = "model.safetensors", "model.safetensors.index.json"
PICKLE, PICKLE_INDEX = "pytorch_model.bin", "pytorch_model.bin.index.json"
HEADER_MAX = 100 * 2**20  # a safetensors header past this is damage, not a model's table of contents


class Unreadable(ValueError):
    """A weights file whose table of contents cannot be read (the message says why)."""


def safetensors_shapes(path: Path) -> dict[str, tuple[int, ...]]:
    """{tensor name: shape} from a safetensors file's header, reading only the header."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise Unreadable(f"{path.name} is {size} bytes: too short for a safetensors header")
        (n,) = struct.unpack("<Q", head)
        if n > min(HEADER_MAX, size - 8):
            raise Unreadable(f"{path.name}: its header claims {n:,} bytes, the file has {size - 8:,} after it")
        try:
            header = json.loads(f.read(n))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Unreadable(f"{path.name}: its header is not JSON ({exc})") from None
    if not isinstance(header, dict):
        raise Unreadable(f"{path.name}: its header is not a table of tensors")
    shapes = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("shape"), list):
            raise Unreadable(f"{path.name}: the entry for {name} has no shape")
        shapes[name] = tuple(int(d) for d in entry["shape"])
    return shapes


def pickle_shapes(path: Path) -> dict[str, tuple[int, ...]] | None:
    """{tensor name: shape} of a zip-format torch file, its tensors mapped onto the meta device (no storage read);
    None when it cannot be read that way (the loader's own checks then speak)."""
    try:
        state = torch.load(path, map_location="meta", weights_only=True, mmap=True)
    except Exception:  # an old-format or unsafe pickle: its own message comes from the real loader
        return None
    if not isinstance(state, dict):
        return None
    return {k: tuple(v.shape) for k, v in state.items() if isinstance(v, torch.Tensor)}


def folder_shapes(folder: Path) -> dict[str, tuple[int, ...]] | None:
    """{tensor name: shape} over the folder's weights files (sharded or not); None where there is nothing this
    can read ahead of the loader (no weights file, an old pickle)."""
    if (folder / SAFETENSORS_INDEX).is_file() or (folder / PICKLE_INDEX).is_file():
        index = folder / (SAFETENSORS_INDEX if (folder / SAFETENSORS_INDEX).is_file() else PICKLE_INDEX)
        try:
            weight_map = json.loads(index.read_text())["weight_map"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise Unreadable(f"{index.name}: {exc}") from None
        shapes: dict[str, tuple[int, ...]] = {}
        for shard in sorted(set(weight_map.values())):
            path = folder / shard
            if Path(shard).name != shard or not path.is_file():
                raise Unreadable(f"{index.name} names {shard}, which is not in the folder")
            part = safetensors_shapes(path) if shard.endswith(".safetensors") else pickle_shapes(path)
            if part is None:
                return None
            shapes.update(part)
        return shapes
    if (folder / SAFETENSORS).is_file():
        return safetensors_shapes(folder / SAFETENSORS)
    if (folder / PICKLE).is_file():
        return pickle_shapes(folder / PICKLE)
    return None


def meta_model(cls, config, trust_remote_code: bool = False):
    """The model `cls` builds from `config`, on the meta device: every tensor's shape, no storage."""
    with torch.device("meta"):
        return cls.from_config(config, attn_implementation="eager", trust_remote_code=trust_remote_code)


def loading_info(model, shapes: dict[str, tuple[int, ...]]) -> dict[str, list] | None:
    """What from_pretrained would report (missing_keys, unexpected_keys, mismatched_keys) for weights of `shapes`
    loaded into `model` (on the meta device), matched as transformers matches them; None where this transformers
    has no such matching (then only the check after loading applies)."""
    try:
        from transformers.conversion_mapping import get_model_conversion_mapping
        from transformers.core_model_loading import WeightConverter, WeightRenaming, rename_source_key
    except ImportError:
        return None
    meta = model.state_dict()
    transforms = get_model_conversion_mapping(model)
    renamings = [t for t in transforms if isinstance(t, WeightRenaming)]
    converters = [t for t in transforms if isinstance(t, WeightConverter)]
    prefix = getattr(model, "base_model_prefix", "") or None
    missing, unexpected, mismatched = set(meta), [], []
    for key, shape in shapes.items():
        renamed, converted = rename_source_key(key, renamings, converters, prefix, meta)
        if renamed not in meta and key in meta:
            renamed, converted = rename_source_key(key, [], [], prefix, meta)
        if renamed not in meta:
            unexpected.append(key)
            continue
        missing.discard(renamed)
        if converted is None and tuple(meta[renamed].shape) != shape:  # a converter reshapes (experts fused…)
            mismatched.append((renamed, shape, tuple(meta[renamed].shape)))
    for target, source in (getattr(model, "all_tied_weights_keys", None) or {}).items():
        if source not in missing:  # tied to a tensor the file holds
            missing.discard(target)
    missing = _without(missing, getattr(model, "_keys_to_ignore_on_load_missing", None))
    # as transformers does: old checkpoints' position_ids and rotary inv_freq buffers are not unexpected
    buffers = [name for name, _ in model.named_buffers()]
    legacy = {r"rotary_emb\.inv_freq"} if any(b.endswith("rotary_emb.inv_freq") for b in buffers) else set()
    if any(b.endswith("position_ids") for b in buffers):
        legacy.add(r"(^|\.)position_ids$")
    unexpected = _without(unexpected, set(getattr(model, "_keys_to_ignore_on_load_unexpected", None) or ()) | legacy)
    return {"missing_keys": sorted(missing), "unexpected_keys": sorted(unexpected), "mismatched_keys": mismatched}


def _without(keys, patterns) -> set[str]:
    """`keys` less those any of the regular expressions `patterns` finds."""
    if not patterns:
        return set(keys)
    ignore = re.compile("|".join(f"({p})" for p in patterns))
    return {k for k in keys if not ignore.search(k)}


def check_before_loading(spec: str, folder: Path, cls, config, trust_remote_code: bool = False) -> bool:
    """Refuse (NotAModel, naming the tensors) a folder whose weights cannot be the model its config describes,
    before that model is allocated. True when the folder was checked; False when nothing could be read ahead
    (no weights file this reads, a quantized model): the check after loading (check_loading) still holds."""
    if getattr(config, "quantization_config", None):
        return False
    try:
        shapes = folder_shapes(folder)
    except (Unreadable, OSError) as exc:
        raise NotAModel(Message("`{spec}`: its weights file could not be read ({detail}). It may be truncated or not a weights file; save the model again.", spec=spec, detail=str(exc))) from exc
    if shapes is None:
        return False
    try:
        info = loading_info(meta_model(cls, config, trust_remote_code), shapes)
    except Exception:  # a model that will not build on the meta device: the real loader says what is wrong
        return False
    if info is None:
        return False
    check_loading(spec, info)  # raises for missing body tensors or other shapes; head notes come after loading
    return True
