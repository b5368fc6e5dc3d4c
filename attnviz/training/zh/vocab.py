"""zh-char's alphabet: the corpus's characters seen often enough, every character of the seeds' Chinese
sentences, ASCII (digits, letters, punctuation, space) and the common Chinese punctuation."""
from __future__ import annotations

import string
from collections import Counter
from pathlib import Path

SEED_CHARS = Path(__file__).with_name("seed_chars.txt")  # every character of the project's seed articles
ZH_PUNCTUATION = "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·～￥％"
ASCII = string.digits + string.ascii_letters + string.punctuation + " "


def seed_characters() -> str:
    return "".join(ch for ch in SEED_CHARS.read_text(encoding="utf-8") if not ch.isspace() or ch == " ")


def alphabet(paragraphs: list[str], min_count: int = 3) -> str:
    """The alphabet in a stable order: ASCII, Chinese punctuation, the seeds' characters, then the corpus's
    other characters seen at least min_count times, most frequent first (ties by code point)."""
    counts = Counter(ch for p in paragraphs for ch in p)
    fixed = ASCII + ZH_PUNCTUATION + seed_characters()
    frequent = sorted((ch for ch, n in counts.items() if n >= min_count and ch.isprintable()),
                      key=lambda ch: (-counts[ch], ord(ch)))
    return "".join(dict.fromkeys(fixed + "".join(frequent)))
