"""Text to token ids and ids to tokens as a person reads them, for every model family."""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Protocol

SPACE_MARK = "␣"


class Codec(Protocol):
    def encode(self, text: str) -> list[int]: ...
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

    def encode(self, text: str) -> list[int]:
        return [self.id(ch) for ch in text]

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

    def encode(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    def encode_target(self, text: str) -> list[int]:
        return list(self.tokenizer(text_target=text, add_special_tokens=True)["input_ids"])

    def display(self, ids: list[int]) -> list[str]:
        shown = []
        for token in self.tokenizer.convert_ids_to_tokens(ids):
            token = str(token)
            text = token if token in self.tokenizer.all_special_tokens else self._clean(token)
            shown.append(text)
        return shown

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
    """glassllm's byte-pair tokenizer; its ▁ space marker becomes a plain space, then is trimmed."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text)

    def display(self, ids: list[int]) -> list[str]:
        out = []
        for token in self.tokenizer.tokens(ids):
            clean = token.replace("▁", " ").strip()
            out.append(clean if clean else ("↵" if "\n" in token else SPACE_MARK))
        return out

    def special_ids(self) -> set[int]:
        return set(range(4))

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids)
