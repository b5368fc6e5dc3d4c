"""Checkpoint names a person can tell apart: written in their plain Unicode form, in one script (or a mix a
language writes), and unlike every name already taken.

`аlice-model` (Cyrillic а), `ａｌｉｃｅ-model` (fullwidth), `𝐚𝐥𝐢𝐜𝐞-model` (mathematical bold) and `alice-model.`
all read as alice-model. NFKC folds the fullwidth and bold letters into plain ones, trailing dots and blanks go,
a name mixing scripts that no language mixes is refused, and a name with a skeleton (each letter replaced by the
Latin letter it can be mistaken for, Unicode's confusables table via confusable-homoglyphs, then case folded)
in common with a taken name's is refused as its lookalike.
"""
from __future__ import annotations

import unicodedata
from attnviz.i18n import Message, N_
from collections.abc import Iterable

from confusable_homoglyphs import categories, confusables

MIXED_SCRIPTS = N_("`{name}` mixes letters of different scripts ({scripts}), so it can pass for another name: "
                   "write it in one script.")
LOOKS_LIKE = N_("`{name}` looks like the checkpoint `{other}`, which is already saved here: choose a name that reads differently.")
RENAMED = N_("Saved as `{name}`: the plain form of the name typed (`{typed}`).")

NEUTRAL = {"COMMON", "INHERITED"}  # digits, '-', '_', '.', combining marks: they belong to no script
# Scripts that one language writes together (Unicode TS #39, "highly restrictive"): Japanese, Chinese, Korean.
LANGUAGE_MIXES = ({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}, {"LATIN", "HAN", "BOPOMOFO"}, {"LATIN", "HAN", "HANGUL"})


def normalise(name: str) -> str:
    """NFKC (fullwidth and styled letters become plain ones), then no blanks around it and no trailing dots."""
    return unicodedata.normalize("NFKC", name).strip().rstrip(". \t")


def scripts(name: str) -> set[str]:
    """The scripts of the name's letters (Unicode's Script property, as confusable-homoglyphs names them)."""
    return {categories.alias(ch) for ch in name} - NEUTRAL


def mixed_scripts(name: str) -> set[str]:
    """The scripts of a name that mixes scripts no language writes together; empty when the name is fine."""
    found = scripts(name)
    if len(found) <= 1 or any(found <= mix for mix in LANGUAGE_MIXES):
        return set()
    return found


def _latin(ch: str) -> str:
    """The Latin letter `ch` can be mistaken for (itself when none, or when it is a Latin letter already)."""
    if categories.alias(ch) == "LATIN" and ch != "I":  # capital I reads as l
        return ch
    for glyph in confusables.confusables_data.get(ch, ()):
        if all(categories.alias(c) == "LATIN" for c in glyph["c"]):
            return glyph["c"]
    return ch


def skeleton(name: str) -> str:
    """What the name looks like: its normal form with every letter replaced by the Latin one it resembles, case folded."""
    return "".join(_latin(ch) for ch in normalise(name)).casefold()


def skeletons(name: str) -> set[str]:
    """The skeleton as written and as folded to lower case first (`ALICE` reads as alice, `aIice` as allce)."""
    return {skeleton(name), skeleton(normalise(name).casefold())}


def lookalike(name: str, taken: Iterable[str]) -> str | None:
    """The taken name that `name` can be mistaken for (a skeleton in common, other letters), or None."""
    mine = skeletons(name)
    for other in taken:
        if other != name and mine & skeletons(other):
            return other
    return None


def name_problem(name: str, taken: Iterable[str] = ()) -> str | None:
    """Why `name` (already normalised) cannot be told apart from other names, in a sentence; None when it can."""
    mixed = mixed_scripts(name)
    if mixed:
        return Message(MIXED_SCRIPTS, name=name, scripts=", ".join(s.title() for s in sorted(mixed)))
    other = lookalike(name, taken)
    if other:
        return Message(LOOKS_LIKE, name=name, other=other)
    return None
