"""Models cached once per process (shared by every session); captures cached by their inputs."""
from __future__ import annotations

import streamlit as st

from ..capture import capture
from ..loading import LoadedModel, load_model
from ..types import AttentionCapture


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_model(spec: str, device: str, trust_remote_code: bool) -> LoadedModel:
    return load_model(spec, device=device, trust_remote_code=trust_remote_code)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_capture(spec: str, device: str, trust_remote_code: bool, text: str, target: str | None,
                   positions: str = "normal", seed: int = 0) -> AttentionCapture:
    return capture(cached_model(spec, device, trust_remote_code), text, target or None, positions=positions, seed=seed)
