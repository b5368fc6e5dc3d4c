"""Operator settings: what a browser visitor may do on this server, read once at start.

Read from `ATTNVIZ_*` environment variables (see the README, "Running it for a class").
`ATTNVIZ_SHARED=1` switches every setting to its shared-server preset; a variable set explicitly
wins over the preset, except that remote code can never be turned on with the preset.
Pages never change these: the operator decides, not the visitor.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from attnviz.i18n import Message

CUSTOM_MODEL_MODES = ("any", "roots", "off")
ERROR_DETAIL_LEVELS = ("full", "stacktrace", "type", "none")  # Streamlit's client.showErrorDetails values
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")  # Python logging's level names
LIMITS = ("max_tokens", "max_train_steps", "max_jobs", "max_jobs_per_session", "capture_cache_mb", "capture_max_mb",
          "eager_stack_mb", "max_train_params", "max_train_batch", "max_train_mb", "max_train_minutes",
          "max_measure_tokens")


class SettingsError(ValueError):
    """A setting the operator gave that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    shared: bool = False  # the shared-server preset is on
    custom_models: str = "any"  # "any" (a folder anywhere or a hub id) | "roots" (only under model_roots) | "off"
    model_roots: tuple[Path, ...] = ()
    remote_code: bool = True  # offer the per-load "Allow remote code" opt-in (never on a shared server)
    checkpoint_dir: Path = Path("checkpoints")  # the one directory checkpoints are written to
    max_tokens: int = 0  # tokens per capture (0: the model's own limit only)
    max_measure_tokens: int = 0  # tokens of a text the costly measures run on (value zeroing, ablation, patching)
    max_train_steps: int = 100_000  # training steps per job
    max_train_params: int = 0  # parameters of a trained model (0: no limit)
    max_train_batch: int = 0  # examples per training step (0: no limit)
    max_train_mb: int = 0  # a job's estimated memory, in MB (0: no limit)
    max_train_minutes: int = 0  # a job's estimated time on this machine, in minutes (0: no limit)
    max_jobs: int = 4  # training jobs running at once, over all visitors
    max_jobs_per_session: int = 1
    capture_cache_mb: int = 2048  # memory held by cached captures
    capture_max_mb: int = 1024  # one capture: larger ones are refused with a message naming the way out
    eager_stack_mb: int = 256  # mode "auto" stores every weight up to this stack size, queries and keys above
    private_paths: bool = False  # messages show paths relative to the allowed roots, never other server paths
    error_details: str = "full"  # Streamlit's client.showErrorDetails: what an unexpected error shows
    survey_dir: Path = Path("surveys")  # where the survey page lists surveys (shared server: the only place)
    log_level: str = "INFO"  # the level of attnviz's own lines in the server's log
    extra: dict = field(default_factory=dict)


SHARED_PRESET = dict(shared=True, custom_models="off", remote_code=False, max_tokens=512, max_measure_tokens=128,
                     max_train_steps=2000,
                     max_train_params=1_000_000, max_train_batch=256, max_train_mb=1024, max_train_minutes=30,
                     max_jobs=2, max_jobs_per_session=1, capture_cache_mb=1024, capture_max_mb=256,
                     eager_stack_mb=64, private_paths=True,
                     error_details="none")

