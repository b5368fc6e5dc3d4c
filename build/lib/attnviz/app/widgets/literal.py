"""What a visitor typed, shown as the characters they typed: never as markdown, links, images or HTML.

Streamlit renders every message, caption and title as markdown. `escape` makes a string plain text
inside any of them; `code` shows a value (a path, a token) in a code span whatever it contains.
"""
from __future__ import annotations

import re
import string

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and then stands for
# itself: that disarms emphasis, links, images, raw HTML, code spans, math ($) and Streamlit's
# :colour[...] directives alike.
_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")


def escape(text: object) -> str:
    """`text` as markdown that renders as exactly its characters (line breaks kept)."""
    lines = _PUNCT.sub(r"\\\1", str(text)).split("\n")
    # A line that starts with spaces would open a code block; a hard break keeps each line.
    return "  \n".join(line.replace(" ", "\u00a0", len(line) - len(line.lstrip(" "))) for line in lines)


def code(value: object) -> str:
    """`value` in a markdown code span, fenced by more backticks than it holds (newlines as ␤)."""
    text = str(value).replace("\r\n", "\n").replace("\n", "␤")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"
