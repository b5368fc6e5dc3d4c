"""The translator's tools, on Babel: extract the messages from the code, update the catalogues, compile, check.

    python -m attnviz.i18n extract   # attnviz/i18n/locale/attnviz.pot from the code's t("…"), Message("…"), …
    python -m attnviz.i18n update    # merge the template into every language's .po (a changed message turns fuzzy)
    python -m attnviz.i18n compile   # .po -> .mo (what the app reads)
    python -m attnviz.i18n check     # fails on a message not extracted, untranslated, fuzzy, obsolete, stale .mo,
                                     # or a translation whose {placeholders} differ from the English

The same as pybabel with its keyword list, plus one rule: a message marked tp("…") or Message.presentable("…")
is also extracted in the message context "present", where the catalogues keep its presentation wording.
"""
from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from attnviz.i18n.catalogues import DOMAIN, LOCALE, PRESENT

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
LANGS = ("en", "zh")
BABEL_LOCALES = {"en": "en", "zh": "zh_Hans_CN"}
PRESENTABLE = ("tp", "presentable")  # their messages are extracted in the context "present" as well
KEYWORDS = {
    "t": None, "tp": None, "tr": None, "N_": None, "Message": None, "presentable": None, "joined": None,
    "tc": ((1, "c"), 2), "in_context": ((1, "c"), 2), "_present": ((1, "c"), 2),
    "tn": (1, 2), "plural": (1, 2),
    "translate": (2,),
}
PLACEHOLDER = re.compile(r"\{(\w+)[^{}]*\}")


def extract_attnviz(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel's Python extractor, and for a presentable message a second entry in the context "present"."""
    for lineno, funcname, messages, comments in extract_python(fileobj, keywords, comment_tags, options):
        yield lineno, funcname, messages, comments
        if funcname in PRESENTABLE:
            message = messages if isinstance(messages, str) else messages[0]
            yield lineno, "_present", (PRESENT, message), comments


def template() -> Catalog:
    """Every message the code says, from attnviz/ (the app, the package, the figures)."""
    catalog = Catalog(project="attnviz", domain=DOMAIN, charset="utf-8")
    method_map = [("**/i18n/**.py", "ignore"), ("**.py", "attnviz.i18n.tools:extract_attnviz")]
    # Babel writes a warning for every f-string passed as a format value (t("…", n=f"{n:,}")): values, not messages
    with contextlib.redirect_stderr(io.StringIO()):
        found = list(extract_from_dir(PACKAGE, method_map, keywords=KEYWORDS, comment_tags=("i18n:",),
                                      strip_comment_tags=True))
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(f"attnviz/{filename}", lineno)], auto_comments=comments, context=context,
                    flags=("python-brace-format",) if "{" in (message if isinstance(message, str) else message[0])
                    else ())
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale, domain=DOMAIN)


def _write(path: Path, catalog: Catalog, template_like: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, ignore_obsolete=False,
             include_previous=True, include_lineno=False)
    path.write_bytes(buffer.getvalue())


def extract() -> Catalog:
    catalog = template()
    _write(TEMPLATE, catalog)
    return catalog


def update() -> None:
    """Merge the template into each language: new messages added, changed ones fuzzy (their old translation kept
    for review), removed ones dropped."""
    tmpl = _read(TEMPLATE)
    for lang in LANGS:
        path = po_path(lang)
        catalog = _read(path, BABEL_LOCALES[lang]) if path.exists() else Catalog(locale=BABEL_LOCALES[lang],
                                                                               domain=DOMAIN)
        # English keeps only presentation wordings: guessing one for a new message would be noise
        catalog.update(tmpl, no_fuzzy_matching=lang == "en", update_header_comment=False)
        catalog.obsolete.clear()  # what fuzzy matching could carry over, it did (as pybabel update --ignore-obsolete)
        _write(path, catalog)


def mo_bytes(lang: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, _read(po_path(lang), BABEL_LOCALES[lang]), use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogues() -> None:
    for lang in LANGS:
        po_path(lang).with_suffix(".mo").write_bytes(mo_bytes(lang))


def _ids(catalog: Catalog) -> set[tuple]:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}


def problems() -> list[str]:
    """What is wrong with the catalogues, as sentences for a translator (empty: all is well)."""
    out = []
    code, kept = _ids(template()), _ids(_read(TEMPLATE))
    for ctx, msgid in sorted(code - kept, key=str)[:20]:
        out.append(f"not in the template (run extract and update): {ctx or ''} {msgid!r}")
    for _ctx, msgid in sorted(code, key=str):
        text = msgid if isinstance(msgid, str) else msgid[0]
        if text and not PLACEHOLDER.sub("", text).strip():
            out.append(f"a message of placeholders and spaces only says nothing a translator can place: {text!r}")
    for ctx, msgid in sorted(kept - code, key=str)[:20]:
        out.append(f"in the template but no longer in the code (run extract and update): {ctx or ''} {msgid!r}")
    for lang in LANGS:
        catalog = _read(po_path(lang), BABEL_LOCALES[lang])
        if _ids(catalog) != kept:
            out.append(f"{lang}: its messages differ from the template's (run update)")
        for message in catalog:
            if not message.id:
                continue
            name = f"{lang}: {message.context + ' | ' if message.context else ''}{message.id!r}"
            if message.fuzzy:
                out.append(f"{name} is fuzzy: its English changed; review the translation and drop the fuzzy flag")
            strings = [s for s in (message.string if isinstance(message.string, (list, tuple)) else [message.string])]
            needed = lang != "en" or message.context == PRESENT
            if needed and not all(strings):
                out.append(f"{name} is not translated")
            english = message.id if isinstance(message.id, str) else message.id[-1]
            # a presentation wording may name what its msgid leaves to the hidden sidebar: the call passes it
            for s in strings if message.context != PRESENT else []:
                if s and set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(english)):
                    out.append(f"{name}: the translation's placeholders differ from the English")
        if catalog.obsolete:
            out.append(f"{lang}: {len(catalog.obsolete)} obsolete messages (remove them: #~ lines)")
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != mo_bytes(lang):
            out.append(f"{lang}: {mo.name} is not compiled from its .po (run compile)")
    return out


def main(argv: list[str] | None = None) -> int:
    command = (argv if argv is not None else sys.argv[1:] or ["check"])[0]
    if command == "extract":
        print(f"{len(extract())} messages in {TEMPLATE.relative_to(PACKAGE.parent)}")
    elif command == "update":
        update()
    elif command == "compile":
        compile_catalogues()
    elif command == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0
