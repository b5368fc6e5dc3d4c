"""Every string a person reads: English in the code, other languages in gettext catalogues (locale/).

The bottom layer: no torch, no Streamlit. Pages and figures say words now with t("…") (tc, tn, tp: with a
context, a plural, a presentation wording); the package says them later with Message("…"), which a page shows
with say(). The active language is set per run (use, language) and read by all of them.
"""
from attnviz.i18n.active import DEFAULT, LANGUAGES, active, language, presenting, speaks, use
from attnviz.i18n.message import Message, is_message, joined, say
from attnviz.i18n.speak import N_, fixed, t, tc, tn, tp, translate

__all__ = ["DEFAULT", "LANGUAGES", "Message", "N_", "active", "fixed", "is_message", "joined", "language",
           "presenting", "say", "speaks", "t", "tc", "tn", "tp", "translate", "use"]
