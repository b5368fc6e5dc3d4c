"""Two tokenisations of two texts aligned by the characters they cover: the coarsest units both agree on.

A word split in two by one tokeniser and kept whole by the other becomes one unit holding the two
pieces on one side and the whole word on the other. Where the texts differ ("he" / "she"), the
differing characters join the tokens around them into one "changed" unit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from attnviz.i18n import Message

Span = tuple[int, int] | None


@dataclass(frozen=True)
class Unit:
    """One cell of the aligned grid: the tokens of A and of B that cover the same characters."""

    a: tuple[int, ...]  # token positions in A
    b: tuple[int, ...]  # token positions in B
    label: str  # what a person reads: the characters, "he→she" where the texts differ, or the special tokens
    kind: str  # "same" (identical characters), "changed" (the texts differ here) or "special" ([CLS], <s>, …)
    span_a: Span = None
    span_b: Span = None


@dataclass
class Alignment:
    units: list[Unit]
    unaligned_a: list[int] = field(default_factory=list)  # tokens of A with no counterpart in B
    unaligned_b: list[int] = field(default_factory=list)
    shared_chars: int = 0  # non-space characters the two texts have in common (in matching runs)

    @property
    def comparable(self) -> bool:
        """True when the grid holds text both panes read (not only special tokens)."""
        return self.shared_chars > 0 and any(u.kind != "special" for u in self.units)


    def reason(self) -> str:
        """Why there is no difference map, as a Message (said in the page's language; empty when there is one)."""
        if self.comparable:
            return ""
        return Message("The two texts have no characters in common, so no token of A covers the same text as a token of B: there is nothing to subtract, and the panes are shown side by side without a difference map.")

    def to_json(self) -> list[dict]:
        return [{"a": list(u.a), "b": list(u.b), "span_a": list(u.span_a) if u.span_a else None,
                 "span_b": list(u.span_b) if u.span_b else None, "label": u.label, "kind": u.kind}
                for u in self.units]


class _Groups:
    """Union-find over token nodes ("a", i) / ("b", j) and character segments."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, x, y) -> None:
        self.parent[self.find(x)] = self.find(y)


def _segments(text_a: str, text_b: str) -> tuple[list, list, int]:
    """A segment id per character of each text (None: only one text has it) and the shared non-space count.

    Matching runs give each character its own segment, so the finer tokenisation is kept there; a
    replaced run is one segment on both sides (the changed word aligns with the word it replaced).
    """
    seg_a: list = [None] * len(text_a)
    seg_b: list = [None] * len(text_b)
    shared, next_id = 0, 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, text_a, text_b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                seg_a[i1 + k] = seg_b[j1 + k] = next_id
                next_id += 1
            shared += sum(not c.isspace() for c in text_a[i1:i2])
        elif tag == "replace":
            seg_a[i1:i2] = [next_id] * (i2 - i1)
            seg_b[j1:j2] = [next_id] * (j2 - j1)
            next_id += 1
    return seg_a, seg_b, shared


def _edge_specials(spans: list[Span]) -> tuple[list[int], list[int]]:
    """Tokens without characters before the first and after the last token with characters."""
    spanned = [i for i, s in enumerate(spans) if s is not None]
    if not spanned:
        return list(range(len(spans))), []
    return list(range(spanned[0])), list(range(spanned[-1] + 1, len(spans)))


def _cover(spans: list[Span], members: list[int]) -> Span:
    inside = [spans[i] for i in members if spans[i] is not None]
    return (min(s[0] for s in inside), max(s[1] for s in inside)) if inside else None


def read_extent(spans: list[Span]) -> int:
    """Characters of a text that its tokens cover: the end of the last token's span (0 without one)."""
    return max((s[1] for s in spans if s is not None), default=0)


def read_part(text: str, spans: list[Span]) -> str:
    """The part of `text` the model read: a pasted text may run far past the tokens the model keeps,
    and everything here walks characters (the diff is quadratic in them), so nothing past it is walked."""
    return text[:read_extent(spans)]


def align(text_a: str, spans_a: list[Span], text_b: str, spans_b: list[Span],
          tokens_a: list[str] | None = None, tokens_b: list[str] | None = None) -> Alignment:
    """Align the tokens of A (characters `spans_a` of `text_a`) with those of B by the characters they cover.

    Only the characters the tokens cover are walked (read_part): the work is bounded by the tokens each
    model reads, never by the length of what was pasted."""
    text_a, text_b = read_part(text_a, spans_a), read_part(text_b, spans_b)
    seg_a, seg_b, shared = _segments(text_a, text_b)
    groups = _Groups()
    changed: set = set()
    for side, spans, seg, text in (("a", spans_a, seg_a, text_a), ("b", spans_b, seg_b, text_b)):
        for i, span in enumerate(spans):
            node = (side, i)
            groups.find(node)
            if span is None:
                continue
            for c in range(span[0], span[1]):
                if seg[c] is None:
                    if not text[c].isspace():
                        changed.add(node)  # characters only this text has
                    continue
                groups.join(node, ("seg", seg[c]))
    members: dict = {}
    for side, spans in (("a", spans_a), ("b", spans_b)):
        for i, span in enumerate(spans):
            if span is not None:
                members.setdefault(groups.find((side, i)), {"a": [], "b": []})[side].append(i)
    units: list[Unit] = []
    for group in members.values():
        a, b = sorted(group["a"]), sorted(group["b"])
        if not a or not b:
            continue
        sa, sb = _cover(spans_a, a), _cover(spans_b, b)
        ta, tb = text_a[sa[0]:sa[1]].strip(), text_b[sb[0]:sb[1]].strip()
        is_changed = ta != tb or any(("a", i) in changed for i in a) or any(("b", j) in changed for j in b)
        units.append(Unit(tuple(a), tuple(b), f"{ta}→{tb}" if ta != tb else ta, "changed" if is_changed else "same",
                          sa, sb))
    for edge in (0, 1):  # leading specials ([CLS], <s>) with leading, trailing ([SEP], </s>) with trailing
        a, b = _edge_specials(spans_a)[edge], _edge_specials(spans_b)[edge]
        if a and b:
            name_a = " ".join(tokens_a[i] for i in a) if tokens_a else "⟨start⟩" if edge == 0 else "⟨end⟩"
            name_b = " ".join(tokens_b[i] for i in b) if tokens_b else name_a
            units.append(Unit(tuple(a), tuple(b), name_a if name_a == name_b else f"{name_a}|{name_b}", "special"))
    units.sort(key=lambda u: (u.a[0], u.b[0]))
    in_a = {i for u in units for i in u.a}
    in_b = {j for u in units for j in u.b}
    return Alignment(units, [i for i in range(len(spans_a)) if i not in in_a],
                     [j for j in range(len(spans_b)) if j not in in_b], shared)