# Every setting, its variable and what it means: the operator's guide's table (docs/operators.md) and
# `attnviz settings`.
VARIABLES: dict[str, tuple[str, str]] = {
    "shared": ("ATTNVIZ_SHARED", "1: the shared-server preset (every default below switches to its shared value)"),
    "custom_models": ("ATTNVIZ_CUSTOM_MODELS", "any: a folder anywhere or a hub id; roots: only folders under "
                      "ATTNVIZ_MODEL_ROOTS, picked from a list; off: only the bundled models (and checkpoints)"),
    "model_roots": ("ATTNVIZ_MODEL_ROOTS", f"folders that hold model folders, separated by '{os.pathsep}' "
                    "(setting them alone implies custom_models=roots)"),
    "remote_code": ("ATTNVIZ_REMOTE_CODE", "0: no 'Allow remote code' box at all (always 0 with the preset)"),
    "checkpoint_dir": ("ATTNVIZ_CHECKPOINT_DIR", "the one folder the training lab writes checkpoints into"),
    "survey_dir": ("ATTNVIZ_SURVEY_DIR", "the folder whose surveys the survey page lists (shared: the only ones)"),
    "max_tokens": ("ATTNVIZ_MAX_TOKENS", "tokens per capture; longer texts are cut, and the page says so (0: no limit)"),
    "max_measure_tokens": ("ATTNVIZ_MAX_MEASURE_TOKENS", "tokens of a text that the pages run the costly measures "
                           "on (value zeroing: a run per token; head ablation and patching: a run per head); "
                           "longer texts are refused with a message (0: no limit)"),
    "max_train_steps": ("ATTNVIZ_MAX_TRAIN_STEPS", "training steps per job"),
    "max_train_params": ("ATTNVIZ_MAX_TRAIN_PARAMS", "parameters of a model the training lab trains (0: no limit)"),
    "max_train_batch": ("ATTNVIZ_MAX_TRAIN_BATCH", "examples per training step (0: no limit)"),
    "max_train_mb": ("ATTNVIZ_MAX_TRAIN_MB", "memory one training job may take by its measured estimate, in MB "
                     "(0: no limit)"),
    "max_train_minutes": ("ATTNVIZ_MAX_TRAIN_MINUTES", "minutes one training job may take by its measured estimate "
                          "on this machine (0: no limit)"),
    "max_jobs": ("ATTNVIZ_MAX_JOBS", "training jobs running at once, over all visitors"),
    "max_jobs_per_session": ("ATTNVIZ_MAX_JOBS_PER_SESSION", "training jobs per browser session"),
    "capture_cache_mb": ("ATTNVIZ_CAPTURE_CACHE_MB", "memory held by cached captures, in MB"),
    "capture_max_mb": ("ATTNVIZ_CAPTURE_MAX_MB", "memory one capture may take, in MB; a larger one is refused "
                       "with a message naming the way out (fewer tokens, queries-and-keys mode, the GPU)"),
    "eager_stack_mb": ("ATTNVIZ_EAGER_STACK_MB", "capture mode auto stores every weight while the whole stack "
                       "takes at most this many MB, and only queries and keys above it"),
    "private_paths": ("ATTNVIZ_PRIVATE_PATHS", "1: messages name folders relative to the allowed roots and "
                      "hide every other server path"),
    "error_details": ("ATTNVIZ_ERROR_DETAILS", "what an unexpected error shows in the page: full, stacktrace, "
                      "type or none (Streamlit's client.showErrorDetails)"),
    "log_level": ("ATTNVIZ_LOG_LEVEL", "the level of attnviz's own lines in the server's log: DEBUG, INFO, WARNING, "
                  "ERROR or CRITICAL"),
}


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _int(env: dict[str, str], var: str) -> int:
    try:
        value = int(env[var].strip())
    except ValueError:
        raise SettingsError(Message("{var}={value} is not a whole number.", var=var, value=repr(env[var]))) from None
    if value < 0:
        raise SettingsError(Message("{var}={value} is negative; use 0 or more.", var=var, value=value))
    return value


def _roots(raw: str, base: Path) -> tuple[Path, ...]:
    roots = []
    for part in raw.split(os.pathsep):
        if not part.strip():
            continue
        root = Path(part.strip()).expanduser()
        root = (root if root.is_absolute() else base / root).resolve()
        if not root.is_dir():
            raise SettingsError(Message("ATTNVIZ_MODEL_ROOTS: {root} is not a folder.", root=str(root)))
        roots.append(root)
    return tuple(roots)


