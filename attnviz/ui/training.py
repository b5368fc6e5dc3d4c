"""The training lab's session state: one background job per browser session, kept across pages."""
from __future__ import annotations

import streamlit as st

from attnviz.training.trainer import TrainConfig, Trainer, TrainingJob
from attnviz.ui.keys import Sidebar, Train

KEY = Train.JOB


def current_job() -> TrainingJob | None:
    return st.session_state.get(KEY)


def start_job(config: TrainConfig) -> TrainingJob:
    """Stop any job of this session, build a new trainer and start it on a background thread."""
    old = current_job()
    if old is not None:
        old.stop()
    job = TrainingJob(Trainer(config))
    st.session_state[KEY] = job
    job.start()
    return job


def open_checkpoint_in_explorer(folder: str) -> None:
    """Button callback (runs before the script): point the sidebar at the checkpoint folder."""
    st.session_state[Sidebar.MODEL] = "custom"
    st.session_state[Sidebar.PATH] = folder
