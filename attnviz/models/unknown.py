"""Never a silent unknown token: which characters of a text a model's tokeniser could not read.

A tokeniser that lacks a character either puts its unknown token there ([UNK], <unk>) or, for some
normalisers, drops the character so that no token covers it. Both are found from the tokens' character
spans; a byte-level tokeniser (byte fallback) has neither and reads everything.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from attnviz.core.errors import AttnvizError
from attnviz.i18n import Message, N_

NOTE_SHARE = 0.05  # a capture is noted when at least this share of what was read is unknown or vanished
# each sentence ends with what follows it ({then}): the next sentence, and last which models read the characters
UNKNOWN_NOTE = N_("{n} of {total} tokens are the unknown token {token}: this model cannot read {chars}. {then}")
VANISHED_NOTE = N_("Characters the tokeniser dropped, which this model never sees ({n}): {chars}. {then}")
NO_READER_NOTE = N_("No bundled model reads all of them.")


@dataclass(frozen=True)
class UnknownReport:
    """What a tokeniser could not read in one text."""

    n_tokens: int  # tokens read from the text (special tokens such as [CLS] left out)
    n_unknown: int  # of them, the unknown token
    unknown_token: str | None  # how the unknown token reads ("[UNK]"), None where the tokeniser has none
    unknown_chars: str  # the distinct characters the unknown tokens stand for, in order of first appearance
    n_vanished: int  # visible characters of the text that no token covers
    vanished_chars: str  # those characters, distinct, in order
    readers: tuple[str, ...] = ()  # bundled models whose tokenisers read every one of these characters

    @property
    def share(self) -> float:
        """Unknown tokens and vanished characters over everything read (tokens plus vanished characters)."""
        return (self.n_unknown + self.n_vanished) / max(1, self.n_tokens + self.n_vanished)

    @property
    def missing(self) -> str:
        """Every character the model cannot read, distinct, in order."""
        return "".join(dict.fromkeys(self.unknown_chars + self.vanished_chars))

    def noticeable(self, threshold: float = NOTE_SHARE) -> bool:
        return (self.n_unknown + self.n_vanished) > 0 and self.share >= threshold


def unknown_id(codec) -> int | None:
    """The id of a codec's unknown token, or None where it has none (byte-level tokenisers)."""
    own = getattr(codec, "unknown_id", None)
    if callable(own):
        return own()
    tokenizer = getattr(codec, "tokenizer", None)
    return getattr(tokenizer, "unk_token_id", None)


def _distinct(chars: Iterable[str]) -> str:
    return "".join(dict.fromkeys(chars))


def report(codec, text: str, ids: list[int] | None = None, spans: list | None = None) -> UnknownReport:
    """The unknown tokens and vanished characters of text as codec reads it (ids and spans: the ones a capture
    already has, from codec.encode_with_offsets; computed here when not given)."""
    if ids is None or not spans:
        ids, spans = codec.encode_with_offsets(text)
    special = codec.special_ids()
    unk = unknown_id(codec)
    read = [(i, span) for i, span in zip(ids, spans) if i not in special or i == unk]
    unknown = [span for i, span in read if unk is not None and i == unk]
    covered = [False] * len(text)
    for _, span in read:
        if span is not None:
            for at in range(max(0, span[0]), min(len(text), span[1])):
                covered[at] = True
    # past the last token's end the text was cut (a capture keeps the first tokens), not dropped
    end = max((span[1] for _, span in read if span is not None), default=0)
    vanished = [ch for ch, hit in zip(text[:end], covered) if not hit and ch.isprintable() and not ch.isspace()]
    shown = codec.display([unk])[0] if unk is not None else None
    return UnknownReport(n_tokens=len(read), n_unknown=len(unknown), unknown_token=shown,
                         unknown_chars=_distinct(text[a:b] for a, b in (s for s in unknown if s is not None)),
                         n_vanished=len(vanished), vanished_chars=_distinct(vanished))


def reads(codec, chars: str) -> bool:
    """Whether codec reads every one of these characters (no unknown token, nothing dropped)."""
    found = report(codec, chars)
    return found.n_unknown == 0 and found.n_vanished == 0


def with_readers(found: UnknownReport, candidates: dict[str, Callable[[], object]]) -> UnknownReport:
    """found, with the names of the candidate models (name -> its codec, built on demand) that read its characters."""
    chars = found.missing
    if not chars:
        return found
    names = []
    for name, codec in candidates.items():
        try:
            if reads(codec(), chars):
                names.append(name)
        except (ImportError, OSError, KeyError, ValueError, AttnvizError):  # not installed here: reads nothing
            continue
    return UnknownReport(**{**found.__dict__, "readers": tuple(names)})


class UnknownNote(Message):
    """A capture note (a Message: English on the command line, the page's language on a page) that keeps its
    report of which tokens are unknown."""

    report: UnknownReport

    def __new__(cls, found: UnknownReport) -> UnknownNote:
        last = _parts(found)
        note = cls._make(last.msgid, last.fmt)
        note.report = found
        return note

    def __reduce__(self):
        return UnknownNote, (self.report,)


def note_text(found: UnknownReport) -> str:
    """The note's English sentences (the characters quoted; at most 20 shown, then "…")."""
    return str(UnknownNote(found))


def _parts(found: UnknownReport) -> Message:
    """The note's sentences as one Message: each sentence holds the next in its {then}."""
    def quoted(chars: str) -> str:
        return "“" + (chars if len(chars) <= 20 else chars[:20] + "…") + "”"

    note = (Message.plural("{models} reads them.", "{models} read them.", len(found.readers),
                           models=", ".join(found.readers)) if found.readers else Message(NO_READER_NOTE))
    if found.n_vanished:
        note = Message(VANISHED_NOTE, n=found.n_vanished, chars=quoted(found.vanished_chars), then=note)
    if found.n_unknown:
        note = Message(UNKNOWN_NOTE, n=found.n_unknown, total=found.n_tokens, token=found.unknown_token,
                       chars=quoted(found.unknown_chars), then=note)
    return note
