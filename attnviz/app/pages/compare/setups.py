"""The compare page's quick set-ups: button callbacks that fill both panes (they run before the page draws)."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from attnviz.core.errors import AttnvizError
from attnviz.core.settings import current
from attnviz.models import access
from attnviz.models.scratch import CONFIG_FILE
from attnviz.training.versus_start import checkpoint_sample
from attnviz.app.state import compare as Compare
from attnviz.app.pages.compare.pane import UNTRAINED, copy_a_to_b, key
from attnviz.app.shell.sidebar import CUSTOM

NOTE = Compare.SETUP_NOTE  # what the last set-up did, or why it could not: (catalogue key suffix, its values)
PROBE = ("The doctor said he would be late.", "The doctor said she would be late.")


def _set(side: str, **values: str) -> None:
    for name, value in values.items():
        st.session_state[key(side, name)] = value


def two_models() -> None:
    """B: another offline model on A's text."""
    copy_a_to_b()
    other = "glassllm-en" if st.session_state.get(key("a", "model")) == "minilm" else "minilm"
    _set("b", model=other, pos="normal")
    st.session_state[NOTE] = ("two_models", {"model": other})


def two_texts() -> None:
    """One model, two sentences that differ in one word (a classic probe for bias)."""
    copy_a_to_b()
    _set("a", text=PROBE[0], pos="normal")
    _set("b", text=PROBE[1], pos="normal")
    st.session_state[NOTE] = ("two_texts", {})


def _latest_checkpoint() -> str | None:
    folder = current().checkpoint_dir
    found = [p for p in Path(folder).glob("*") if (p / CONFIG_FILE).is_file()] if Path(folder).is_dir() else []
    if not found:
        return None
    latest = str(max(found, key=lambda p: p.stat().st_mtime).resolve())
    return access.display_name(latest, current()) or latest  # with private paths, named by its root


def _sample(path: str) -> tuple[str, str] | None:
    """(text, decoder text) of the checkpoint's task sample, as "Open it in the explorer" feeds it; None for a
    folder that is no task checkpoint (or one this server does not offer: loading it will say so)."""
    try:
        return checkpoint_sample(access.resolve(path, current()))
    except AttnvizError:
        return None


def checkpoint_vs_start() -> None:
    """A: a trained checkpoint; B: the same model with the weights it started from; both on the task's sample."""
    path = (st.session_state.get(key("a", "path")) or "").strip()
    if not (st.session_state.get(key("a", "model")) == CUSTOM and path and (Path(path).expanduser() / CONFIG_FILE).is_file()):
        path = _latest_checkpoint() or ""
    if not path:
        st.session_state[NOTE] = ("no_checkpoint", {})
        return
    sample = _sample(path)
    _set("a", model=CUSTOM, path=path, pos="normal")
    if sample is not None:  # a text the toy model was trained on, not "The cat sat on the mat"
        _set("a", text=sample[0], target=sample[1])
    copy_a_to_b()
    _set("b", model=UNTRAINED)
    # the folder's name is not echoed: a note is markdown, and names are data
    st.session_state[NOTE] = ("checkpoint", {})


def positions_shuffled() -> None:
    """B: A's model and text with the positional encoding shuffled over positions."""
    copy_a_to_b()
    _set("a", pos="normal")
    _set("b", pos="shuffled")
    st.session_state[NOTE] = ("positions", {})


# the page names each one with the catalogue's compare.setup.<id>
SETUPS = {"two_models": two_models, "two_texts": two_texts, "checkpoint": checkpoint_vs_start,
          "positions": positions_shuffled}


def apply() -> None:
    """The pills' callback: run the chosen set-up, then clear the pill so the same one can be chosen again."""
    chosen = st.session_state.get(Compare.SETUP)
    if chosen in SETUPS:
        SETUPS[chosen]()
    st.session_state[Compare.SETUP] = None
