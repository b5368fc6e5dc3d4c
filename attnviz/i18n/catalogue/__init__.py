"""Every string a person reads, one catalogue per language with the same keys: lookup(lang, key, **fmt)."""
from __future__ import annotations

import importlib
import pkgutil
import re

from attnviz.i18n.catalogue import en, pages, zh

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT = "en"


def page_modules() -> list:
    """Every module of catalogue/pages/: a page's (or the figures') strings, EN and ZH side by side."""
    return [importlib.import_module(f"{pages.__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(pages.__path__), key=lambda m: m.name)]


def _merged() -> dict[str, dict[str, str]]:
    out = {"en": dict(en.STRINGS), "zh": dict(zh.STRINGS)}
    for module in page_modules():
        for lang, strings in (("en", module.EN), ("zh", module.ZH)):
            twice = set(strings) & set(out[lang])
            if twice:  # a key in two files would silently keep one of them
                raise ValueError(f"{module.__name__} repeats catalogue keys: {sorted(twice)}")
            out[lang].update(strings)
    return out


CATALOGUES: dict[str, dict[str, str]] = _merged()


def lookup(lang: str, key: str, **fmt) -> str:
    """The string `key` in `lang` (English where the language is unknown), formatted with `fmt`."""
    text = CATALOGUES.get(lang, CATALOGUES[DEFAULT])[key]
    return text.format(**fmt) if fmt else text


def variant_of(lang: str, key: str, variant: str) -> str:
    """`key + variant` where the language's catalogue has that wording (".present": for presentation mode), else
    `key`."""
    return key + variant if variant and key + variant in CATALOGUES.get(lang, {}) else key


def missing() -> dict[str, set[str]]:
    """language -> keys that another language has and this one lacks."""
    every = set().union(*CATALOGUES.values())
    return {lang: every - set(strings) for lang, strings in CATALOGUES.items() if every - set(strings)}


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)[^}]*\}", text))


PLACEHOLDER = re.compile(r"\{(\w+)(?:[:!][^}]*)?\}")


def patterns(lang: str | None = None) -> list[re.Pattern]:
    """Every catalogue value (of `lang`, or of every language) as a regular expression: each {placeholder} is a
    named group (g0, g1, …) that matches anything; what it may hold is the checker's business."""
    out = []
    for code, strings in CATALOGUES.items():
        if lang is not None and code != lang:
            continue
        for text in strings.values():
            parts = PLACEHOLDER.split(text)[::2]  # split keeps the names at odd places; drop them
            groups = [f"(?P<g{i}>.*?)" for i in range(len(parts) - 1)]
            out.append(re.compile("".join(re.escape(p) + (groups[i] if i < len(groups) else "")
                                          for i, p in enumerate(parts)), re.S))
    return out


def has_words(pattern: re.Pattern) -> bool:
    """Whether a pattern has letters of its own outside its placeholders (not only `{i} · {token}` or `- {note}`)."""
    literal = re.sub(r"\(\?P<g\d+>\.\*\?\)", "", pattern.pattern)
    return bool(re.search(r"[A-Za-z\u4e00-\u9fff]", literal.replace("\\", "")))
