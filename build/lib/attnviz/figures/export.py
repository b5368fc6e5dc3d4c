"""A capture as files: NPZ with every stack, the tokens and what produced it."""
from __future__ import annotations

import io
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from attnviz.core.types import AttentionCapture, ModelInfo


def capture_arrays(cap: AttentionCapture, info: ModelInfo | None = None) -> dict[str, np.ndarray]:
    """Named arrays: attention_<kind> [layer, head, query_pos, key_pos], tokens, positional_<name>, metadata.

    A q/k capture's stacks are computed here, and refused (CaptureTooLarge) past the per-capture budget."""
    arrays: dict[str, np.ndarray] = {f"attention_{kind}": cap.attention[kind].float().cpu().numpy()
                                     for kind in cap.kinds}
    arrays["tokens"] = np.array(cap.tokens, dtype=str)
    arrays["token_ids"] = np.array(cap.token_ids, dtype=np.int64)
    if cap.target_tokens is not None:
        arrays["target_tokens"] = np.array(cap.target_tokens, dtype=str)
    if cap.positional is not None:
        for name, values in cap.positional.values.items():
            arrays[f"positional_{name}"] = np.asarray(values, dtype=np.float32)
    meta = {
        "model": cap.model, "device": cap.device, "dtype": cap.dtype, "mode": cap.mode, "method": cap.method,
        "kinds": cap.kinds, "dims": ["layer", "head", "query_pos", "key_pos"],
        "positional_kind": cap.positional.kind if cap.positional else None,
        "positional_source": cap.positional.source if cap.positional else None,
        "truncated_from": cap.truncated_from, "notes": cap.notes,
        "model_info": asdict(info) if info else None,
    }
    arrays["metadata"] = np.array(json.dumps(meta))
    return arrays


def write_npz(cap: AttentionCapture, path: str | Path, info: ModelInfo | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **capture_arrays(cap, info))
    return path


def npz_bytes(cap: AttentionCapture, info: ModelInfo | None = None) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **capture_arrays(cap, info))
    return buffer.getvalue()
