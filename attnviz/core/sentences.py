"""A text's sentences and paragraphs as character spans (English and Chinese punctuation), and the unit each
token falls in (through the tokens' character spans).

A paragraph ends at a blank line (a line with nothing but spaces), or, in a text without blank lines between
its paragraphs, at every line break. A sentence ends at . ! ? … (after any closing quotes or brackets) followed by a space or the end,
or at 。！？ (and ！？ written half-width after Chinese text) with no space needed; it never runs past its
paragraph. A full stop after a common abbreviation (Mr., e.g., …) or a single capital letter (an initial) does
not end a sentence. Spans exclude the blanks around a unit.
"""
from __future__ import annotations

import bisect
import re

import numpy as np

Span = tuple[int, int]

_CLOSE = "\"'”’」』）)]}》〉"
_WIDE_END = "。！？｡"  # Chinese and Japanese enders: a sentence ends here whether or not a space follows
_END = re.compile(rf"(?:[.!?…]+[{re.escape(_CLOSE)}]*(?=\s|$)|[{_WIDE_END}]+[{re.escape(_CLOSE)}]*"
                  rf"|(?<=[\u3400-\u9fff])[!?]+[{re.escape(_CLOSE)}]*)")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_LINE = re.compile(r"\n\s*")
LOOK_BACK = 64  # characters before a full stop read for an abbreviation (a longer word is none)
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "vs", "etc", "e.g", "i.e", "cf", "fig", "no",
                 "vol", "al", "approx", "inc", "ltd", "co"}


def paragraphs(text: str) -> list[Span]:
    """Paragraphs' character spans, in order (blanks around each left out)."""
    breaks = _BLANK_LINE if _BLANK_LINE.search(text.strip()) else _LINE
    spans, start = [], 0
    for m in breaks.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [s for s in (_strip(text, a, b) for a, b in spans) if s[1] > s[0]]


def sentences(text: str) -> list[Span]:
    """Sentences' character spans, in order, none crossing a paragraph (blanks around each left out)."""
    out: list[Span] = []
    for p0, p1 in paragraphs(text):
        start = p0
        for m in _END.finditer(text, p0, p1):
            if m.group()[0] == "." and _abbreviation(text, p0, m.start()):
                continue
            out.append((start, m.end()))
            start = m.end()
        out.append((start, p1))
    return [s for s in (_strip(text, a, b) for a, b in out) if s[1] > s[0]]


def paragraph_of(sentence_spans: list[Span], paragraph_spans: list[Span]) -> np.ndarray:
    """For each sentence, the index of the paragraph it lies in."""
    starts = [p[0] for p in paragraph_spans]
    return np.array([max(0, bisect.bisect_right(starts, s[0]) - 1) for s in sentence_spans], dtype=np.int64)


def token_units(text: str, token_spans: list, unit_spans: list[Span]) -> np.ndarray:
    """For each token, the index of the unit (sentence, paragraph) its first non-blank character lies in.

    A token between two units (a blank, a line break) belongs to the unit before it, one before the first unit
    to the first; a token without characters (a special token such as [CLS] or <s>: span None) gets −1.
    """
    starts = [u[0] for u in unit_spans]
    out = np.full(len(token_spans), -1, dtype=np.int64)
    if not unit_spans:
        return out
    for i, span in enumerate(token_spans):
        if span is None:
            continue
        a, b = span
        first = a + (len(text[a:b]) - len(text[a:b].lstrip()))  # its first non-blank character (a blank: a)
        first = a if first >= b else first
        out[i] = max(0, bisect.bisect_right(starts, first) - 1)
    return out


def _strip(text: str, a: int, b: int) -> Span:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _abbreviation(text: str, lo: int, dot: int) -> bool:
    """The word before the full stop at `dot` is a known abbreviation or a single capital (an initial)."""
    # the last few characters only: an abbreviation is short, and a paragraph of a million characters must not be
    # searched again from its start at every full stop
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(lo, dot - LOOK_BACK):dot])
    if word is None:
        return False
    w = word.group(1)
    return (len(w) == 1 and w.isupper()) or w.lower().rstrip(".") in ABBREVIATIONS
