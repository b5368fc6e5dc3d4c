"""Which window of a long text the sidebar's model reads, when the text has more tokens than the model (or the
server) takes: a start token, or a sentence to centre on, picked in the sidebar and kept in the link (win=1200, or
centre=s14). Every page that shows the capture says which tokens it holds (a note on the capture: "Tokens a–b of N;
X cut before, Y after")."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from attnviz.app.state import sidebar as Sidebar
from attnviz.capture.api import token_limit
from attnviz.core.sentences import sentences
from attnviz.i18n import N_, fixed, t
from attnviz.models.loading import LoadedModel
from attnviz.models.textbound import UNBOUNDED_TOKENS

REACH_CHARS = 500_000  # the part of a text a window can reach: tokenising it takes well under a second
BY = ("start", "centre")
BY_NAMES = {"start": N_("from a token"), "centre": N_("centred on a sentence")}


@dataclass(frozen=True)
class WindowChoice:
    """The window asked for: a start token, or the character span of a sentence to centre on (hashable: a cache
    key)."""

    start: int | None = None
    centre: tuple[int, int] | None = None


@st.cache_data(show_spinner=False, max_entries=16)
def _measure(_model: LoadedModel, spec: str, text: str) -> tuple[int, int, tuple[tuple[int, int], ...]]:
    """(the text's own tokens within the reach, the special tokens added to every text, its sentences' spans)."""
    codec = _model.codec
    added = sum(1 for s in codec.encode_with_offsets("a")[1] if s is None)
    part = text[:REACH_CHARS]
    spans = codec.encode_with_offsets(part)[1]
    return sum(1 for s in spans if s is not None), added, tuple(sentences(part))


def _sentence(text: str, spans, i: int) -> str:
    a, b = spans[i]
    words = " ".join(text[a:b].split())
    return words if len(words) <= 60 else words[:59] + "…"


def _room(model: LoadedModel, text: str) -> tuple[int, int, tuple] | None:
    """(the text's tokens, the tokens the model reads of it, the sentences) when the text is longer; else None."""
    limit, _ = token_limit(model.info.max_positions)
    if not text.strip() or model.info.architecture == "encoder-decoder":
        return None
    n, added, spans = _measure(model, model.spec, text)
    room = max(1, (limit or UNBOUNDED_TOKENS) - added)
    return (n, room, spans) if n > room else None


def chosen(model: LoadedModel, text: str) -> WindowChoice | None:
    """The window the picker holds, without drawing it (another capture of the same text, on the same page)."""
    found = _room(model, text)
    if found is None:
        return None
    s = st.session_state
    spans = found[2]
    if s.get(Sidebar.WINDOW_BY) == "centre" and spans:
        return WindowChoice(centre=tuple(spans[min(int(s.get(Sidebar.SENTENCE) or 0), len(spans) - 1)]))
    return WindowChoice(start=min(int(s.get(Sidebar.FIRST_TOKEN) or 0), found[0] - found[1]))


def picker(model: LoadedModel, text: str) -> WindowChoice | None:
    """Draw the window picker in the sidebar when the text has more tokens than the model reads; the choice (None:
    the text fits, nothing is drawn). Values from a link (win=, centre=s…) are read here."""
    found = _room(model, text)
    if found is None:
        return None
    n, room, spans = found
    s = st.session_state
    centre = str(s.get(Sidebar.CENTRE) or "")
    if Sidebar.WINDOW_BY not in s:  # a first visit: the link's win= or centre=s14
        linked = centre.startswith("s") and centre[1:].isdigit()
        s[Sidebar.WINDOW_BY] = "centre" if linked else "start"
        s[Sidebar.SENTENCE] = int(centre[1:]) if linked else 0
        s[Sidebar.FIRST_TOKEN] = int(s.get(Sidebar.WINDOW_START) or 0)
    sb = st.sidebar
    sb.subheader(t("Window of the text"))
    tr = fixed()
    by = sb.radio(t("Read the window"), BY, horizontal=True, key=Sidebar.WINDOW_BY, persist_state=Sidebar.WINDOW_BY.keep,
                  format_func=lambda b: tr(BY_NAMES[b]),
                  help=t("The text has {n} tokens and the model reads {room}: choose which {room} it reads.",
                         n=f"{n:,}", room=f"{room:,}"))
    if by == "centre" and spans:
        last = len(spans) - 1
        s[Sidebar.SENTENCE] = min(int(s.get(Sidebar.SENTENCE) or 0), last)
        i = int(sb.number_input(t("Sentence"), 0, last, key=Sidebar.SENTENCE, persist_state=Sidebar.SENTENCE.keep,
                                help=t("The sentences of the whole text, counted from 0.")))
        sb.caption(t("“{sentence}”", sentence=_sentence(text, spans, i)))
        s[Sidebar.CENTRE], s[Sidebar.WINDOW_START] = f"s{i}", None
        return WindowChoice(centre=tuple(spans[i]))
    last = n - room
    s[Sidebar.FIRST_TOKEN] = min(int(s.get(Sidebar.FIRST_TOKEN) or 0), last)
    start = int(sb.slider(t("First token"), 0, last, key=Sidebar.FIRST_TOKEN, persist_state=Sidebar.FIRST_TOKEN.keep))
    s[Sidebar.CENTRE], s[Sidebar.WINDOW_START] = None, start
    return WindowChoice(start=start)
