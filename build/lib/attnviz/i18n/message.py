"""A message for a person, said later: English (the command line's words) until a page says it in its language.

The package never knows the page's language. It raises and notes its messages as Message(msgid, **fmt): a str
whose value is the English sentence, so the command line, logs and exceptions read as before, while say()
gives the same message in the active language (attnviz.i18n.active), with what varies filled in.
"""
from __future__ import annotations

from attnviz.i18n.active import DEFAULT, active, presenting
from attnviz.i18n.catalogues import lookup, lookup_plural


class Message(str):
    """The English text of `msgid` formatted with `fmt`; keeps both (and any context or plural) to say it later.

    Marked for extraction: Message("…"), Message.presentable("…"), Message.in_context("ctx", "…"),
    Message.plural("…", "…", n).
    """

    msgid: str
    fmt: dict
    context: str | None
    plural_form: tuple[str, int] | None

    def __new__(cls, msgid: str, /, **fmt) -> Message:
        return cls._make(msgid, fmt)

    @classmethod
    def _make(cls, msgid: str, fmt: dict, context: str | None = None,
              plural: tuple[str, int] | None = None) -> Message:
        text = plural[0] if plural and plural[1] != 1 else msgid
        self = super().__new__(cls, _format(text, fmt, DEFAULT))
        self.msgid, self.fmt, self.context, self.plural_form = msgid, fmt, context, plural
        return self

    @classmethod
    def presentable(cls, msgid: str, /, **fmt) -> Message:
        """A message that has a presentation wording (the catalogues' context "present"): said with it when presenting."""
        return cls._make(msgid, fmt)

    @classmethod
    def in_context(cls, context: str, msgid: str, /, **fmt) -> Message:
        """A message whose English has other senses elsewhere: translated in its own context."""
        return cls._make(msgid, fmt, context=context)

    @classmethod
    def plural(cls, singular: str, plural: str, n: int, /, **fmt) -> Message:
        """One of two forms by the number `n` (ngettext): each language has its own plural rule."""
        return cls._make(singular, fmt, plural=(plural, n))

    def said(self, lang: str | None = None) -> str:
        """This message in `lang` (default: the active language)."""
        lang = lang or active()
        if self.plural_form:
            text = lookup_plural(lang, self.msgid, self.plural_form[0], self.plural_form[1], self.context)
        else:
            text = lookup(lang, self.msgid, self.context, presenting())
        return _format(text, self.fmt, lang)

    def __reduce__(self):  # pickled by msgid, not by its English text (str's default would lose the msgid)
        return _rebuild, (self.msgid, self.fmt, self.context, self.plural_form)

    def __add__(self, other: str) -> str:  # plain concatenation is English only: say so in the type
        return str(self) + other


def _rebuild(msgid: str, fmt: dict, context: str | None, plural: tuple[str, int] | None) -> Message:
    return Message._make(msgid, fmt, context, plural)


def _format(text: str, fmt: dict, lang: str) -> str:
    if not fmt:
        return text
    return text.format(**{k: v.said(lang) if isinstance(v, Message) else v for k, v in fmt.items()})


def joined(template: str, items: list) -> str:
    """Items joined by `template` ("{first}, {rest}" and its translation), nested so that each item, a Message
    or plain data, keeps its own language when said."""
    if len(items) == 1:
        return items[0]
    return Message(template, first=items[0], rest=joined(template, items[1:]))


def say(message: object, lang: str | None = None) -> str:
    """`message` in `lang` (default: the active language): a Message (or an exception whose one argument is one)
    in that language; any other text as it is."""
    if isinstance(message, BaseException):
        message = message.args[0] if len(message.args) == 1 and isinstance(message.args[0], Message) else str(message)
    if isinstance(message, Message):
        return message.said(lang)
    return str(message)


def is_message(exc: BaseException) -> bool:
    """True when the error's message is a Message (the package's own words, in the catalogues)."""
    return len(exc.args) == 1 and isinstance(exc.args[0], Message)
