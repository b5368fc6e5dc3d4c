"""Paragraphs of Chinese prose from HTML pages, manual pages (groff) and fortune files."""
from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

from attnviz.models.languages import is_cjk

BLOCKS = {"p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "title", "caption", "div", "br", "tr"}
SKIPPED = {"pre", "script", "style"}  # shell sessions and listings: not prose
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
INLINE_MACROS = (".B ", ".I ", ".BR ", ".IR ", ".RB ", ".BI ", ".IB ", ".RI ", ".IR ", ".SM ", ".SB ")  # text in a font
PROSE_IDEOGRAPHS = 6  # a paragraph worth learning from has at least this many ideographs
GROFF_ESCAPES = re.compile(r"\\f(\[[^\]]*\]|\(..|.)|\\\(..|\\[*n]\(?..|\\[&,/|^%:]|\\s[-+]?\d+")


def join_lines(lines: list[str]) -> str:
    """Wrapped lines back into one paragraph: no space where Chinese meets Chinese, one space elsewhere."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and not (is_cjk(out[-1]) and is_cjk(line[0])):
            out += " "
        out += line
    return re.sub(r"\s+", " ", out.replace("\u00a0", " ")).strip()


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.skip = 0

    def _flush(self) -> None:
        text = join_lines("".join(self.current).split("\n"))
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skip += 1
        if tag in BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skip = max(0, self.skip - 1)
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self.skip:
            self.current.append(data)


def html_paragraphs(path: Path) -> list[str]:
    parser = _Paragraphs()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    parser._flush()
    return parser.paragraphs


def groff_paragraphs(path: Path) -> list[str]:
    """A manual page's running text: macro lines break paragraphs, font and character escapes are dropped."""
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            raw = f.read()
    else:
        raw = path.read_text(encoding="utf-8", errors="replace")
    paragraphs, lines = [], []
    for line in raw.splitlines():
        if line.startswith(INLINE_MACROS):
            line = line.split(" ", 1)[1].replace('"', "")
        elif line.startswith((".", "'")) or not line.strip():
            if lines:
                paragraphs.append(join_lines(lines))
                lines = []
            continue
        line = line.split('\\"', 1)[0].replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ")
        lines.append(GROFF_ESCAPES.sub("", line))
    if lines:
        paragraphs.append(join_lines(lines))
    return [p for p in paragraphs if p]


def fortune_paragraphs(path: Path) -> list[str]:
    """A fortune file's entries (between lines of "%"), colour escapes removed, blank lines splitting paragraphs."""
    text = ANSI.sub("", path.read_text(encoding="utf-8", errors="replace"))
    paragraphs = []
    for entry in re.split(r"\n%\n", text):
        for block in re.split(r"\n\s*\n", entry):
            joined = join_lines(block.split("\n"))
            if joined and joined != "%":
                paragraphs.append(joined)
    return paragraphs


READERS = {"html": html_paragraphs, "groff": groff_paragraphs, "fortune": fortune_paragraphs}
