"""Cut a pasted text to what a model can read before tokenising it: a 5 M-character paste must not
cost seconds of tokenizer time and hundreds of MB for a model that reads 512 tokens."""
from __future__ import annotations

from attnviz.i18n import N_, Message


# Characters kept per token the model reads. A token never covers more than this many
# non-blank characters in any tokenizer attnviz meets (the longest vocabulary entries are ~20-30),
# so cutting at this bound loses no token that the model would have read.
CHARS_PER_TOKEN = 64
UNBOUNDED_TOKENS = 16_384  # for a model that states no limit: still far past what a capture can hold


def char_budget(max_tokens: int | None) -> int:
    """Non-blank characters to keep for a model that reads at most `max_tokens` tokens."""
    return CHARS_PER_TOKEN * (max_tokens or UNBOUNDED_TOKENS)


def cut_text(text: str, max_tokens: int | None) -> tuple[str, int]:
    """(the text's head, number of characters cut off). The head holds `char_budget` non-blank
    characters: blanks are not counted, since tokenizers such as WordPiece drop them, so a long
    run of spaces never hides words the model would read."""
    need = char_budget(max_tokens)
    if len(text) <= need:
        return text, 0
    pos = 0
    while need > 0 and pos < len(text):
        chunk = text[pos:pos + need]
        need -= len("".join(chunk.split()))  # its non-blank characters (str.split runs in C)
        pos += len(chunk)
    return text[:pos], len(text) - pos

CUT_MODEL = N_("The text is {chars} characters; this model reads at most {limit} tokens, so only the first {kept} "
               "characters were read ({cut} characters cut, {share} of the text).")
CUT_SERVER = N_("The text is {chars} characters; this server reads at most {limit} tokens per capture, so only the "
                "first {kept} characters were read ({cut} characters cut, {share} of the text).")
CUT_UNBOUNDED = N_("The text is {chars} characters; this model states no limit; attnviz reads at most {limit} tokens, "
                   "so only the first {kept} characters were read ({cut} characters cut, {share} of the text).")


def cut_note(n_chars: int, cut: int, max_tokens: int | None, by_server: bool = False) -> str:
    """What the page says when a text was cut before tokenising (`by_server`: the operator's
    token limit, not the model's, is what bounds it)."""
    note = CUT_SERVER if by_server else CUT_MODEL if max_tokens else CUT_UNBOUNDED
    return Message(note, chars=f"{n_chars:,}", limit=f"{max_tokens or UNBOUNDED_TOKENS:,}", kept=f"{n_chars - cut:,}",
                 cut=f"{cut:,}", share=f"{cut / n_chars:.0%}")
