"""Messages from below the pages: an English sentence (the command line's) that keeps its catalogue key.

The training and survey packages never import Streamlit and do not know the page's language. They
say what went wrong as Keyed(key, **fmt): a str, so the command line, logs and exceptions read the
English sentence as before, while a page shows the same message in its own language with say().
"""
from __future__ import annotations

from attnviz.i18n.catalogue import DEFAULT, lookup, variant_of


class Keyed(str):
    """The English text of catalogue `key` formatted with `fmt`; remembers both to say it in another language."""

    key: str
    fmt: dict

    def __new__(cls, key: str, **fmt) -> Keyed:
        text = super().__new__(cls, lookup(DEFAULT, key, **fmt))
        text.key, text.fmt = key, fmt
        return text

    def __reduce__(self):  # pickled by key, not by its English text (str's default would lose the key)
        return _rebuild, (self.key, self.fmt)

    def __add__(self, other: str) -> str:  # plain concatenation is English only: say so in the type
        return str(self) + other


def _rebuild(key: str, fmt: dict) -> Keyed:
    return Keyed(key, **fmt)


def joined(key: str, items: list) -> str:
    """Items joined by catalogue `key` ("{first}; {rest}" and its translation), nested so that each
    item, a Keyed or plain data, keeps its own language when said."""
    if len(items) == 1:
        return items[0]
    return Keyed(key, first=items[0], rest=joined(key, items[1:]))


def say(message: object, lang: str, variant: str = "") -> str:
    """`message` in `lang`: a Keyed (or an exception whose message is one, or a Keyed inside a placeholder)
    in that language; any other text as it is. variant: a key suffix preferred where the catalogue has it
    (".present": the wording for presentation mode, which hides the sidebar)."""
    if isinstance(message, BaseException):
        message = message.args[0] if len(message.args) == 1 and isinstance(message.args[0], Keyed) else str(message)
    if isinstance(message, Keyed):
        return lookup(lang, variant_of(lang, message.key, variant), **{k: say(v, lang, variant) if isinstance(v, Keyed) else v
                                    for k, v in message.fmt.items()})
    return str(message)
