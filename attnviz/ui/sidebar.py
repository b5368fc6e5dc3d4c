"""The shared sidebar (model, text, device): drawn on every page, so what was typed persists."""
from __future__ import annotations

import streamlit as st

from attnviz.core.device import available_devices
from attnviz.models.loading import DEFAULT_MODEL, OFFLINE_MODELS
from attnviz.ui.keys import App, Sidebar
from attnviz.ui.selection import Selection

CUSTOM = "custom"
DEFAULT_TEXT = "The cat sat on the mat because it was tired."
MODEL_LABELS = {**{k: f"{k} — {v.split(':')[0]}" for k, v in OFFLINE_MODELS.items()},
                CUSTOM: "Your own: a local folder or a hub id…"}


def is_encoder_decoder(spec: str) -> bool:
    return st.session_state.get(App.ARCHITECTURES, {}).get(spec) == "encoder-decoder" or spec == "scratch-seq2seq"


def learn_architecture(spec: str, architecture: str) -> bool:
    """Remember a model's architecture; True when that changes what the sidebar shows."""
    known = st.session_state.setdefault(App.ARCHITECTURES, {})
    changed = known.get(spec) != architecture and "encoder-decoder" in (known.get(spec), architecture)
    known[spec] = architecture
    return changed


def render() -> Selection:
    """Draw the sidebar and return what it holds."""
    sb = st.sidebar
    sb.header("Model and text")
    options = list(MODEL_LABELS)
    choice = sb.selectbox("Model", options, format_func=MODEL_LABELS.get, key=Sidebar.MODEL,
                          index=options.index(DEFAULT_MODEL))
    if choice == CUSTOM:
        spec = sb.text_input("Folder or hub id", key=Sidebar.PATH, placeholder="/path/to/model or org/name",
                             help="A folder with config.json, weights and tokenizer files (Hugging Face), or "
                                  "an attnviz checkpoint folder. A hub id needs a machine that is online.")
    else:
        spec = choice
        sb.caption(OFFLINE_MODELS[choice])
    text = sb.text_area("Text", value=DEFAULT_TEXT, key=Sidebar.TEXT, height=100)
    target = ""
    if is_encoder_decoder(spec):
        target = sb.text_input("Decoder text", key=Sidebar.TARGET,
                               help="What the decoder reads. Leave it empty and the model writes its own.")
    with sb.expander("Device and options"):
        device = st.selectbox("Device", available_devices(), key=Sidebar.DEVICE,
                              help="auto picks CUDA, then Apple MPS, then the CPU.")
        trust = st.checkbox("Allow remote code", key=Sidebar.TRUST,
                            help="Some models ship their own Python code. It runs on this machine: "
                                 "turn this on only for sources you trust.")
    return Selection(spec=(spec or "").strip(), device=device, trust_remote_code=trust, text=text, target=target)
