"""One way from a model and a text to a capture, for every page: the sidebar's, a compare pane's, the lesson's.

`model(request)` and `captured(request)` return what was asked for, or an Unavailable with the message a page
shows; `failure()` is the one place that turns an exception into that message and logs it for the operator (with
its traceback when nobody foresaw it, even where the shared preset hides details from visitors). `require_*` show
the message and stop the page; `try_*` return it, so a page can fall back to what it shows without a model.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import streamlit as st

from attnviz.app.pipeline import window
from attnviz.app.pipeline.window import WindowChoice
from attnviz.app.pipeline.cache import cached_capture, cached_model, cached_untrained, cached_untrained_capture
from attnviz.app.shell import messages
from attnviz.app.shell.sidebar import learn_architecture
from attnviz.app.state import session as Session
from attnviz.app.state.selection import ModelChoice, Selection
from attnviz.app.widgets.literal import message as literal_message
from attnviz.core import settings
from attnviz.core.errors import AttnvizError, RemoteCodeRefused
from attnviz.core.types import AttentionCapture
from attnviz.i18n import t, tp
from attnviz.models import access
from attnviz.models.loading import LoadedModel

log = logging.getLogger("attnviz.app")


@dataclass(frozen=True)
class Unavailable:
    """Why there is no model (or capture): the message, and whether it is a problem or just a request."""

    message: str
    level: str = "error"  # "error" | "info" | "warning"

    def __post_init__(self) -> None:
        # No terminal codes, and on a shared server no absolute server path, whoever shows the message.
        object.__setattr__(self, "message", access.scrub(self.message, settings.current()))

    def show(self) -> None:
        # Shown literally (a path, a link's model or a model's own error), the package's backticked paths as code
        getattr(st, self.level)(literal_message(self.message), **({"icon": ":material/warning:"} if self.level == "error" else {}))


@dataclass(frozen=True)
class Request:
    """A model (by spec, or a checkpoint's untrained start), where it runs, and the text it reads."""

    spec: str
    device: str = "auto"
    trust_remote_code: bool = False
    text: str = ""
    target: str = ""  # the decoder's text (encoder-decoders only)
    positions: str = "normal"  # "shuffled" or "removed": the same text with its positional encoding altered
    seed: int = 0
    untrained: bool = False
    label: str = ""  # how the page names the model (a server folder: relative to its root)
    window: WindowChoice | None = None  # a text longer than the model reads: the part it reads (pipeline.window)

    @property
    def name(self) -> str:
        return self.label or self.spec


def allowed(request: Request) -> Request:
    """The boundary: whatever the sidebar, a pane, a link or another page asked for, only a model the operator
    allows is loaded (ModelRefused otherwise), and remote code only where it is offered."""
    s = settings.current()
    return replace(request, spec=access.resolve(request.spec, s),
                   trust_remote_code=access.allow_remote_code(request.trust_remote_code, s))


def failure(request: Request, exc: BaseException, capture: bool = False) -> Unavailable:
    """The message for a failure to load or run `request`'s model, logged for the operator."""
    if isinstance(exc, RemoteCodeRefused) and not settings.current().remote_code:
        # without the opt-in on this server, do not point at a box that is not there
        exc = RemoteCodeRefused(access.no_remote_code(request.name))
    if isinstance(exc, AttnvizError):
        log.info("%s %s refused: %s", "capture by" if capture else "loading", request.name, exc)
        return Unavailable(messages.say(exc))
    # an unexpected failure still gets a message (its type and words, no traceback); the log keeps the traceback
    return Unavailable(messages.unexpected(request.name, exc, capture=capture))


def model(request: Request) -> LoadedModel | Unavailable:
    """The model, loaded once per process (and per state of its folder), or why it is not there."""
    if not request.spec:
        return Unavailable(tp("Enter the path of a model folder (or a hub id) in the sidebar, or pick an offline "
                              "model."), "info")
    try:
        with st.spinner(t("Loading the model…")):
            return loaded_model(request)
    except Exception as exc:
        return failure(request, exc)


def loaded_model(request: Request) -> LoadedModel:
    """The request's model from the process's cache (loaded on first use); raises what loading raises."""
    ok = allowed(request)
    if ok.untrained:
        return cached_untrained(ok.spec, ok.device)
    return cached_model(ModelChoice(ok.spec, ok.device, ok.trust_remote_code))


def captured(request: Request) -> tuple[LoadedModel, AttentionCapture] | Unavailable:
    """The model and the capture of the request's text (cached, shared by every session), or why there is none."""
    found = model(request)
    if isinstance(found, Unavailable):
        return found
    if not request.text.strip():
        return Unavailable(tp("The text is empty: type a sentence in the sidebar to see its attention."), "warning")
    try:
        with st.spinner(t("Running the model…")):
            return found, capture_with(found, request)
    except Exception as exc:
        return failure(request, exc, capture=True)


def capture_with(model: LoadedModel, request: Request) -> AttentionCapture:
    """The capture of the request's text by its (loaded) model; raises AttnvizError with a message for people."""
    ok = allowed(request)
    if model.info.architecture != "encoder-decoder":
        ok = replace(ok, target="")  # a decoder text left in the sidebar means nothing to other models
    if ok.untrained:
        return cached_untrained_capture(ok.spec, ok.device, ok.text, ok.positions, ok.target)
    return cached_capture(Selection(ok.spec, ok.device, ok.trust_remote_code, ok.text, ok.target), ok.positions,
                          ok.seed, ok.window)


def notes(model: LoadedModel, cap: AttentionCapture) -> list[str]:
    """What the page says about this model and capture (truncation, fallbacks), in its language and as plain
    text (they quote names and paths; on a shared server no absolute path)."""
    return [literal_message(access.scrub(messages.note(note), settings.current())) for note in [*model.notes, *cap.notes]]


# ---- the sidebar's selection: what most pages show ----

def remember(selection: Selection) -> None:
    st.session_state[Session.SELECTION] = selection


def selection() -> Selection:
    return st.session_state[Session.SELECTION]


def sidebar_request(positions: str = "normal", seed: int = 0) -> Request:
    sel = selection()
    return Request(sel.spec, sel.device, sel.trust_remote_code, sel.text, sel.target, positions, seed,
                   label=sel.label)


def _stop(problem: Unavailable):
    problem.show()
    st.stop()


def try_model() -> LoadedModel | Unavailable:
    """The sidebar's model, or why it is not there (nothing is shown)."""
    found = model(sidebar_request())
    if not isinstance(found, Unavailable) and learn_architecture(selection().spec, found.info.architecture):
        st.rerun()  # the sidebar grows (or loses) its decoder-text box
    return found


def require_model() -> LoadedModel:
    """The sidebar's model, or a message on the page and a stop."""
    found = try_model()
    if isinstance(found, Unavailable):
        _stop(found)
    return found


def capture_for(model: LoadedModel, positions: str = "normal", seed: int = 0) -> AttentionCapture:
    """The capture of the sidebar's text by `model` (cached); raises AttnvizError with a message for people."""
    request = sidebar_request(positions, seed)
    return capture_with(model, replace(request, window=window.chosen(model, request.text)))


def try_capture(positions: str = "normal", seed: int = 0) -> tuple[LoadedModel, AttentionCapture] | Unavailable:
    """The sidebar's model and the capture of its text, or why there is none (nothing is shown)."""
    found = try_model()
    if isinstance(found, Unavailable):
        return found
    request = sidebar_request(positions, seed)
    return captured(replace(request, window=window.picker(found, request.text)))


def require_capture(positions: str = "normal", seed: int = 0, show_notes: bool = True) -> tuple[LoadedModel, AttentionCapture]:
    """The sidebar's model and the capture of its text, with its notes shown; or a message on the page and a stop."""
    found = try_capture(positions, seed)
    if isinstance(found, Unavailable):
        _stop(found)
    loaded, cap = found
    for note in notes(loaded, cap) if show_notes else []:
        st.warning(note)
    return loaded, cap
