"""Models cached once per process (shared by every session); captures cached by their inputs."""
from __future__ import annotations

import streamlit as st

from attnviz.capture.api import capture
from attnviz.models.generate import generate_ids
from attnviz.models.loading import LoadedModel, load_model
from attnviz.core.types import AttentionCapture


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_model(spec: str, device: str, trust_remote_code: bool) -> LoadedModel:
    return load_model(spec, device=device, trust_remote_code=trust_remote_code)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_capture(spec: str, device: str, trust_remote_code: bool, text: str, target: str | None,
                   positions: str = "normal", seed: int = 0) -> AttentionCapture:
    return capture(cached_model(spec, device, trust_remote_code), text, target or None, positions=positions, seed=seed)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_generation(spec: str, device: str, trust_remote_code: bool, text: str, n_new: int, greedy: bool,
                      temperature: float, top_k: int, seed: int) -> tuple[list[int], int, AttentionCapture]:
    """(prompt + generated ids, prompt length, capture of the whole sequence): computed once per setting,
    so stepping through the generated tokens does not generate again."""
    model = cached_model(spec, device, trust_remote_code)
    ids, n_prompt = generate_ids(model, text, n_new, greedy=greedy, temperature=temperature, top_k=top_k, seed=seed)
    return ids, n_prompt, capture(model, None, ids=ids)
