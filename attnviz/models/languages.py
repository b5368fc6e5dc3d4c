"""Which script a text is written in, as far as choosing a model goes: is it Chinese?"""
from __future__ import annotations

CHINESE_SHARE = 0.3  # a text is Chinese when at least this share of its visible characters are CJK ideographs


def is_ideograph(ch: str) -> bool:
    """A CJK ideograph: the unified block or extension A."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF


def is_cjk(ch: str) -> bool:
    """A CJK ideograph (the unified block and extension A) or CJK / full-width punctuation."""
    o = ord(ch)
    return is_ideograph(ch) or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF


def ideographs(text: str) -> int:
    return sum(1 for ch in text if is_ideograph(ch))


def is_chinese(text: str, min_ideographs: int = 1, min_share: float = CHINESE_SHARE) -> bool:
    """Whether a text is Chinese: at least `min_ideographs` ideographs, and ideographs at least `min_share` of its
    visible characters (so a Chinese word in an English sentence, or a command line in Chinese prose, does not
    decide it)."""
    visible = sum(1 for ch in text if not ch.isspace())
    n = ideographs(text)
    return n >= max(min_ideographs, 1) and n >= min_share * max(visible, 1)
