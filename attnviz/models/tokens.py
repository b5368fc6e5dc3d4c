"""Text to token ids and ids to tokens as a person reads them, for every model family."""
from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass, field
from typing import Protocol

SPACE_MARK = "␣"
Span = tuple[int, int] | None  # a token's characters text[start:end]; None for special tokens
# A piece that continues the word before it is shown as "…iser": the word starts are the pieces without
# it, as a person reads them, the same for every tokeniser (WordPiece ##, byte-level Ġ, sentencepiece ▁).
CONTINUES = "…"
WORD_START_MARKS = ("Ġ", "▁")


def _wordlike(text: str, at: int) -> bool:
    return bool(text) and text[at].isalnum()


def mark_continuations(shown: list[str], continues: list[bool]) -> list[str]:
    """Prefix CONTINUES to each piece that continues a word (and both it and the piece before are word-like)."""
    out = []
    for i, (text, cont) in enumerate(zip(shown, continues)):
        prev = shown[i - 1] if i else ""
        if cont and i and _wordlike(text, 0) and _wordlike(prev, -1):
            text = CONTINUES + text
        out.append(text)
    return out


def continuation_flags(raw: list[str], special: list[bool]) -> list[bool]:
    """Which raw pieces continue the word before: WordPiece marks continuations (##); byte-level and
    sentencepiece vocabularies mark word starts (Ġ, ▁), so there a piece without the mark continues."""
    if any(t.startswith("##") for t in raw):
        return [t.startswith("##") and len(t) > 2 for t in raw]
    if not any(t.startswith(WORD_START_MARKS) for t in raw):
        return [False] * len(raw)  # nothing tells word starts apart here
    flags, first = [], True
    for t, sp in zip(raw, special):
        flags.append(not sp and not first and not t.startswith(WORD_START_MARKS))
        first = first and sp  # the first piece after the specials starts the text, so a word
    return flags


class Codec(Protocol):
    def encode(self, text: str) -> list[int]: ...
    def encode_with_offsets(self, text: str) -> tuple[list[int], list[Span]]: ...
    def display(self, ids: list[int]) -> list[str]: ...
    def special_ids(self) -> set[int]: ...
    def decode(self, ids: list[int]) -> str: ...


@dataclass
class CharCodec:
    """One token per character: what the from-scratch models read."""

    specials: tuple[str, ...] = ("<pad>", "<bos>", "<eos>", "<unk>")
    alphabet: str = string.digits + string.ascii_letters + string.punctuation + " "
    vocab: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.specials = tuple(self.specials)
        self.vocab = list(self.specials) + list(dict.fromkeys(self.alphabet))
        self.index = {token: i for i, token in enumerate(self.vocab)}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def id(self, token: str) -> int:
        return self.index.get(token, self.index["<unk>"])

    def unknown_id(self) -> int | None:
        return self.index.get("<unk>")

    def encode(self, text: str) -> list[int]:
        return [self.id(ch) for ch in text]

    def encode_with_offsets(self, text: str) -> tuple[list[int], list[Span]]:
        return self.encode(text), [(i, i + 1) for i in range(len(text))]

    def display(self, ids: list[int]) -> list[str]:
        shown = [self.vocab[i] if 0 <= i < len(self.vocab) else f"<{i}>" for i in ids]
        return [SPACE_MARK if token == " " else token for token in shown]

    def to_json(self) -> dict:
        return {"specials": list(self.specials), "alphabet": self.alphabet}

    def special_ids(self) -> set[int]:
        return set(range(len(self.specials)))

    def decode(self, ids: list[int]) -> str:
        return "".join(self.vocab[i] for i in ids if i >= len(self.specials))


