"""A compare pane's inputs (model, folder, text, positions) and its loading, failing on its own side only.

Its messages quote what the visitor typed (a folder, a model's own error): shown literally (ui/literal)."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from attnviz.core import settings
from attnviz.models import access
from attnviz.core.types import AttentionCapture
from attnviz.models.loading import LoadedModel
from attnviz.app.pipeline import load as pipeline
from attnviz.i18n import fixed, N_, t, tc
from attnviz.app.state import compare as Compare
from attnviz.app.widgets.literal import code, escape, message as literal_message
from attnviz.app.shell.sidebar import CUSTOM, MODEL_LABELS, folder_label, is_encoder_decoder, learn_architecture, model_label

POSITION_NAMES = {"normal": N_("intact"), "shuffled": N_("shuffled"), "removed": N_("removed")}

UNTRAINED = "untrained"  # the untrained start of a checkpoint folder
PANE_LABELS = {**MODEL_LABELS, UNTRAINED: "The untrained start of a checkpoint folder…"}
POSITIONS = {"normal": "intact", "shuffled": "shuffled", "removed": "removed"}
FIELDS = Compare.FIELDS
key = Compare.pane  # a pane's widget keys say keep="session": their values are there again after another page


@dataclass(frozen=True)
class Pane:
    side: str  # "a" or "b"
    choice: str
    path: str
    text: str
    positions: str
    target: str = ""  # the decoder's text (encoder-decoders)

    @property
    def name(self) -> str:
        return self.side.upper()

    @property
    def untrained(self) -> bool:
        return self.choice == UNTRAINED

    @property
    def spec(self) -> str:
        return self.path.strip() if self.choice in (CUSTOM, UNTRAINED) else self.choice

    def request(self, device: str, trust: bool) -> pipeline.Request:
        """What the pipeline loads and runs for this pane."""
        return pipeline.Request(self.spec, device, trust, self.text, self.target, positions=self.positions,
                                untrained=self.untrained, label=self.spec)


def start(sidebar_model: str, sidebar_path: str, sidebar_text: str, sidebar_target: str = "") -> None:
    """Fill what the link and the last visit did not: A from the sidebar, then B as a copy of A."""
    defaults = {"model": sidebar_model, "path": sidebar_path, "text": sidebar_text, "pos": "normal",
                "target": sidebar_target}
    for side in "ab":
        for name in FIELDS:
            k = key(side, name)
            if k not in st.session_state:
                st.session_state[k] = defaults[name] if side == "a" else st.session_state[key("a", name)]
        if st.session_state[key(side, "model")] not in PANE_LABELS:  # a folder given as the model
            st.session_state[key(side, "path")] = st.session_state[key(side, "model")]
            st.session_state[key(side, "model")] = CUSTOM
        if st.session_state[key(side, "pos")] not in POSITIONS:
            st.session_state[key(side, "pos")] = "normal"


def copy_a_to_b() -> None:
    """Button callback: B becomes a copy of A (so changing one thing shows its effect)."""
    for name in FIELDS:
        st.session_state[key("b", name)] = st.session_state.get(key("a", name))


def _options(s: settings.Settings, folders: dict, current: str | None) -> list[str]:
    """The models a pane offers on this server: a typed folder only where the operator allows any folder; with a
    list of folders (checkpoints, model roots), those; a folder choice a link or the sidebar made stays listed, so
    the pane can say it is refused (access.resolve) instead of changing by itself."""
    if s.custom_models == "any":
        return list(PANE_LABELS)
    bundled = [m for m in PANE_LABELS if m not in (CUSTOM, UNTRAINED)]
    return bundled + [m for m in (CUSTOM, UNTRAINED) if folders or m == current]


def _listed_folder(path_key: str, folders: dict, label: str) -> str:
    """A folder of the server's list (the path shown as its label; none chosen yet: the first), or the path a link
    gave that the list does not hold: then no box at all, and loading says it is refused."""
    typed = str(st.session_state.get(path_key) or "")
    found = folder_label(typed, folders) if typed else next(iter(folders), None)
    if found is None:
        return typed
    st.session_state[path_key] = found
    return st.selectbox(label, list(folders), key=path_key, persist_state=path_key.keep)


def inputs(side: str) -> Pane:
    """The pane's model, folder, text and positions pickers, drawn where the caller is."""
    s = settings.current()
    folders = access.model_folders(s)
    keys = {name: key(side, name) for name in FIELDS}
    options = _options(s, folders, st.session_state.get(keys["model"]))
    listed = s.custom_models != "any"
    tr = fixed()
    c1, c2 = st.columns([3, 2])
    choice = c1.selectbox(t("Model {side}", side=side.upper()), options, key=keys["model"],
                          persist_state=keys["model"].keep,
                          format_func=lambda m: tr("The untrained start of a checkpoint folder…") if m == UNTRAINED else
                          tr("A model folder on this server…") if m == CUSTOM and listed else
                          model_label(m, MODEL_LABELS, tr))
    positions = c2.selectbox(tc("encoding", "Positions"), list(POSITIONS), key=keys["pos"],
                             persist_state=keys["pos"].keep, format_func=lambda p: tr(POSITION_NAMES[p]), help=t("shuffled: the positional encoding permuted over positions (seed 0); removed: taken out."))
    path = ""
    if choice in (CUSTOM, UNTRAINED) and listed:  # a shared server: its list, never a box to type a path into
        path = _listed_folder(keys["path"], folders, t("Folder of the checkpoint") if choice == UNTRAINED else
                              t("Model folder"))
    elif choice in (CUSTOM, UNTRAINED):
        path = st.text_input((t("Folder of the checkpoint") if choice == UNTRAINED else t("Folder or hub id")),
                             key=keys["path"], persist_state=keys["path"].keep, placeholder=t("/path/to/model"))
    text = st.text_area(t("Text {side}", side=side.upper()), key=keys["text"], persist_state=keys["text"].keep,
                        height=68)
    spec = (path or "").strip() if choice in (CUSTOM, UNTRAINED) else choice
    target = ""
    if is_encoder_decoder(spec) or st.session_state.get(keys["target"]):
        target = st.text_input(t("Decoder text"), key=keys["target"], persist_state=keys["target"].keep,
                               help=t("What the decoder reads. Leave it empty and the model writes its own."))
    return Pane(side, choice, path or "", text or "", positions, target or "")


