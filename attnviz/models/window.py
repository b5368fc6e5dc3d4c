"""Which window of a long text a model with few positions reads: from a start token, or centred on a sentence;
what is cut on each side, in characters and in tokens, so every view can say so."""
from __future__ import annotations

from dataclasses import dataclass

from attnviz.models.textbound import char_budget
from attnviz.models.tokens import Codec
from attnviz.i18n import Message, N_

FIT_TRIES = 8  # a window's text retokenised may come out a token longer at its edges: shrink and retry


@dataclass(frozen=True)
class Window:
    """text[start_char:end_char] is what the model reads; counts of what lies outside it on each side."""

    text: str  # the window's characters
    start_char: int
    end_char: int
    start_token: int  # the window's first token among the text's tokens (added special tokens not counted)
    n_tokens: int  # the text's tokens inside the window
    tokens_before: int
    tokens_after: int | None  # None: the text past the window was not tokenised (it is longer than needed)
    chars_before: int
    chars_after: int

    @property
    def whole(self) -> bool:
        """Nothing was cut."""
        return self.chars_before == 0 and self.chars_after == 0


def choose_window(codec: Codec, text: str, limit: int, start: int | None = None,
                  centre: tuple[int, int] | None = None) -> Window:
    """The window of at most `limit` tokens (special tokens included) starting at text token `start`, or centred
    on the characters `centre` (a sentence's span: its middle token in the middle of the window, or its start
    at the window's start when it is longer than the window). A start past the end keeps the window full: it
    moves back so that the window ends with the text."""
    if limit <= 0:
        raise ValueError(f"a window needs at least one token, got limit {limit}")
    n_added = sum(1 for s in codec.encode_with_offsets("a")[1] if s is None)  # [CLS] … [SEP], <s>: on every text
    room = max(1, limit - n_added)
    if centre is not None:  # tokenise far enough past the sentence to fill a window after it
        upto = min(len(text), centre[1] + char_budget(room))
    else:
        upto = min(len(text), char_budget((start or 0) + room))
    _, spans = codec.encode_with_offsets(text[:upto])
    pieces = [s for s in spans if s is not None]  # the text's own tokens (an unknown word's [UNK] included)
    n = len(pieces)
    if n == 0:
        return Window(text, 0, len(text), 0, 0, 0, 0, 0, 0)
    if centre is not None:
        first = next((t for t, (a, b) in enumerate(pieces) if b > centre[0]), n - 1)
        last = max(first, next((t for t in range(n - 1, -1, -1) if pieces[t][0] < centre[1]), first))
        begin = first if last - first + 1 >= room else (first + last) // 2 - room // 2
    else:
        begin = start or 0
    begin = max(0, min(begin, n - room))
    size = min(room, n - begin)
    for _ in range(FIT_TRIES):
        a, b = pieces[begin][0], pieces[begin + size - 1][1]
        if len(codec.encode(text[a:b])) <= limit or size == 1:
            break
        size -= 1
    whole = upto == len(text)
    return Window(text[a:b], a, b, begin, size, begin, n - begin - size if whole else None, a, len(text) - b)


WINDOW_NOTE = N_("Tokens {first}–{last} of {total}: {before} cut before, {after} after.")
WINDOW_NOTE_OPEN = N_("Tokens {first}–{last} of the text: {before} cut before, the rest of the text ({chars} characters) "
                      "after.")


def window_note(window: Window) -> Message:
    """What every view of a window says: which of the text's tokens the model read, and what was cut on each side
    (positions count the text's own tokens from 0; added special tokens are not counted)."""
    first, last = window.start_token, window.start_token + window.n_tokens - 1
    if window.tokens_after is None:
        return Message(WINDOW_NOTE_OPEN, first=f"{first:,}", last=f"{last:,}", before=f"{window.tokens_before:,}",
                       chars=f"{window.chars_after:,}")
    total = window.tokens_before + window.n_tokens + window.tokens_after
    return Message(WINDOW_NOTE, first=f"{first:,}", last=f"{last:,}", total=f"{total:,}",
                   before=f"{window.tokens_before:,}", after=f"{window.tokens_after:,}")
