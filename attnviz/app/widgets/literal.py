"""What a visitor typed, shown as the characters they typed: never as markdown, links, images or HTML.

Streamlit renders every message, caption and title as markdown. `escape` makes a string plain text
inside any of them; `code` shows a value (a path, a token) in a code span whatever it contains; `message` shows
the package's words (which mark a path or a command with backticks, as `this`) plain, their backticked spans as
code spans rather than as literal backticks.
"""
from __future__ import annotations

import re
import string

from attnviz.i18n import Message, say
from attnviz.i18n.spans import BACKTICKED

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and then stands for
# itself: that disarms emphasis, links, images, raw HTML, code spans, math ($) and Streamlit's
# :colour[...] directives alike.
_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")


def escape(text: object) -> str:
    """`text` as markdown that renders as exactly its characters (line breaks kept)."""
    lines = _PUNCT.sub(r"\\\1", str(text)).split("\n")
    # A line that starts with spaces would open a code block; a hard break keeps each line.
    return "  \n".join(line.replace(" ", "\u00a0", len(line) - len(line.lstrip(" "))) for line in lines)




def message(text: object) -> str:
    """A message of the package (a path, a folder or a command in backticks) as markdown: every character as it is,
    except that each backticked span is a code span (the backticks are not shown)."""
    spans: list[str] = []

    def hold(match: re.Match) -> str:  # a code span waits outside the escaping under a mark escape leaves alone
        spans.append(code(match.group(1)))
        return f"\0{len(spans) - 1}\0"

    marked = escape(BACKTICKED.sub(hold, str(text).replace("\0", "")))
    return re.sub("\0(\\d+)\0", lambda m: spans[int(m.group(1))], marked)


def code(value: object) -> str:
    """`value` in a markdown code span, fenced by more backticks than it holds (newlines as ␤)."""
    text = str(value).replace("\r\n", "\n").replace("\n", "␤")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


class _Literal(str):
    """A message's fill shown as its characters, written plainly ({x}) or as its repr ({x!r})."""

    def __new__(cls, value: str) -> _Literal:
        self = super().__new__(cls, escape(value))
        self.raw = value
        return self

    def __repr__(self) -> str:
        return escape(repr(self.raw))


def _filled(message: Message) -> Message:
    """The message with its fills (names, what a visitor typed) escaped, and the fills' own messages likewise."""
    fmt = {k: _filled(v) if isinstance(v, Message) else _Literal(v) if isinstance(v, str) else v
           for k, v in message.fmt.items()}
    return Message._make(message.msgid, fmt, message.context, message.plural_form)


def said(message: object) -> str:
    """A package message (a Message, or an error raised with one) in the page's language with only its fills
    escaped, so that its own words stay the catalogue's; any other text escaped whole."""
    if isinstance(message, BaseException):
        message = message.args[0] if len(message.args) == 1 else str(message)
    return say(_filled(message)) if isinstance(message, Message) else escape(message)
