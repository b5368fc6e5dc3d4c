"""The shared sidebar (model, text, device): drawn on every page, so what was typed persists."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ..device import available_devices
from ..loading import DEFAULT_MODEL, OFFLINE_MODELS

CUSTOM = "custom"
DEFAULT_TEXT = "The cat sat on the mat because it was tired."
MODEL_LABELS = {**{k: f"{k} — {v.split(':')[0]}" for k, v in OFFLINE_MODELS.items()},
                CUSTOM: "Your own: a local folder or a hub id…"}


@dataclass(frozen=True)
class Selection:
    spec: str
    device: str
    trust_remote_code: bool
    text: str
    target: str


def render() -> Selection:
    """Draw the sidebar and return what it holds."""
    sb = st.sidebar
    sb.header("Model and text")
    choice = sb.selectbox("Model", list(MODEL_LABELS), format_func=MODEL_LABELS.get, key="sb_model",
                          index=list(MODEL_LABELS).index(DEFAULT_MODEL))
    if choice == CUSTOM:
        spec = sb.text_input("Folder or hub id", key="sb_path", placeholder="/path/to/model or org/name",
                             help="A folder with config.json, weights and tokenizer files (Hugging Face), or "
                                  "an attnviz checkpoint folder. A hub id needs a machine that is online.")
    else:
        spec = choice
        sb.caption(OFFLINE_MODELS[choice])
    text = sb.text_area("Text", value=DEFAULT_TEXT, key="sb_text", height=100)
    target = sb.text_input("Decoder text (encoder-decoder models)", key="sb_target",
                           help="What the decoder reads. Leave empty and the model writes its own.")
    with sb.expander("Device and options"):
        device = st.selectbox("Device", available_devices(), key="sb_device",
                              help="auto picks CUDA, then Apple MPS, then the CPU.")
        trust = st.checkbox("Allow remote code", key="sb_trust", value=False,
                            help="Some models ship their own Python code. It runs on this machine: "
                                 "turn this on only for sources you trust.")
    return Selection(spec=(spec or "").strip(), device=device, trust_remote_code=trust, text=text, target=target)
