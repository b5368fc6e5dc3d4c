"""Every string a person reads, one catalogue per language with the same keys: lookup(lang, key, **fmt)."""
from __future__ import annotations

import re

from attnviz.lessons.catalogue import en, zh

LANGUAGES = {"en": "English", "zh": "简体中文"}
CATALOGUES: dict[str, dict[str, str]] = {"en": en.STRINGS, "zh": zh.STRINGS}
DEFAULT = "en"


def lookup(lang: str, key: str, **fmt) -> str:
    """The string `key` in `lang` (English where the language is unknown), formatted with `fmt`."""
    text = CATALOGUES.get(lang, CATALOGUES[DEFAULT])[key]
    return text.format(**fmt) if fmt else text


def missing() -> dict[str, set[str]]:
    """language -> keys that another language has and this one lacks."""
    every = set().union(*CATALOGUES.values())
    return {lang: every - set(strings) for lang, strings in CATALOGUES.items() if every - set(strings)}


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)[^}]*\}", text))


def patterns() -> list[re.Pattern]:
    """Every catalogue value as a regular expression: a {placeholder} matches anything (user data, numbers)."""
    out = []
    for strings in CATALOGUES.values():
        for text in strings.values():
            parts = re.split(r"\{\w+(?:[:!][^}]*)?\}", text)
            out.append(re.compile(".*?".join(re.escape(p) for p in parts), re.S))
    return out
