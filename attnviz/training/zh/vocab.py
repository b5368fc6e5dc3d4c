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


def gb2312_hanzi() -> str:
    """The 6,763 Chinese characters of GB 2312 (levels 1 and 2: the common simplified characters), in code order."""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:  # the few unassigned codes at the end of level 1
                continue
    return "".join(chars)


def extended(alphabet_: str, paragraphs: list[str]) -> str:
    """alphabet_ with, appended (so that every existing id stays), every other character of the training text
    and every GB 2312 character: no common simplified character is unknown, even one the corpus lacks."""
    seen = "".join(dict.fromkeys(ch for p in paragraphs for ch in p if ch.isprintable()))
    return "".join(dict.fromkeys(alphabet_ + seen + gb2312_hanzi()))
