"""What pages ask for: the loaded model and the capture of the current text, or a clear message.

`require_*` show the message and stop the page; `try_model` and `try_capture` return the message
instead, so a page can fall back to what it shows without a model.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from attnviz.core import settings
from attnviz.core.errors import AttnvizError, RemoteCodeRefused
from attnviz.core.types import AttentionCapture
from attnviz.models import access
from attnviz.models.loading import LoadedModel
from attnviz.app.shell import messages as errors
from attnviz.app.pipeline.cache import cached_capture, cached_model
from attnviz.i18n import t, tp
from attnviz.app.state import session as Session
from attnviz.app.widgets.literal import escape
from attnviz.app.state.selection import ModelChoice, Selection
from attnviz.app.shell.sidebar import learn_architecture


@dataclass(frozen=True)
class Unavailable:
    """Why there is no model (or capture): the message, and whether it is a problem or just a request."""

    message: str
    level: str = "error"  # "error" | "info" | "warning"

    def __post_init__(self) -> None:
        # No terminal codes, and on a shared server no absolute server path, whoever shows the message.
        object.__setattr__(self, "message", access.scrub(self.message, settings.current()))

    def show(self) -> None:
        # Shown literally: the message may quote a path, a link's model or a model's own error.
        getattr(st, self.level)(escape(self.message), **({"icon": ":material/warning:"} if self.level == "error" else {}))


def remember(selection: Selection) -> None:
    st.session_state[Session.SELECTION] = selection


def selection() -> Selection:
    return st.session_state[Session.SELECTION]


def _stop(problem: Unavailable):
    problem.show()
    st.stop()


def try_model() -> LoadedModel | Unavailable:
    """The selected model, loaded once per process, or why it is not there (nothing is shown)."""
    sel = selection()
    if not sel.spec:
        return Unavailable(tp("Enter the path of a model folder (or a hub id) in the sidebar, or pick an offline model."), "info")
    s = settings.current()
    try:
        # The boundary: whatever the sidebar, a link or another page put in the selection, only a model
        # the operator allows is loaded, and remote code only where it is offered.
        choice = ModelChoice(access.resolve(sel.spec, s), sel.device,
                             access.allow_remote_code(sel.trust_remote_code, s))
        with st.spinner(t("Loading the model…")):
            model = cached_model(choice)
    except RemoteCodeRefused as exc:  # without the opt-in on this server, do not point at a box that is not there
        return Unavailable(errors.say(exc) if s.remote_code else
                           errors.say(RemoteCodeRefused(access.no_remote_code(sel.label or sel.spec))))
    except AttnvizError as exc:
        return Unavailable(errors.say(exc))
    except Exception as exc:  # an unexpected failure still gets a message, not a traceback
        return Unavailable(errors.unexpected(sel.label or sel.spec, exc))
    if learn_architecture(sel.spec, model.info.architecture):
        st.rerun()  # the sidebar grows (or loses) its decoder-text box
    return model


def require_model() -> LoadedModel:
    """The selected model, or a message on the page and a stop."""
    model = try_model()
    if isinstance(model, Unavailable):
        _stop(model)
    return model


def capture_for(model: LoadedModel, positions: str = "normal", seed: int = 0) -> AttentionCapture:
    """The capture of the sidebar's text by `model` (cached); raises AttnvizError with a message for people.

    positions "shuffled" or "removed" captures the same text with its positional encoding altered.
    """
    sel = selection()
    if model.info.architecture != "encoder-decoder":
        sel = replace(sel, target="")  # a decoder text left in the sidebar means nothing to other models
    return cached_capture(sel, positions, seed)


def try_capture(positions: str = "normal", seed: int = 0) -> tuple[LoadedModel, AttentionCapture] | Unavailable:
    """The model and the capture of the sidebar's text, or why there is none (nothing is shown)."""
    model = try_model()
    if isinstance(model, Unavailable):
        return model
    if not selection().text.strip():
        return Unavailable(tp("The text is empty: type a sentence in the sidebar to see its attention."), "warning")
    try:
        with st.spinner(t("Running the model…")):
            return model, capture_for(model, positions, seed)
    except AttnvizError as exc:
        return Unavailable(errors.say(exc))
    except Exception as exc:
        return Unavailable(errors.unexpected(selection().label or selection().spec, exc, capture=True))


def require_capture(positions: str = "normal", seed: int = 0, show_notes: bool = True) -> tuple[LoadedModel, AttentionCapture]:
    """The model and the capture of the sidebar's text, with notes (truncation, fallbacks) shown; or a
    message on the page and a stop."""
    found = try_capture(positions, seed)
    if isinstance(found, Unavailable):
        _stop(found)
    model, cap = found
    if show_notes:
        for note in [*model.notes, *cap.notes]:
            st.warning(escape(access.scrub(errors.note(note), settings.current())))  # may quote names or paths
    return model, cap
