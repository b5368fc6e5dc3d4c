"""The shared sidebar (model, text, device): drawn on every page, so what was typed persists.

It offers only what the operator's settings allow (attnviz.core.settings)."""
from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import streamlit as st

from attnviz.core import settings
from attnviz.core.device import available_devices
from attnviz.core.settings import Settings
from attnviz.models import access
from attnviz.models.registry import DEFAULT_MODEL, OFFLINE_MODELS
from attnviz.i18n import fixed, Message, N_, t
from attnviz.app.shell import messages as errors
from attnviz.app.shell import model_default, present
from attnviz.app.shell.language import language_switch
from attnviz.app.shell.upload import text_file_box
from attnviz.app.widgets.fit import fit_choice
from attnviz.app.state import session as Session
from attnviz.app.state import sidebar as Sidebar
from attnviz.app.state.selection import Selection

MODEL_DESCRIPTIONS = {"minilm": N_("all-MiniLM-L6-v2: a trained 6-layer, 12-head BERT encoder with learned positions"), "glassllm-en": N_("glassllm (English): a trained 4-layer decoder LM, rotary positions, 4 query heads sharing 2 key/value heads"), "scratch-encoder": N_("From scratch: 2-layer encoder, sinusoidal positions, random weights"), "scratch-decoder": N_("From scratch: 2-layer causal decoder, rotary positions, random weights"), "scratch-seq2seq": N_("From scratch: 2+2-layer encoder-decoder with cross-attention, learned positions, random weights"), "zh-char": N_("Chinese characters (简体中文): a trained 3-layer, 6-head character-level decoder, rotary positions, trained on Debian's Chinese documentation")}

CUSTOM = "custom"
DEFAULT_TEXT = "The cat sat on the mat because it was tired."
MODEL_LABELS = {**{k: f"{k} — {v.split(':')[0]}" for k, v in OFFLINE_MODELS.items()},
                CUSTOM: "Your own: a local folder or a hub id…"}


def describe(name: str, tr=t) -> str:
    """What an offline model is, in the chosen language (a model added without a catalogue entry: as written)."""
    return tr(MODEL_DESCRIPTIONS[name]) if name in MODEL_DESCRIPTIONS else OFFLINE_MODELS[name]


def model_label(name: str, labels: dict[str, str], tr=t) -> str:
    """The model picker's line: the name, then what it is; or the way to one's own model."""
    if name == CUSTOM:
        return tr("Your own: a local folder or a hub id…") if labels[CUSTOM] == MODEL_LABELS[CUSTOM] else tr("A model folder on this server…")
    return tr("{name} — {what}", name=name, what=re.split("[:：]", describe(name, tr))[0])


def is_encoder_decoder(spec: str) -> bool:
    return st.session_state.get(Session.ARCHITECTURES, {}).get(spec) == "encoder-decoder" or spec == "scratch-seq2seq"


def learn_architecture(spec: str, architecture: str) -> bool:
    """Remember a model's architecture; True when that changes what the sidebar shows."""
    known = st.session_state.setdefault(Session.ARCHITECTURES, {})
    changed = known.get(spec) != architecture and "encoder-decoder" in (known.get(spec), architecture)
    known[spec] = architecture
    return changed


def _labels(s: Settings, folders: dict[str, Path]) -> dict[str, str]:
    """The model list this server offers: the bundled models, then a typed folder or the listed ones."""
    labels = {k: v for k, v in MODEL_LABELS.items() if k != CUSTOM}
    if s.custom_models == "any":
        labels[CUSTOM] = MODEL_LABELS[CUSTOM]
    elif folders:
        labels[CUSTOM] = "A model folder on this server…"
    return labels


def folder_label(value: str, folders: dict[str, Path]) -> str | None:
    """The listed folder a link or a button names (by its label or its absolute path), else None."""
    if value in folders:
        return value
    if value and Path(value).is_absolute():
        target = Path(value).resolve()
        return next((label for label, path in folders.items() if path == target), None)
    return None


def _keep_allowed(s: Settings, labels: dict[str, str], folders: dict[str, Path]) -> None:
    """Before the widgets are drawn: a model the server does not offer (from a link, or left from
    another page) falls back to the default, with a message that never says whether it exists."""
    model = st.session_state.get(Sidebar.MODEL)
    refused = model is not None and model not in labels
    if not refused and model == CUSTOM and s.custom_models != "any":
        path = str(st.session_state.get(Sidebar.PATH) or "")
        # no folder chosen yet (the option was just picked): the list opens on its first folder; only a folder
        # that is named and not listed is refused
        label = folder_label(path, folders) if path else next(iter(folders), None)
        refused = label is None
        if label:
            st.session_state[Sidebar.PATH] = label
    if refused:
        st.session_state[Sidebar.MODEL] = DEFAULT_MODEL
        st.session_state.pop(Sidebar.PATH, None)
        st.session_state[Sidebar.REFUSED] = refused_note(s)