def from_environment(env: dict[str, str] | None = None, base: Path | None = None) -> Settings:
    """Settings from `ATTNVIZ_*` variables (the shared preset first, then each explicit variable).

    Relative folders are taken from `base` (default: the working directory). Raises SettingsError
    for a value that cannot be used, naming the variable.
    """
    env = dict(os.environ if env is None else env)
    base = Path.cwd() if base is None else base
    shared = _flag(env.get("ATTNVIZ_SHARED", ""))
    values = {f.name: getattr(Settings(), f.name) for f in fields(Settings)}
    if shared:
        values.update(SHARED_PRESET)
    if "ATTNVIZ_MODEL_ROOTS" in env:
        values["model_roots"] = _roots(env["ATTNVIZ_MODEL_ROOTS"], base)
        if values["model_roots"] and "ATTNVIZ_CUSTOM_MODELS" not in env:
            values["custom_models"] = "roots"
    if "ATTNVIZ_CUSTOM_MODELS" in env:
        mode = env["ATTNVIZ_CUSTOM_MODELS"].strip().lower()
        if mode not in CUSTOM_MODEL_MODES:
            raise SettingsError(Message("ATTNVIZ_CUSTOM_MODELS={mode}: use one of {choices}.", mode=repr(mode),
                                      choices=", ".join(CUSTOM_MODEL_MODES)))
        values["custom_models"] = mode
    if values["custom_models"] == "roots" and not values["model_roots"]:
        raise SettingsError(Message("ATTNVIZ_CUSTOM_MODELS=roots needs ATTNVIZ_MODEL_ROOTS: the folders that hold the model folders visitors may open."))
    if "ATTNVIZ_REMOTE_CODE" in env:
        # The preset never offers remote code: a visitor's model folder would run as the server's user.
        values["remote_code"] = _flag(env["ATTNVIZ_REMOTE_CODE"]) and not shared
    if "ATTNVIZ_CHECKPOINT_DIR" in env:
        values["checkpoint_dir"] = Path(env["ATTNVIZ_CHECKPOINT_DIR"]).expanduser()
    if "ATTNVIZ_SURVEY_DIR" in env:
        values["survey_dir"] = Path(env["ATTNVIZ_SURVEY_DIR"]).expanduser()
    for name in LIMITS:
        var = VARIABLES[name][0]
        if var in env:
            values[name] = _int(env, var)
    if "ATTNVIZ_PRIVATE_PATHS" in env:
        values["private_paths"] = _flag(env["ATTNVIZ_PRIVATE_PATHS"])
    if "ATTNVIZ_ERROR_DETAILS" in env:
        level = env["ATTNVIZ_ERROR_DETAILS"].strip().lower()
        if level not in ERROR_DETAIL_LEVELS:
            raise SettingsError(Message("ATTNVIZ_ERROR_DETAILS={level}: use one of {choices}.", level=repr(level),
                                      choices=", ".join(ERROR_DETAIL_LEVELS)))
        values["error_details"] = level
    if "ATTNVIZ_LOG_LEVEL" in env:
        level = env["ATTNVIZ_LOG_LEVEL"].strip().upper()
        if level not in LOG_LEVELS:
            raise SettingsError(Message("ATTNVIZ_LOG_LEVEL={level}: use one of {choices}.", level=repr(level),
                                        choices=", ".join(LOG_LEVELS)))
        values["log_level"] = level
    return Settings(**values)


def describe(settings: Settings) -> list[tuple[str, str, str]]:
    """(variable, value as the operator would write it, meaning) for every setting."""
    rows = []
    for name, (var, meaning) in VARIABLES.items():
        value = getattr(settings, name)
        if isinstance(value, bool):
            shown = "1" if value else "0"
        elif isinstance(value, tuple):
            shown = os.pathsep.join(str(p) for p in value)
        else:
            shown = str(value)
        rows.append((var, shown, meaning))
    return rows


@lru_cache(maxsize=1)
def current() -> Settings:
    """The settings of this process, read once."""
    return from_environment()

