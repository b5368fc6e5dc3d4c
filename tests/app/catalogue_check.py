"""What a page shows as text (prose, widgets, figure and table titles), and which of it is in no catalogue of the
page's language (numbers and the user's data allowed).

A shown string passes when it is a value of the page's own catalogue with its placeholders filled by acceptable
text: a number, the user's data (or a piece of it), another string of that catalogue, or a short name (one word,
not a sentence). A value made of placeholders and punctuation only (`{i} · {token}`, `- {note}`) proves nothing by
itself, so its fills must pass on their own; so must every fill in any value, which is what catches an English
sentence dropped into a Chinese one (`错误：{detail}` filled with a library's English message).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from streamlit.testing.v1 import AppTest

from attnviz.app.state import sidebar
from attnviz.i18n import DEFAULT
from attnviz.i18n.catalogues import PRESENT
from attnviz.i18n.tools import TEMPLATE, po_path, _read

PLACEHOLDER = re.compile(r"\{(\w+)(?:[:!][^}]*)?\}")


@lru_cache(maxsize=4)
def texts(lang: str) -> tuple[str, ...]:
    """What a page in `lang` may show from the catalogues: in English the messages (the template's msgids) and their
    presentation wordings; in another language its translations."""
    out = []
    if lang == DEFAULT:
        for message in _read(TEMPLATE):
            out += [message.id] if isinstance(message.id, str) else list(message.id)
    for message in _read(po_path(lang)):
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.id and (lang != DEFAULT or message.context == PRESENT):
            out += [s for s in strings if s]
    return tuple(s for s in out if s)


def patterns(lang: str) -> list[re.Pattern]:
    """Every catalogue text of `lang` as a regular expression: each {placeholder} a named group (g0, g1, …) that
    matches anything; what it may hold is the checker's business."""
    out = []
    for text in texts(lang):
        parts = PLACEHOLDER.split(text)[::2]  # split keeps the names at odd places; drop them
        groups = [f"(?P<g{i}>.*?)" for i in range(len(parts) - 1)]
        out.append(re.compile("".join(re.escape(p) + (groups[i] if i < len(groups) else "")
                                      for i, p in enumerate(parts)), re.S))
    return out


def has_words(pattern: re.Pattern) -> bool:
    """Whether a pattern has letters of its own outside its placeholders (not only `{i} · {token}` or `- {note}`)."""
    literal = re.sub(r"\(\?P<g\d+>\.\*\?\)", "", pattern.pattern)
    return bool(re.search(r"[A-Za-z\u4e00-\u9fff]", literal.replace("\\", "")))

NUMBER = re.compile(r"^[\s\d.,:−\-+%×/eE·]*$")
# Figures and tables also draw notation and data (d_k, PE(pos)·PE(pos + k), x₁, a token, a dimension d0): those
# pass; two words of three letters or more in a row ("key (attended to)") are words, and must be catalogue text.
WORDS = re.compile(r"[A-Za-z]{3,}[^A-Za-z]+[A-Za-z]{3,}")
PROSE = re.compile(r"[A-Za-z]{2,}[,;:]?\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}")  # three words in a row: a sentence
TEXT_TYPES = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
WIDGET_TYPES = ("button", "radio", "selectbox", "multiselect", "toggle", "checkbox", "slider", "select_slider",
                "number_input", "text_input", "text_area", "expander", "tab", "download_button", "file_uploader")


def _text(value) -> str:
    """A plotly title: a string, or {"text": …}."""
    return (value.get("text") or "") if isinstance(value, dict) else (value or "")


def figure_texts(spec: dict) -> list[str]:
    """The words a plotly figure draws: its title, axis and colour-bar titles, legend names and annotations."""
    layout = spec.get("layout", {})
    out = [_text(layout.get("title")), _text((layout.get("legend") or {}).get("title"))]
    for name, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", name) and isinstance(axis, dict):
            out.append(_text(axis.get("title")))
    for name, axis in layout.items():
        if name.startswith("coloraxis") and isinstance(axis, dict):
            out.append(_text((axis.get("colorbar") or {}).get("title")))
    out += [a.get("text") or "" for a in layout.get("annotations") or []]
    for trace in spec.get("data", []):
        out.append(_text((trace.get("colorbar") or {}).get("title")))
        if trace.get("showlegend", True) and trace.get("name"):
            out.append(str(trace["name"]))
    # the heading bold of streamlit's theme and line breaks are markup, not words
    return [re.sub(r"</?b>", "", t).replace("<br>", " ") for t in out]


def drawn(at: AppTest) -> list[str]:
    """The words of the page's figures and its tables' column headers."""
    out: list[str] = []
    for el in at.get("plotly_chart"):
        out += figure_texts(json.loads(el.proto.spec))
    for el in at.get("dataframe"):
        out += [str(c) for c in el.value.columns]
    return [s for s in out if s.strip()]


BADGE = re.compile(r"^:\w+-badge\[(?::material/\w+: )?(.*)\]$", re.S)  # st.badge's markup around its words


def shown(at: AppTest) -> list[str]:
    """Every label, option, help and prose string of the page as rendered."""
    out: list[str] = []
    for kind in TEXT_TYPES:
        out += [BADGE.sub(r"\1", el.value) for el in at.get(kind)]
    for kind in WIDGET_TYPES:
        for el in at.get(kind):
            out.append(getattr(el, "label", ""))
            out += [str(o) for o in (getattr(el, "options", None) or [])]
            help_text = getattr(el.proto, "help", "") if hasattr(el, "proto") else ""
            out.append(help_text)
            placeholder = getattr(el.proto, "placeholder", "") if hasattr(el, "proto") else ""
            out.append(placeholder)
    return [s for s in out if isinstance(s, str) and s.strip()]


def page_language(at: AppTest) -> str:
    try:
        return at.session_state[sidebar.LANG]
    except KeyError:
        return DEFAULT


@lru_cache(maxsize=4)
def _compiled(lang: str) -> tuple[list[re.Pattern], list[re.Pattern]]:
    """The language's values with words of their own, and those made of placeholders and punctuation only."""
    every = patterns(lang)
    return [p for p in every if has_words(p)], [p for p in every if not has_words(p)]


@lru_cache(maxsize=4)
def _heads(lang: str) -> frozenset[str]:
    """The part before the first colon of each value ("From scratch" of "From scratch: 2-layer encoder, …"), which
    the sidebar shows as a model's short description."""
    return frozenset(re.split("[:：]", text)[0] for text in texts(lang))


class Checker:
    """Whether a string is catalogue text of one language (memoised: fills repeat)."""

    def __init__(self, lang: str, data: tuple[str, ...]):
        self.worded, self.bare = _compiled(lang)
        self.heads = _heads(lang)
        self.data = tuple(d for d in data if d)
        self.seen: dict[str, bool] = {}

    def is_data(self, s: str) -> bool:
        return not s.strip() or bool(NUMBER.match(s)) or any(s == d or s in d for d in self.data)

    def fill_ok(self, s: str, depth: int) -> bool:
        """A placeholder's fill: data, catalogue text, or a name (no sentence in it)."""
        return self.is_data(s) or self.ok(s, depth + 1) or not PROSE.search(s)

    def ok(self, s: str, depth: int = 0) -> bool:
        if s in self.seen:
            return self.seen[s]
        if depth > 3:
            return False
        self.seen[s] = False  # a string that needs itself to pass does not pass
        result = self.is_data(s) or any(
            all(self.fill_ok(fill, depth) for fill in found.groupdict().values())
            for found in (p.fullmatch(s) for p in self.worded) if found)
        if not result:  # bare values prove nothing by themselves: every fill must be data or catalogue text
            result = any(
                all(self.is_data(fill) or fill in self.heads or self.ok(fill, depth + 1)
                    or not re.search(r"\s", fill.strip())
                    for fill in found.groupdict().values())
                for found in (p.fullmatch(s) for p in self.bare) if found)
        self.seen[s] = result
        return result


def not_in_catalogue(at: AppTest, data: tuple[str, ...] = (), lang: str | None = None) -> list[str]:
    """Shown strings that are not text of the page's language catalogue (see the module's docstring)."""
    check = Checker(lang or page_language(at), data)
    return ([s for s in shown(at) if not check.ok(s)]
            + [s for s in drawn(at) if WORDS.search(s) and not check.ok(s)])
