"""Operator settings: what a browser visitor may do on this server, read once at start.

Read from `ATTNVIZ_*` environment variables (see the README, "Running it for a class").
`ATTNVIZ_SHARED=1` switches every setting to its shared-server preset; a variable set explicitly
wins over the preset. Pages never change these: the operator decides, not the visitor.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    shared: bool = False  # the shared-server preset is on
    custom_models: str = "any"  # "any" (a folder anywhere or a hub id) | "roots" (only under model_roots) | "off"
    model_roots: tuple[Path, ...] = ()
    remote_code: bool = True  # offer the per-load "Allow remote code" opt-in (never on a shared server)
    checkpoint_dir: Path = Path("checkpoints")  # the one directory checkpoints are written to
    max_tokens: int = 0  # tokens per capture (0: the model's own limit only)
    max_train_steps: int = 100_000  # training steps per job
    max_jobs: int = 4  # training jobs running at once, over all visitors
    max_jobs_per_session: int = 1
    capture_cache_mb: int = 2048  # memory held by cached captures
    extra: dict = field(default_factory=dict)


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def from_environment(env: dict[str, str] | None = None) -> Settings:
    """Settings from `ATTNVIZ_*` variables (the shared preset first, then each explicit variable)."""
    env = dict(os.environ if env is None else env)
    shared = _flag(env.get("ATTNVIZ_SHARED", ""))
    s = Settings()
    if shared:
        s = Settings(shared=True, custom_models="off", remote_code=False, max_tokens=512, max_train_steps=2000,
                     max_jobs=2, max_jobs_per_session=1, capture_cache_mb=1024)
    values = {k: getattr(s, k) for k in Settings.__dataclass_fields__}
    if "ATTNVIZ_CUSTOM_MODELS" in env:
        values["custom_models"] = env["ATTNVIZ_CUSTOM_MODELS"].strip().lower()
    if "ATTNVIZ_MODEL_ROOTS" in env:
        values["model_roots"] = tuple(Path(p).expanduser().resolve()
                                      for p in env["ATTNVIZ_MODEL_ROOTS"].split(os.pathsep) if p.strip())
    if "ATTNVIZ_REMOTE_CODE" in env:
        values["remote_code"] = _flag(env["ATTNVIZ_REMOTE_CODE"]) and not shared
    if "ATTNVIZ_CHECKPOINT_DIR" in env:
        values["checkpoint_dir"] = Path(env["ATTNVIZ_CHECKPOINT_DIR"]).expanduser()
    for name in ("max_tokens", "max_train_steps", "max_jobs", "max_jobs_per_session", "capture_cache_mb"):
        var = "ATTNVIZ_" + name.upper()
        if var in env:
            values[name] = int(env[var])
    return Settings(**values)


@lru_cache(maxsize=1)
def current() -> Settings:
    """The settings of this process, read once."""
    return from_environment()
