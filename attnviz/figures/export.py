"""A capture as files: NPZ with every stack, the tokens and what produced it (and the measures drawn from it); file
names that say what a file holds; image export that reports its progress."""
from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from attnviz.analysis.measures import METHODS, MeasureResult
from attnviz.core.types import AttentionCapture, ModelInfo
from attnviz.figures.measured import MeasuredCapture


def measure_arrays(result: MeasureResult) -> tuple[dict[str, np.ndarray], dict]:
    """(measure_<method>: its values [layer, head, query_pos, key_pos] or [layer, query_pos, key_pos], what it is)."""
    about = {"kind": result.kind, "per_head": result.per_head, "paper": METHODS[result.method].paper,
             "dims": ["layer", "head", "query_pos", "key_pos"] if result.per_head else ["layer", "query_pos", "key_pos"],
             "layers": result.layers, "target": result.target.to_json() if result.target is not None else None,
             "target_value": result.target_value}
    return {f"measure_{result.method}": result.values.float().cpu().numpy()}, about


def capture_arrays(cap: AttentionCapture, info: ModelInfo | None = None,
                   measures: list[MeasureResult] | None = None) -> dict[str, np.ndarray]:
    """Named arrays: attention_<kind> [layer, head, query_pos, key_pos], tokens, positional_<name>, metadata; and
    measure_<method> for each of `measures` and for the measure a measured capture draws (figures.measured), the
    metadata's "measures" saying what each one is.

    A q/k capture's stacks are computed here, and refused (CaptureTooLarge) past the per-capture budget."""
    measures = list(measures or [])
    if isinstance(cap, MeasuredCapture):
        measures, cap = [cap.measure, *(m for m in measures if m is not cap.measure)], cap.base
    arrays: dict[str, np.ndarray] = {f"attention_{kind}": cap.attention[kind].float().cpu().numpy()
                                     for kind in cap.kinds}
    described = {}
    for result in measures:
        values, described[result.method] = measure_arrays(result)
        arrays.update(values)
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
    if described:
        meta["measures"] = described
    arrays["metadata"] = np.array(json.dumps(meta))
    return arrays


def write_npz(cap: AttentionCapture, path: str | Path, info: ModelInfo | None = None,
              measures: list[MeasureResult] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **capture_arrays(cap, info, measures))
    return path


def npz_bytes(cap: AttentionCapture, info: ModelInfo | None = None,
              measures: list[MeasureResult] | None = None) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **capture_arrays(cap, info, measures))
    return buffer.getvalue()


NAME_CHARS = 40  # characters kept of a model's name in a file name


def _slug(text: str) -> str:
    """Lower-case letters, digits, '.', '_' and '-' only: safe in a file name on every system."""
    text = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower())
    return re.sub(r"-{2,}", "-", text).strip("-.")[:NAME_CHARS].strip("-.")


def export_name(model: str, view: str, ext: str, layer: int | None = None, head: int | None = None,
                kind: str | None = None, measure: str | None = None) -> str:
    """A download's file name: model, view, layer and head (`minilm-heatmap-L3-H9.csv`), so two downloads
    of two heads never overwrite each other. A folder's path names the model by its last part; `kind`
    (cross, decoder_self) is added where it is not the encoder's self-attention; pooled views have no head;
    a measure other than the weights follows the model (`minilm-norm-heatmap-L3-H9.csv`)."""
    return export_stem(model, view, layer, head, kind, measure) + "." + ext.lstrip(".").lower()


def export_stem(model: str, view: str, layer: int | None = None, head: int | None = None, kind: str | None = None,
                measure: str | None = None) -> str:
    """export_name without its extension: what a figure's camera button names its image, the page adding .png."""
    name = _slug(Path(model.rstrip("/\\")).name if ("/" in model or "\\" in model) else model) or "model"
    parts = [name, *([_slug(measure)] if measure and measure != "weight" and _slug(measure) else []),
             _slug(view) or "view"]
    if kind and kind != "self":
        parts.append(_slug(kind))
    if layer is not None:
        parts.append(f"L{layer}")
    if head is not None:
        parts.append(f"H{head}")
    return "-".join(parts)


@dataclass(frozen=True)
class ExportProgress:
    """One step of an image export, for a progress line: which file (index of total) and how far."""

    path: Path
    index: int  # 1-based
    total: int
    stage: str  # "start", "working" (every `every_s` while the renderer works), "done" or "failed"
    elapsed_s: float


def write_image(figure, path: str | Path, progress: Callable[[ExportProgress], None] | None = None,
                index: int = 1, total: int = 1, every_s: float = 1.0) -> Path:
    """figure.write_image(path) (kaleido, which starts a browser: tens of seconds the first time), telling
    `progress` when it starts, every `every_s` seconds while it works, and when it is done or failed.
    The renderer's exception is raised again after the "failed" event."""
    path = Path(path)
    say = progress or (lambda _event: None)
    start = time.monotonic()
    finished = threading.Event()

    def beat() -> None:
        while not finished.wait(every_s):
            say(ExportProgress(path, index, total, "working", time.monotonic() - start))

    say(ExportProgress(path, index, total, "start", 0.0))
    beater = threading.Thread(target=beat, name="attnviz-export-progress", daemon=True)
    beater.start()
    try:
        figure.write_image(str(path))
    except BaseException:
        finished.set()
        beater.join()
        say(ExportProgress(path, index, total, "failed", time.monotonic() - start))
        raise
    finished.set()
    beater.join()
    say(ExportProgress(path, index, total, "done", time.monotonic() - start))
    return path
