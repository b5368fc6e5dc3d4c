"""A near miss of a bundled model's name (`minlm`, `glasllm`) is named before the hub is asked about it."""
from __future__ import annotations

from collections.abc import Iterable

from attnviz.i18n import N_

DID_YOU_MEAN = N_("`{spec}` is not a model attnviz knows. Did you mean `{name}`?")
ALIASES = {"glassllm": "glassllm-en"}  # a family's name alone means its default model


def edits(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment): insertions, deletions, substitutions and
    swaps of two neighbours, each one edit."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def allowed_edits(name: str) -> int:
    """Edits a typed name may be away from `name` and still be taken for it: one per four letters, at least one."""
    return max(1, len(name) // 4)


def near_miss(spec: str, names: Iterable[str]) -> str | None:
    """The bundled model `spec` was probably meant to name, or None (an exact name, a path, a hub id `org/name`,
    or nothing close). Case and a family name alone count as near misses: `MiniLM` → minilm, `glassllm` →
    glassllm-en."""
    names = list(names)
    typed = spec.strip()
    if not typed or typed in names or "/" in typed or "\\" in typed or typed.startswith((".", "~")):
        return None
    typed = typed.lower()
    best, best_edits = None, None
    for candidate in [*names, *ALIASES]:
        n = edits(typed, candidate)
        if n <= allowed_edits(candidate) and (best_edits is None or n < best_edits):
            best, best_edits = ALIASES.get(candidate, candidate), n
    return best if best in names else None
