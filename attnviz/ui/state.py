"""What pages ask for: the loaded model and the capture of the current text, or a clear message."""
from __future__ import annotations

import streamlit as st

from attnviz.core.errors import AttnvizError
from attnviz.models.loading import LoadedModel
from attnviz.core.types import AttentionCapture
from attnviz.ui.cache import cached_capture, cached_model
from attnviz.ui.sidebar import Selection, learn_architecture

KEY = "attnviz_selection"


def remember(selection: Selection) -> None:
    st.session_state[KEY] = selection


def selection() -> Selection:
    return st.session_state[KEY]


def _fail(message: str) -> None:
    st.error(message, icon="⚠️")
    st.stop()


def require_model() -> LoadedModel:
    """The selected model, loaded once per process, or a message on the page and a stop."""
    sel = selection()
    if not sel.spec:
        st.info("Enter the path of a model folder (or a hub id) in the sidebar, or pick an offline model.")
        st.stop()
    try:
        with st.spinner(f"Loading {sel.spec}…"):
            model = cached_model(sel.spec, sel.device, sel.trust_remote_code)
    except AttnvizError as exc:
        _fail(str(exc))
    except Exception as exc:  # an unexpected failure still gets a message, not a traceback
        _fail(f"Could not load `{sel.spec}`: {type(exc).__name__}: {exc}")
    if learn_architecture(sel.spec, model.info.architecture):
        st.rerun()  # the sidebar grows (or loses) its decoder-text box
    return model


def require_capture(positions: str = "normal", seed: int = 0, show_notes: bool = True) -> tuple[LoadedModel, AttentionCapture]:
    """The model and the capture of the sidebar's text, with notes (truncation, fallbacks) shown.

    positions "shuffled" or "removed" captures the same text with its positional encoding altered.
    """
    model = require_model()
    sel = selection()
    if not sel.text.strip():
        st.warning("The text is empty: type a sentence in the sidebar to see its attention.")
        st.stop()
    target = sel.target if model.info.architecture == "encoder-decoder" else ""
    try:
        with st.spinner("Running the model…"):
            cap = cached_capture(sel.spec, sel.device, sel.trust_remote_code, sel.text, target, positions, seed)
    except AttnvizError as exc:
        _fail(str(exc))
    except Exception as exc:
        _fail(f"Capture failed for `{sel.spec}`: {type(exc).__name__}: {exc}")
    if show_notes:
        for note in [*model.notes, *cap.notes]:
            st.warning(note)
    return model, cap