def summary(side: str, width: int = 18) -> str:
    """One line for a closed pane in presentation mode: its model and the start of its text, as markdown that shows
    the typed text literally (a popover's label is markdown)."""
    choice = str(st.session_state.get(key(side, "model")) or "")
    if choice in (CUSTOM, UNTRAINED):  # a folder: its last part names it
        choice = str(st.session_state.get(key(side, "path")) or "").rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(str(st.session_state.get(key(side, "text")) or "").split())
    short = text if len(text) <= width else text[:width - 1].rstrip() + "…"
    return t("Pane {side}: {model} · “{text}”", side=side.upper(), model=escape(choice or "—"), text=escape(short))


def load(pane: Pane, device: str, trust: bool) -> tuple[LoadedModel, AttentionCapture] | None:
    """The pane's model and capture, or a message naming the side that failed (and None)."""
    if not pane.spec:
        st.info(t("Pane {side}: enter a folder path, or pick an offline model.", side=pane.name))
        return None
    if not pane.text.strip():
        st.warning(t("Pane {side}: the text is empty; type a sentence to see its attention.", side=pane.name))
        return None
    with st.spinner(t("Pane {side}: loading {spec}…", side=pane.name, spec=code(access.scrub(pane.spec, settings.current())))):
        found = pipeline.captured(pane.request(device, trust))
    if isinstance(found, pipeline.Unavailable):
        st.error(literal_message(t("Pane {side} failed: {detail}", side=pane.name, detail=found.message)), icon="⚠️")
        return None
    for note in pipeline.notes(*found):
        st.caption(t("Pane {side}: {note}", side=pane.name, note=note))
    if learn_architecture(pane.spec, found[0].info.architecture):
        st.rerun()  # an encoder-decoder's pane grows its decoder-text box
    return found
