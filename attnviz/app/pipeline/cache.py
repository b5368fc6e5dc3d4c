"""Models cached once per process by folder and fingerprint; captures shared by every session, bounded by memory.

st.cache_data would unpickle its own copy of a capture on every rerun (103–126 ms of a ~200 ms head change
at 512 tokens). Captures are read-only once made, so every session gets the same object instead, from a
cache that drops the least recently used capture when the captures together pass `capture_cache_mb`.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import streamlit as st

from attnviz.capture.api import capture, token_limit
from attnviz.capture.window import capture_window
from attnviz.i18n import Message, N_
from attnviz.models.window import window_note
from attnviz.core import settings
from attnviz.core.types import AttentionCapture
from attnviz.models import access
from attnviz.models.fingerprint import fingerprint
from attnviz.models.generate import generate_ids
from attnviz.models.loading import LoadedModel, load_model
from attnviz.models.untrained import untrained_start
from attnviz.app.state.selection import GenerationSettings, ModelChoice, Selection


class SharedCache:
    """Values made once per key and handed out as the same object, least recently used dropped past `limit` bytes."""

    def __init__(self, limit: Callable[[], int], size: Callable[[object], int]):
        self._limit, self._size = limit, size
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._making: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(n for _, n in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, make: Callable[[], object]):
        """The value for key, made by `make()` once even when several sessions ask at the same moment."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0]
            making = self._making.setdefault(key, threading.Lock())
        with making:
            with self._lock:
                if key in self._entries:
                    return self._entries[key][0]
            value = make()
            with self._lock:
                self._entries[key] = (value, self._size(value))
                self._making.pop(key, None)
                self._evict(keep=key)
        return value

    def peek(self, key: Hashable):
        """The value for key if it is there (None otherwise), without making it."""
        with self._lock:
            found = self._entries.get(key)
            return None if found is None else found[0]

    def drop(self, which: Callable[[Hashable], bool]) -> None:
        """Forget every entry whose key matches (a model folder that changed on disk)."""
        with self._lock:
            for key in [k for k in self._entries if which(k)]:
                del self._entries[key]

    def _evict(self, keep: Hashable) -> None:
        total = sum(n for _, n in self._entries.values())
        while total > self._limit() and len(self._entries) > 1:
            oldest = next(iter(self._entries))
            if oldest == keep:
                break
            total -= self._entries.pop(oldest)[1]


def _capture_size(value) -> int:
    cap = value[-1] if isinstance(value, tuple) else value
    return cap.nbytes() if isinstance(cap, AttentionCapture) else 0


@st.cache_resource(show_spinner=False)
def shared_captures() -> SharedCache:
    """The process's one capture cache (every session, every page)."""
    return SharedCache(lambda: settings.current().capture_cache_mb * 2**20, _capture_size)


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(choice: ModelChoice, fingerprint: str) -> LoadedModel:
    # With private paths, a server folder is named relative to its root on every page.
    return load_model(choice.spec, device=choice.device, trust_remote_code=choice.trust_remote_code,
                      name=access.display_name(choice.spec, settings.current()))


@st.cache_resource(show_spinner=False, max_entries=2)
def cached_untrained(folder: str, device: str) -> LoadedModel:
    """A checkpoint's untrained start: the same weights its training began from."""
    return untrained_start(folder, device)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_untrained_capture(folder: str, device: str, text: str, positions: str, target: str = "") -> AttentionCapture:
    return capture(cached_untrained(folder, device), text, target or None, positions=positions)


def cached_model(choice: ModelChoice) -> LoadedModel:
    """The model, loaded once per process for each state of its folder on disk."""
    return _load(choice, _fresh(choice.spec))


def _fresh(spec: str) -> str:
    """The folder's fingerprint; captures of the folder's earlier contents are dropped once it changed."""
    fp = fingerprint(spec)
    shared_captures().drop(lambda key: key[1].spec == spec and key[2] != fp)
    return fp


SERVER_WINDOW = N_("This server reads at most {limit} tokens per capture.")


def cached_capture(sel: Selection, positions: str = "normal", seed: int = 0, window=None) -> AttentionCapture:
    """The capture of the selection's text (and decoder text: empty unless the model is an encoder-decoder),
    the same object for every session that asks. `window` (pipeline.window.WindowChoice): the part of a long text
    the model reads, said in a note on the capture."""
    fp = _fresh(sel.spec)
    key = ("capture", sel.model, fp, sel.text, sel.target or None, positions, seed, window)
    if window is None:
        return shared_captures().get(key, lambda: capture(_load(sel.model, fp), sel.text, sel.target or None,
                                                          positions=positions, seed=seed))

    def make() -> AttentionCapture:
        model = _load(sel.model, fp)
        cap, chosen = capture_window(model, sel.text, start=window.start, centre=window.centre,
                                     positions=positions, seed=seed)
        limit, by_server = token_limit(model.info.max_positions)
        cap.notes.insert(0, window_note(chosen))
        if by_server:  # the operator's setting, not the model, is what keeps the window short: say so
            cap.notes.insert(1, Message(SERVER_WINDOW, limit=f"{limit:,}"))
        return cap
    return shared_captures().get(key, make)


def cached_generation(sel: Selection, settings: GenerationSettings) -> tuple[list[int], int, AttentionCapture]:
    """(prompt + generated ids, prompt length, capture of the whole sequence): computed once per setting,
    so stepping through the generated tokens does not generate again."""
    fp = _fresh(sel.spec)
    key = ("generation", sel.model, fp, sel.text, settings)

    def make():
        model = _load(sel.model, fp)
        ids, n_prompt = generate_ids(model, sel.text, settings.n_new, greedy=settings.greedy,
                                     temperature=settings.temperature, top_k=settings.top_k, seed=settings.seed)
        return ids, n_prompt, capture(model, None, ids=ids)
    return shared_captures().get(key, make)
