"""The head-type census of a request's capture (explorer, compare), made once per model, text and positions and
shared by every session: a Census is read-only (thresholds give a new one)."""
from __future__ import annotations

import streamlit as st

from attnviz.analysis.headtypes.census import Census, census
from attnviz.core.errors import NotAModel
from attnviz.core.types import AttentionCapture
from attnviz.i18n import t
from attnviz.models.fingerprint import fingerprint
from attnviz.models.loading import LoadedModel
from attnviz.training.versus_start import checkpoint_sample, sample_census
from attnviz.app.pipeline.load import Request, allowed


def task_checkpoint(spec: str) -> bool:
    """Whether `spec` is a folder the Training lab saved (a toy task's checkpoint, or its untrained start)."""
    try:
        checkpoint_sample(spec)
    except NotAModel:
        return False
    return True


@st.cache_resource(show_spinner=False, max_entries=16)
def _made(request: Request, fingerprint: str, _model: LoadedModel, _cap: AttentionCapture) -> Census:
    # a toy task's model knows only its task's tokens: induction on its own sample where that repeats a run
    if task_checkpoint(request.spec):
        return sample_census(_model, _cap)
    # positions altered: random probes would run with intact positions, so induction is read on the text itself
    if request.positions != "normal":
        return census(_model, _cap.text, induction="text", cap=_cap)
    return census(_model, _cap.text, cap=_cap)


def census_for(request: Request, model: LoadedModel, cap: AttentionCapture) -> Census:
    """The census of `cap` (the capture of `request`'s text by `model`), at the default thresholds; raises what
    measuring raises."""
    ok = allowed(request)
    with st.spinner(t("Scoring every head's type…")):
        return _made(ok, fingerprint(ok.spec), model, cap)
