"""The sidebar's "Load the text from a file": the file read only as far as a model can use it, then let go.

A 190 MB file decoded whole took a server from 566 MB to 6.9 GB and kept 1.6 GB after the tab closed. Here the upload
is read by attnviz.models.upload.read_upload (bounded by the server's token limit), and the uploader is drawn again
under a new key, so Streamlit forgets the file and frees its bytes at the end of the run.
"""
from __future__ import annotations

import logging

import streamlit as st

from attnviz.app.shell import messages
from attnviz.app.state import sidebar as Sidebar
from attnviz.core import settings
from attnviz.core.errors import AttnvizError
from attnviz.i18n import Message, t
from attnviz.models.upload import UPLOAD_LIMIT_MB, read_upload, release

log = logging.getLogger("attnviz.app")

TYPES = ["txt", "md", "csv", "json"]


def _round() -> int:
    return int(st.session_state.get(Sidebar.TEXT_FILE_ROUND) or 0)


def _read() -> None:
    """The uploader's callback (it runs before the script, so before the text box is drawn): the start of the file
    becomes the text, or a message says why not; either way the next run draws a fresh uploader."""
    key = Sidebar.text_file(_round())
    upload = st.session_state.get(key)
    if upload is None:
        return
    limit = settings.current().max_tokens or None
    try:
        got = read_upload(upload, max_tokens=limit, limit_mb=UPLOAD_LIMIT_MB)
    except AttnvizError as exc:  # too large, or not text: what was typed stays
        log.info("text file %r refused: %s", upload.name, exc)
        st.session_state[Sidebar.TEXT_FILE_NOTE] = ("error", exc)
    else:
        st.session_state[Sidebar.TEXT] = got.text
        st.session_state[Sidebar.TEXT_FILE_NOTE] = ("info", _what_was_read(got, limit)) if not got.complete else None
    finally:
        release(upload)
        st.session_state[Sidebar.TEXT_FILE_ROUND] = _round() + 1  # the next run draws another uploader


def _what_was_read(got, limit: int | None) -> Message:
    """The note for a file read only in part (the model could not have read the rest)."""
    if limit:
        return Message("Only the start of the file was read ({read} of {size} bytes): this server reads at most "
                       "{limit} tokens of a text, and the rest could not be shown.", read=f"{got.bytes_read:,}",
                       size=f"{got.size or 0:,}", limit=f"{limit:,}")
    return Message("Only the start of the file was read ({read} of {size} bytes): no model here reads further.",
                   read=f"{got.bytes_read:,}", size=f"{got.size or 0:,}")


def text_file_box() -> None:
    """The uploader, drawn where the caller is (the sidebar's expander), with what reading the last file said."""
    st.file_uploader(t("A text file (UTF-8)"), type=TYPES, key=Sidebar.text_file(_round()), on_change=_read,
                     help=t("For texts too long for a link: the text replaces what the box above holds. At most {limit} MB.",
                            limit=UPLOAD_LIMIT_MB))
    note = st.session_state.get(Sidebar.TEXT_FILE_NOTE)
    if note:
        level, message = note
        getattr(st, level)(messages.say(message) if isinstance(message, BaseException) else messages.note(message))
