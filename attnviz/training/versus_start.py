"""A trained checkpoint beside its untrained start, on the task's own sample input: both captures, the heads
ranked by how much they changed, and the two censuses side by side (on the induction task, the induction
head appears)."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from attnviz.analysis.compare import Comparison, compare
from attnviz.analysis.head_changes import Changes, head_changes
from attnviz.analysis.headtypes.census import Census, census
from attnviz.analysis.headtypes.probe import find_repeat
from attnviz.analysis.headtypes.side_by_side import TypeRow, side_by_side
from attnviz.capture.api import capture
from attnviz.core.errors import NotAModel
from attnviz.core.types import AttentionCapture
from attnviz.i18n import Message
from attnviz.models.loading import LoadedModel, load_model
from attnviz.models.scratch import CONFIG_FILE
from attnviz.models.untrained import untrained_start
from attnviz.training.tasks import TASKS, sample_input


def checkpoint_sample(folder: str | Path) -> tuple[str, str]:
    """(text, decoder text) of a checkpoint's task sample, laid out as it was trained (tasks.sample_input);
    the decoder text is empty except for encoder-decoders. NotAModel if the folder is no task checkpoint."""
    path = Path(folder).expanduser() / CONFIG_FILE
    try:
        meta = json.loads(path.read_text())
    except (OSError, ValueError):
        meta = None
    task = TASKS.get((meta or {}).get("task"))
    if not isinstance(meta, dict) or task is None:
        raise NotAModel(Message("`{folder}` is not an attnviz checkpoint, so it has no recorded untrained start: pick a folder saved by the Training lab (or `python -m attnviz train`).", folder=str(folder)))
    if isinstance(meta.get("probe"), list) and len(meta["probe"]) == 2:  # the sample it was trained to show
        task = replace(task, probe=tuple(meta["probe"]))
    architecture = (meta.get("train_config") or {}).get("architecture") or meta["config"]["architecture"]
    return sample_input(task, architecture)


@dataclass
class VersusStart:
    """A = the checkpoint, B = its untrained start (as the compare page's set-up puts them)."""

    text: str
    target: str
    trained: AttentionCapture
    start: AttentionCapture
    comparison: Comparison
    changes: Changes
    census_trained: Census
    census_start: Census
    types: list[TypeRow]


def sample_census(model: LoadedModel, cap: AttentionCapture, thresholds: Mapping[str, float] | None = None) -> Census:
    """A task checkpoint's census on a capture of its sample: induction on the sample itself where it repeats a
    run (a toy model knows only its task's tokens, so random ones tell nothing); else on random probes of the
    model's vocabulary. (A page's census of a checkpoint, as versus_start makes it.)"""
    repeats = find_repeat(cap.token_ids or cap.tokens) is not None
    return census(model, cap.text, thresholds, induction="text" if repeats else "probes", cap=cap)


def versus_start(folder: str | Path, device: str = "cpu",
                 thresholds: Mapping[str, float] | None = None) -> VersusStart:
    """Load the checkpoint in `folder` and its untrained start, capture both on the task's sample input, and
    say what training changed."""
    text, target = checkpoint_sample(folder)
    trained, start = load_model(str(folder), device=device), untrained_start(str(folder), device=device)
    cap_a = capture(trained, text, target=target or None)
    cap_b = capture(start, text, target=target or None)
    result = compare(cap_a, cap_b)
    census_a, census_b = sample_census(trained, cap_a, thresholds), sample_census(start, cap_b, thresholds)
    return VersusStart(text, target, cap_a, cap_b, result, head_changes(result, cap_a, cap_b), census_a, census_b,
                       side_by_side(census_a, census_b))

