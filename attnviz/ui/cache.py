"""Models cached once per process (shared by every session); captures cached by their inputs."""
from __future__ import annotations

import streamlit as st

from attnviz.capture.api import capture
from attnviz.core import settings
from attnviz.models import access
from attnviz.core.types import AttentionCapture
from attnviz.models.generate import generate_ids
from attnviz.models.loading import LoadedModel, load_model
from attnviz.ui.selection import GenerationSettings, ModelChoice, Selection


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_model(choice: ModelChoice) -> LoadedModel:
    # With private paths, a server folder is named relative to its root on every page.
    return load_model(choice.spec, device=choice.device, trust_remote_code=choice.trust_remote_code,
                      name=access.display_name(choice.spec, settings.current()))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_capture(sel: Selection, positions: str = "normal", seed: int = 0) -> AttentionCapture:
    """The capture of the selection's text (and decoder text: empty unless the model is an encoder-decoder)."""
    return capture(cached_model(sel.model), sel.text, sel.target or None, positions=positions, seed=seed)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_generation(sel: Selection, settings: GenerationSettings) -> tuple[list[int], int, AttentionCapture]:
    """(prompt + generated ids, prompt length, capture of the whole sequence): computed once per setting,
    so stepping through the generated tokens does not generate again."""
    model = cached_model(sel.model)
    ids, n_prompt = generate_ids(model, sel.text, settings.n_new, greedy=settings.greedy,
                                 temperature=settings.temperature, top_k=settings.top_k, seed=settings.seed)
    return ids, n_prompt, capture(model, None, ids=ids)