def picked_note() -> str:
    """Why the sidebar shows zh-char though nobody picked it (said where the model picker is)."""
    return t("zh-char was chosen for you because the page is in 简体中文 and the text is Chinese. A model you pick above stays picked.")


def refused_note(s: Settings) -> Message:
    """The sidebar's note when a link (or another page) named a model this server does not offer."""
    return Message("{refusal} Showing {model} instead.", refusal=access.refusal(s), model=DEFAULT_MODEL)


def _forget_refusal() -> None:
    st.session_state.pop(Sidebar.REFUSED, None)


def picked() -> None:
    """The visitor picked a model (the sidebar's picker, or presentation mode's bar): kept from now on."""
    _forget_refusal()
    model_default.chosen()


def offered() -> dict[str, str]:
    """The models this server offers (name -> label), as the model picker lists them."""
    s = settings.current()
    return _labels(s, access.model_folders(s))


def _remote_code(spec: str, s: Settings) -> bool:
    """The per-load opt-in: drawn only where the operator offers it, and cleared when the model changes."""
    if not s.remote_code:
        return False  # no box at all: nothing in the page (or in a link) can turn it on
    if st.session_state.get(Sidebar.TRUST_FOR) != spec:
        st.session_state[Sidebar.TRUST] = False
    st.session_state[Sidebar.TRUST_FOR] = spec
    return st.checkbox(t("Allow remote code for this model"), key=Sidebar.TRUST, help=t("Some models ship their own Python code. It runs on this machine: turn this on only for sources you trust. It turns itself off when you pick another model."))


def render() -> Selection:
    """Draw the sidebar (only what the operator's settings allow) and return what it holds."""
    s = settings.current()
    folders = access.model_folders(s)
    labels = _labels(s, folders)
    _keep_allowed(s, labels, folders)
    sb = st.sidebar
    lang = language_switch()
    present.toggle()
    sb.header(t("Model and text"))
    options = list(labels)
    # defaults go in through the state, not value=/index=: a link or another page sets these keys, and a widget
    # given both logs a warning on every such run
    st.session_state.setdefault(Sidebar.TEXT, DEFAULT_TEXT)
    model_default.apply(lang, str(st.session_state.get(Sidebar.TEXT) or ""), options)  # zh-char for Chinese, or the default
    st.session_state.setdefault(Sidebar.MODEL, DEFAULT_MODEL)
    choice = sb.selectbox(t("Model"), options, format_func=partial(model_label, labels=labels, tr=fixed()),
                          key=Sidebar.MODEL, on_change=picked)
    if model_default.picked_for_chinese():
        sb.caption(picked_note())
    if Sidebar.REFUSED in st.session_state:
        sb.warning(errors.note(st.session_state[Sidebar.REFUSED]))
    if choice == CUSTOM and s.custom_models == "any":
        spec = sb.text_input(t("Folder or hub id"), key=Sidebar.PATH, placeholder=t("/path/to/model or org/name"),
                             help=t("A folder with config.json, weights and tokenizer files (Hugging Face), or an attnviz checkpoint folder. A hub id needs a machine that is online."))
        spec = label = (spec or "").strip()
    elif choice == CUSTOM:
        label = sb.selectbox(t("Model folder"), list(folders), key=Sidebar.PATH, help=t("The model folders the operator of this server offers, and the training lab's checkpoints."))
        spec = str(folders[label])
    else:
        spec = label = choice
        sb.caption(describe(choice))
    text = sb.text_area(t("Text"), key=Sidebar.TEXT, height=100)
    with sb.expander(t("Load the text from a file")):
        text_file_box()
    target = ""
    if is_encoder_decoder(spec):
        target = sb.text_input(t("Decoder text"), key=Sidebar.TARGET, help=t("What the decoder reads. Leave it empty and the model writes its own."))
    fit_choice(Sidebar.DEVICE, available_devices(), "device")  # said in the main area, not in the closed expander
    with sb.expander(t("Device and options")):
        device = st.selectbox(t("Device"), available_devices(), key=Sidebar.DEVICE,
                              help=t("auto picks CUDA, then Apple MPS, then the CPU."))
        trust = _remote_code(spec, s)
    return Selection(spec=spec, device=device, trust_remote_code=trust, text=text, target=target, label=label)
