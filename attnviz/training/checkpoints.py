"""Checkpoints by name in one directory: names that cannot be paths, unique defaults, no silent overwrite.

A visitor names a checkpoint; the operator's directory decides where it goes. Nothing is written
outside that directory, and a folder that is not an attnviz checkpoint is never written into.
Names are saved in their plain form and must not pass for a name already taken (attnviz.training.lookalike).
On a shared server a checkpoint belongs to the browser session that saved it: its JSON keeps a tag of that
session's token; other sessions may open it, only its owner may replace it.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

from attnviz.core import settings as operator
from attnviz.core.errors import AttnvizError
from attnviz.i18n import Message, N_
from attnviz.models.scratch import CONFIG_FILE, WEIGHTS_FILE
from attnviz.training import lookalike

CHECKPOINT_FILES = {CONFIG_FILE, WEIGHTS_FILE}
_NAME = re.compile(r"\w[\w.-]{0,79}")  # letters (any script), digits, '_', then also '.' and '-'
RULES = Message("Use letters, digits, '-', '_' and '.' (at most 80 characters, starting with a letter or digit).")  # "Use letters, digits, '-', '_' and '.' (…)"
OWNER_KEY = "owner"  # in the checkpoint's JSON: owner_tag() of the session that saved it
NOT_OWNER = N_("`{name}` was saved by another session: you may open it, but only that session may replace it. "
             "Save under another name.")


class NotOwner(AttnvizError):
    """A session tried to replace a checkpoint another session saved (on a shared server)."""


def normalise_name(name: str) -> str:
    """The name a checkpoint is saved under: NFKC, no blanks around it, no trailing dots."""
    return lookalike.normalise(name)


def name_problem(name: str, taken: list[str] | tuple[str, ...] = ()) -> str | None:
    """Why `name` cannot name a checkpoint (a sentence saying what to type instead), or None. The name is
    judged in its plain form (normalise_name); `taken`: the names already in the folder, which it must not
    pass for (checkpoint_names)."""
    name = normalise_name(name)
    if not name.strip():
        return Message("Give the checkpoint a name. {rules}", rules=RULES)
    if "/" in name or "\\" in name or name.startswith("~") or Path(name).is_absolute():
        return Message("A checkpoint is named, not given a path: the name cannot hold '/', '\\' or '~'. It is saved in this server's checkpoint folder. {rules}", rules=RULES)
    if ".." in name:
        return Message("A checkpoint name cannot hold '..'. {rules}", rules=RULES)
    if not _NAME.fullmatch(name):
        return Message("That name has characters a checkpoint name cannot hold. {rules}", rules=RULES)
    return lookalike.name_problem(name, taken)


def checkpoint_names(root: Path) -> list[str]:
    """The names of the checkpoints in root (sorted)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if is_checkpoint(p))


def owner_tag(token: str) -> str:
    """What a checkpoint records of its owner: a hash of the session's token (the token itself is never written)."""
    return hashlib.sha256(f"attnviz-checkpoint-owner\0{token}".encode()).hexdigest()


def owner_of(folder: Path) -> str | None:
    """The owner tag a checkpoint records (None: saved without one, by the command line or before owners)."""
    try:
        meta = json.loads((Path(folder) / CONFIG_FILE).read_text())
    except (OSError, ValueError):
        return None
    tag = meta.get(OWNER_KEY) if isinstance(meta, dict) else None
    return tag if isinstance(tag, str) else None


def may_replace(folder: Path, owner: str | None, enforce: bool | None = None) -> bool:
    """Whether the session with token `owner` may replace the checkpoint in folder. With ownership enforced
    (default: on a shared server), a session may replace only what it saved; `owner` None is the operator
    (the command line), who may replace anything."""
    enforce = operator.current().shared if enforce is None else enforce
    if not enforce or owner is None:
        return True
    return owner_of(folder) == owner_tag(owner)


def is_checkpoint(folder: Path) -> bool:
    """A real folder holding an attnviz checkpoint (our config and weights, as plain files) and nothing else."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    entries = {p.name: p for p in folder.iterdir()}
    if set(entries) != CHECKPOINT_FILES or any(p.is_symlink() or not p.is_file() for p in entries.values()):
        return False
    try:
        meta = json.loads(entries[CONFIG_FILE].read_text())
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and isinstance(meta.get("config"), dict) and "train_config" in meta


def default_name(task: str, architecture: str, root: Path, now: float | None = None) -> str:
    """task-architecture-HHMMSS, with -2, -3… when a folder of that name is already there."""
    base = f"{task}-{architecture}-{time.strftime('%H%M%S', time.localtime(now))}"
    return free_name(root, base)


def free_name(root: Path, name: str) -> str:
    """`name`, or `name-2`, `name-3`… : the first that nothing in root is called."""
    candidate, n = name, 1
    while (root / candidate).exists() or (root / candidate).is_symlink():
        n += 1
        candidate = f"{name}-{n}"
    return candidate


def target(root: Path, name: str) -> Path:
    """root/name after checking the name, and that the result stays inside root."""
    problem = name_problem(name)
    if problem:
        raise AttnvizError(problem)
    root = Path(root)
    folder = root / name
    if folder.parent.resolve() != root.resolve() or folder.name != name:  # belt and braces: one level, never more
        raise AttnvizError(Message("A checkpoint name must stay inside the checkpoint folder. {rules}", rules=RULES))
    return folder


def claim(root: Path, name: str, replace: bool = False) -> Path:
    """Make root/name ready for a checkpoint and return it.

    A new name gets a new folder (made atomically, so two sessions cannot both claim it). An existing
    name raises FileExistsError, unless replace is True and the folder is an attnviz checkpoint (then
    its two files are replaced); a folder that is anything else is never written into.
    """
    folder = target(root, name)
    Path(root).mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir()
        return folder
    except FileExistsError:
        if not replace:
            raise
        if not is_checkpoint(folder):
            raise AttnvizError(Message("Something that is not an attnviz checkpoint is already called `{name}` in the checkpoint folder, and it is never overwritten: choose another name.", name=name)) from None
    for file in CHECKPOINT_FILES:  # unlink first: never write through whatever might stand there
        (folder / file).unlink(missing_ok=True)
    return folder


def save(trainer, root: Path, name: str, replace: bool = False, rename: bool = False, owner: str | None = None,
         enforce_owner: bool | None = None) -> Path:
    """Save a Trainer's model as root/name and return the folder (its name: the plain form of `name`).

    rename: when the name is taken, save under the next free name instead (for a suggested name,
    which the person did not choose); otherwise a taken name raises FileExistsError (ask them), or NotOwner
    when it belongs to another session (may_replace: asking would not help). A name that passes for a taken
    one, or mixes scripts, raises AttnvizError saying why. owner: the saving session's token, recorded as a tag.
    """
    name = normalise_name(name)
    problem = name_problem(name, checkpoint_names(root))
    if problem:
        raise AttnvizError(problem)
    existing = Path(root) / name
    if not rename and is_checkpoint(existing) and not may_replace(existing, owner, enforce_owner):
        raise NotOwner(Message(NOT_OWNER, name=name))
    while True:
        if rename:
            name = free_name(Path(root), name)
        try:
            folder = claim(root, name, replace=replace and not rename)
            break
        except FileExistsError:
            if not rename:
                raise
    return trainer.save(folder, extra={OWNER_KEY: owner_tag(owner)} if owner is not None else None)
