"""The training lab's session state: one job per browser session on the server's job board, and its checkpoints."""
from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from attnviz.core import settings
from attnviz.core.errors import AttnvizError
from attnviz.i18n import say, t
from attnviz.models import access
from attnviz.training import checkpoints
from attnviz.training.jobs import JobBoard
from attnviz.training.tasks import TASKS, sample_input
from attnviz.training.trainer import TrainConfig, Trainer
from attnviz.training.worker import TrainingJob
from attnviz.app.state import session as Session
from attnviz.app.state import sidebar as Sidebar
from attnviz.app.state import training as Train
from attnviz.app.shell.sidebar import CUSTOM

KEY = Train.JOB
NAME_KEY, SUGGESTED_KEY = Train.NAME, Train.SUGGESTED
SAVED_KEY, ASK_KEY = Train.SAVED, Train.ASK
IDLE_SECONDS = 10 * 60  # a job nobody has looked at for this long is stopped (it can be resumed)
ENDED_GRACE_SECONDS = 120  # Streamlit keeps a disconnected session this long for it to reconnect

_board: JobBoard | None = None
_board_lock = threading.Lock()
_inactive_since: dict[str, float] = {}


def board() -> JobBoard:
    """The one job board of this server process, with the operator's limits."""
    global _board
    with _board_lock:
        if _board is None:
            s = settings.current()
            _board = JobBoard(s.max_jobs, s.max_jobs_per_session)
            # a closed tab's job stops within seconds (connected), not after Streamlit's grace period (alive)
            _board.watch(_session_alive, IDLE_SECONDS, connected=_session_connected)
        return _board


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def _session_alive(session: str) -> bool:
    """False once a session has been disconnected for longer than Streamlit keeps it."""
    if not session or not Runtime.exists():  # tests and scripts: no server that ends sessions
        return True
    if Runtime.instance().is_active_session(session):
        _inactive_since.pop(session, None)
        return True
    return time.monotonic() - _inactive_since.setdefault(session, time.monotonic()) < ENDED_GRACE_SECONDS


def _session_connected(session: str) -> bool:
    """Whether a session's page is open now (its WebSocket connected); a closed tab is not, at once."""
    if not session or not Runtime.exists():
        return True
    return Runtime.instance().is_active_session(session)


def owner_token() -> str:
    """This browser session's secret: the checkpoints it saves record a hash of it, and only it may replace them
    on a shared server (checkpoints.may_replace). It never leaves the server."""
    return st.session_state.setdefault(Train.OWNER, secrets.token_hex(16))


def current_job() -> TrainingJob | None:
    job = st.session_state.get(KEY)
    if job is not None:
        job.touch()
    return job


def steps_problem(config: TrainConfig) -> str | None:
    """The operator's cap on steps per job, as a sentence, when this config passes it."""
    limit = settings.current().max_train_steps
    steps = config.resolved().steps
    if steps > limit:
        return t("This server trains at most {limit:,} steps per job ({steps:,} asked): set Steps to {limit:,} or fewer.", limit=limit, steps=steps)
    return None


def board_job(config: TrainConfig) -> TrainingJob:
    """A job for this session on the server's board (its limits and queue apply), not started yet."""
    return board().add(TrainingJob(Trainer(config), session=_session_id()))


def start_job(config: TrainConfig) -> TrainingJob:
    """Replace this session's job with a new one for config; it trains when the board has room."""
    old = st.session_state.get(KEY)
    if old is not None:
        board().remove(old)
    job = board_job(config)
    st.session_state[KEY] = job
    for key in (SAVED_KEY, ASK_KEY, SUGGESTED_KEY, NAME_KEY):
        st.session_state.pop(key, None)
    job.start()
    return job


# ---- checkpoints ----------------------------------------------------------------------------------
def checkpoint_root() -> Path:
    return Path(settings.current().checkpoint_dir)


def shown(path: Path | str) -> str:
    """A path as the page may show it (with private paths on: relative to the checkpoint folder's label)."""
    return access.scrub(str(Path(path).resolve()), settings.current())


def free_name(name: str) -> str:
    """`name`, or the first `name-2`, `name-3`… not yet in the checkpoint folder."""
    return checkpoints.free_name(checkpoint_root(), name)


def suggest_name(job: TrainingJob) -> None:
    """Put a free default name in the name box, unless the person typed one of their own.

    Call before the box is drawn. The suggestion changes when it has been taken (by this session's
    last save, or by another visitor), so a default name never points at an existing checkpoint.
    The box keeps its value while other pages are shown (Train.NAME says keep="session").
    """
    cfg, root = job.trainer.config, checkpoint_root()
    old = st.session_state.get(SUGGESTED_KEY)
    typed = st.session_state.get(NAME_KEY)
    if old is None or (root / old).exists() or not old.startswith(f"{cfg.task}-{cfg.architecture}-"):
        new = checkpoints.default_name(cfg.task, cfg.architecture, root)
        st.session_state[SUGGESTED_KEY] = new
        if typed is None or typed == old:
            typed = new
    st.session_state[NAME_KEY] = typed if typed is not None else st.session_state[SUGGESTED_KEY]


def save(job: TrainingJob, name: str, replace: bool = False) -> str | None:
    """Save the job's model as `name` (in its plain form, checkpoints.normalise_name), owned by this session; a
    message for the page when it could not (a lookalike of a saved name, another session's checkpoint) or must ask
    first (this session's own, or anyone's on a personal server)."""
    root = checkpoint_root()
    suggested = name == st.session_state.get(SUGGESTED_KEY)
    problem = checkpoints.name_problem(name)
    if problem:
        return say(problem)
    plain = checkpoints.normalise_name(name)
    try:
        with job.lock:
            folder = checkpoints.save(job.trainer, root, name, replace=replace, rename=suggested,
                                      owner=owner_token())
    except FileExistsError:
        if not checkpoints.is_checkpoint(root / plain):
            return t("Something that is not an attnviz checkpoint is already called `{name}` in the checkpoint folder, and it is never overwritten: choose another name.", name=plain)
        st.session_state[ASK_KEY] = plain
        return None
    except AttnvizError as exc:
        return say(exc)
    except OSError as exc:
        return access.scrub(t("Could not write the checkpoint: {why}.", why=exc.strerror or exc), settings.current())
    st.session_state.pop(ASK_KEY, None)
    # what was typed, when the name it was saved under is its plain form (fullwidth letters, a trailing dot)
    st.session_state[SAVED_KEY] = (folder.name, str(folder), name if plain != name and folder.name == plain else None)
    return None


def open_in_explorer(folder: str, task: str, architecture: str) -> None:
    """Button callback (runs before the script): the sidebar opens the checkpoint with a sample of its task."""
    text, target = sample_input(TASKS[task], architecture)
    path = str(Path(folder).resolve())
    st.session_state[Sidebar.MODEL] = CUSTOM
    st.session_state[Sidebar.PATH] = path  # a server that lists folders maps the path to its label
    st.session_state[Sidebar.TEXT] = text
    st.session_state[Sidebar.TARGET] = target
    st.session_state.setdefault(Session.ARCHITECTURES, {})[path] = architecture  # the decoder box shows at once
