"""Caches for the compare page: a pane's capture (any model, or a checkpoint's untrained start) and the comparison."""
from __future__ import annotations

import streamlit as st

from attnviz.analysis.compare import Comparison, compare
from attnviz.capture.api import capture
from attnviz.core.types import AttentionCapture
from attnviz.models.loading import LoadedModel
from attnviz.models.untrained import untrained_start
from attnviz.app.pipeline.cache import cached_capture, cached_model
from attnviz.app.state.selection import ModelChoice, Selection


@st.cache_resource(show_spinner=False, max_entries=2)
def cached_untrained(folder: str, device: str) -> LoadedModel:
    return untrained_start(folder, device)


def pane_model(spec: str, untrained: bool, device: str, trust: bool) -> LoadedModel:
    return cached_untrained(spec, device) if untrained else cached_model(ModelChoice(spec, device, trust))


@st.cache_data(show_spinner=False, max_entries=8)
def _untrained_capture(folder: str, device: str, text: str, positions: str) -> AttentionCapture:
    return capture(cached_untrained(folder, device), text, positions=positions)


def pane_capture(spec: str, untrained: bool, device: str, trust: bool, text: str, positions: str) -> AttentionCapture:
    if untrained:
        return _untrained_capture(spec, device, text, positions)
    return cached_capture(Selection(spec, device, trust, text, ""), positions, 0)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_comparison(a: tuple, b: tuple) -> Comparison:
    """compare() of two panes, each given as (spec, untrained, device, trust, text, positions)."""
    return compare(pane_capture(*a), pane_capture(*b))