class HFCodec:
    """A Hugging Face tokenizer, with sub-word markers (##, Ġ, ▁) cleaned for display."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    # verbose=False: a text longer than the model reads is tokenised whole and cut by capture, which says so on the
    # page; transformers' own "Token indices sequence length is longer than…" warning would only fill the server's log

    def encode(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def encode_with_offsets(self, text: str) -> tuple[list[int], list[Span]]:
        """The ids of encode() and each token's character span (fast tokenizers know them; others are searched)."""
        if getattr(self.tokenizer, "is_fast", False):
            found = self.tokenizer(text, add_special_tokens=True, return_offsets_mapping=True, verbose=False)
            # a token read from the text never has an empty span; added ones ([CLS], </s>) have (0, 0)
            return list(found["input_ids"]), [None if a == b else (int(a), int(b)) for a, b in found["offset_mapping"]]
        ids = self.encode(text)
        special = self.special_ids()
        return ids, search_spans(text, self.display(ids), [i in special for i in ids])

    def unknown_id(self) -> int | None:
        return self.tokenizer.unk_token_id  # None for byte-level tokenizers: they read every character

    def encode_target(self, text: str) -> list[int]:
        return list(self.tokenizer(text_target=text, add_special_tokens=True, verbose=False)["input_ids"])

    def display(self, ids: list[int]) -> list[str]:
        raw = [str(t) for t in self.tokenizer.convert_ids_to_tokens(ids)]
        special = [t in self.tokenizer.all_special_tokens for t in raw]
        shown = [t if sp else self._clean(t) for t, sp in zip(raw, special)]
        return mark_continuations(shown, continuation_flags(raw, special))

    def _clean(self, token: str) -> str:
        if token.startswith("##") and len(token) > 2:  # WordPiece continuation; its decoder keeps ## alone
            token = token[2:]
        try:
            text = self.tokenizer.convert_tokens_to_string([token])
        except Exception:  # some tokenizers cannot render a lone piece; show it raw
            text = token
        if text.strip() == "" and "\n" in text:
            return "↵"
        text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text.strip())
        return text if text else (SPACE_MARK if token.strip("Ġ▁ ") == "" else token)

    def special_ids(self) -> set[int]:
        return set(self.tokenizer.all_special_ids)

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids, skip_special_tokens=True)


class GlassCodec:
    """glassllm's byte-pair tokenizer: its ▁ marks a word start; a piece without it continues a word."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text)

    def encode_with_offsets(self, text: str) -> tuple[list[int], list[Span]]:
        """glassllm's pieces are consecutive substrings of the NFC text (spaces as ▁): walk them."""
        ids = self.encode(text)
        normal = unicodedata.normalize("NFC", text)
        spans: list[Span] = []
        cursor = 0
        for piece in self.tokenizer.tokens(ids):
            piece = piece.replace("▁", " ")
            if piece in ("<unk>",) or not normal.startswith(piece, cursor):
                piece = normal[cursor:cursor + 1]  # an unknown character stands for one character
            spans.append((cursor, cursor + len(piece)))
            cursor += len(piece)
        if normal != text:  # NFC composed some characters: map back onto the text as typed
            spans = _denormalise(text, spans)
        return ids, spans

    def display(self, ids: list[int]) -> list[str]:
        raw = list(self.tokenizer.tokens(ids))
        special = [i in self.special_ids() for i in ids]
        out = []
        for token in raw:
            clean = token.replace("▁", " ").strip()
            out.append(clean if clean else ("↵" if "\n" in token else SPACE_MARK))
        return mark_continuations(out, continuation_flags(raw, special))

    def special_ids(self) -> set[int]:
        return set(range(4))

    def unknown_id(self) -> int | None:
        return self.tokenizer.unk_id

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids)


def search_spans(text: str, shown: list[str], special: list[bool]) -> list[Span]:
    """Spans found by searching each shown token in the text, left to right (for tokenizers with no offsets)."""
    spans: list[Span] = []
    cursor, lower = 0, text.lower()
    for token, is_special in zip(shown, special):
        start = -1 if is_special else lower.find(token.lower(), cursor)
        spans.append(None if start < 0 else (start, start + len(token)))
        if start >= 0:
            cursor = start + len(token)
    return spans


def _denormalise(text: str, spans: list[Span]) -> list[Span]:
    """Spans over NFC(text) moved onto text: each starter and its combining marks normalise together."""
    starts = [i for i, ch in enumerate(text) if unicodedata.combining(ch) == 0] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    bounds = starts + [len(text)]
    where = [0]  # where[k]: the NFC offset at which original cluster k ends
    for a, b in zip(bounds, bounds[1:]):
        where.append(where[-1] + len(unicodedata.normalize("NFC", text[a:b])))
    def back(offset: int) -> int:
        k = next((k for k, w in enumerate(where) if w >= offset), len(where) - 1)
        return bounds[min(k, len(bounds) - 1)]
    return [None if s is None else (back(s[0]), max(back(s[1]), back(s[0]) + 1)) for s in spans]
