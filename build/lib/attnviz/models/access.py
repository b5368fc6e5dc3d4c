"""Which models a visitor may load under the operator's settings, and how server folders are named in messages.

A spec refused here gets the same message whether or not the path exists, so the model box
cannot be used to map the server's disk.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from attnviz.core.errors import ModelRefused
from attnviz.core.settings import Settings
from attnviz.i18n import Message
from attnviz.models.registry import OFFLINE_MODELS
from attnviz.models.scratch import CONFIG_FILE

MAX_DEPTH = 3  # how deep under a root model folders are looked for
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# An absolute POSIX path that starts a word (not the //host/ part of a URL).
ABSOLUTE_PATH = re.compile(r"(?<![\w:/.~-])/(?:[^\s`'\"()<>\[\]{},;]+)")


@dataclass(frozen=True)
class Root:
    label: str  # what a visitor sees instead of the folder's absolute path
    path: Path


def roots(settings: Settings) -> list[Root]:
    """The folders a visitor may open models from: the model roots (mode "roots") and the checkpoint folder."""
    paths = list(settings.model_roots) if settings.custom_models == "roots" else []
    paths.append(Path(settings.checkpoint_dir).expanduser().resolve())
    found: list[Root] = []
    for path in paths:
        path = Path(path).resolve()
        if any(r.path == path for r in found):
            continue
        label, n = path.name or "models", 2
        while any(r.label == label for r in found):
            label, n = f"{path.name}-{n}", n + 1
        found.append(Root(label, path))
    return found


def is_model_folder(folder: Path) -> bool:
    return (folder / "config.json").is_file() or (folder / CONFIG_FILE).is_file()


def model_folders(settings: Settings) -> dict[str, Path]:
    """label -> folder for every model folder under the allowed roots (empty when any folder may be typed)."""
    if settings.custom_models == "any":
        return {}
    found: dict[str, Path] = {}
    for root in roots(settings):
        if not root.path.is_dir():
            continue
        for folder in _walk(root.path, MAX_DEPTH):
            found[f"{root.label}/{folder.relative_to(root.path).as_posix()}"] = folder
    return dict(sorted(found.items()))


def _walk(top: Path, depth: int):
    try:
        children = sorted(p for p in top.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return
    for child in children:
        if not child.resolve().is_relative_to(top.resolve()):
            continue  # a link out of the root is not under it
        if is_model_folder(child):
            yield child
        elif depth > 1:
            yield from _walk(child, depth - 1)


def _under_root(spec: str, settings: Settings) -> Path | None:
    """The model folder a spec names inside an allowed root (by label or absolute path), else None."""
    for root in roots(settings):
        if spec == root.label or spec.startswith(root.label + "/"):
            candidate = root.path / spec[len(root.label):].lstrip("/")
        elif Path(spec).is_absolute():
            candidate = Path(spec)
        else:
            continue
        folder = candidate.resolve()
        if folder != root.path and folder.is_relative_to(root.path) and is_model_folder(folder):
            return folder
    return None


def refusal(settings: Settings) -> str:
    """Why a spec is refused, the same words whatever the spec is and whether or not it exists."""
    if settings.custom_models == "roots":
        where = ", ".join(r.label for r in roots(settings))
        return Message.presentable("That model is not one this server offers. Pick a bundled model, or a model folder from the sidebar's list (folders under {where}).", where=where)
    return Message.presentable("This server offers only its bundled models and the training lab's checkpoints. Pick one from the sidebar's list.")


def resolve(spec: str, settings: Settings) -> str:
    """What load_model gets for a visitor's spec, or ModelRefused (same message whether or not it exists)."""
    spec = (spec or "").strip()
    if spec in OFFLINE_MODELS or settings.custom_models == "any":
        return spec
    folder = _under_root(spec, settings)
    if folder is None:
        raise ModelRefused(refusal(settings))
    return str(folder)


def allow_remote_code(requested: bool, settings: Settings) -> bool:
    """Remote code runs only when the visitor asked for it and the operator offers it."""
    return bool(requested) and settings.remote_code


def no_remote_code(name: str) -> str:
    """Why a model that ships its own code does not load on a server that never runs such code."""
    return Message("`{name}` needs Python code shipped with the model, and this server never runs code that comes with a model. Pick another model.", name=name)


def display_name(spec: str, settings: Settings) -> str | None:
    """How a model folder is named in pages with private paths on ("root/relative"); None: its own name."""
    if not settings.private_paths or spec in OFFLINE_MODELS or not Path(spec).is_absolute():
        return None
    folder = Path(spec).resolve()
    for root in roots(settings):
        if folder.is_relative_to(root.path):
            return f"{root.label}/{folder.relative_to(root.path).as_posix()}".rstrip("/")
    return folder.name


def plain(text: str) -> str:
    """Text without terminal escape codes (torch colours parts of its errors)."""
    return ANSI.sub("", text)


def scrub(text: str, settings: Settings) -> str:
    """A message fit for the page: no escape codes and, with private paths, no absolute server path
    (folders under the allowed roots become "root/relative", every other path "…")."""
    text = plain(text)
    if not settings.private_paths:
        return text
    for root in sorted(roots(settings), key=lambda r: -len(str(r.path))):
        text = text.replace(str(root.path), root.label)
    return ABSOLUTE_PATH.sub("…", text)
