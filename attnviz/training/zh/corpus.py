"""zh-char's corpus: each source's paragraphs, split by document into training and held-out text."""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

from attnviz.models.languages import is_chinese
from attnviz.training.zh.extract import PROSE_IDEOGRAPHS, READERS
from attnviz.training.zh.sources import SOURCES, Source, files

HELDOUT_ONE_IN = 20  # one document in 20 is held out


@dataclass
class Split:
    train: list[str] = field(default_factory=list)
    heldout: list[str] = field(default_factory=list)
    chars: dict[str, tuple[int, int]] = field(default_factory=dict)  # package -> (training, held-out) characters


def _held_out(key: str) -> bool:
    return zlib.crc32(key.encode("utf-8")) % HELDOUT_ONE_IN == 0


def units(tree: Path, source: Source) -> list[tuple[str, list[str]]]:
    """(document key, its Chinese paragraphs): a file for pages and manuals, an entry for fortune files."""
    out = []
    for path in files(tree, source):
        paragraphs = [p for p in READERS[source.kind](path) if is_chinese(p, min_ideographs=PROSE_IDEOGRAPHS)]
        key = f"{source.package}/{path.relative_to(tree)}"
        if source.kind == "fortune":
            out += [(f"{key}#{p}", [p]) for p in paragraphs]
        else:
            out.append((key, paragraphs))
    return out


def split(trees: dict[str, Path], sources: tuple[Source, ...] = SOURCES) -> Split:
    """Training and held-out paragraphs, each once; a held-out paragraph that also occurs in training is dropped."""
    out = Split()
    seen: set[str] = set()
    held: list[tuple[str, str]] = []
    for source in sources:
        n_train = 0
        for key, paragraphs in units(trees[source.package], source):
            if _held_out(key):
                held += [(source.package, p) for p in paragraphs]
                continue
            for p in paragraphs:
                if p not in seen:
                    seen.add(p)
                    out.train.append(p)
                    n_train += len(p)
        out.chars[source.package] = (n_train, 0)
    kept: set[str] = set()
    for package, p in held:
        if p not in seen and p not in kept:
            kept.add(p)
            out.heldout.append(p)
            n_train, n_held = out.chars[package]
            out.chars[package] = (n_train, n_held + len(p))
    return out
