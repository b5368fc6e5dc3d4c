"""Presentation mode hides the sidebar: no string the page shows may send the audience there (English, 简体中文)."""
import re

import pytest

from apphelpers import assert_clean, open_page
from catalogue_check import shown

from attnviz.i18n.catalogues import PRESENT
from attnviz.i18n.tools import TEMPLATE, _read, po_path
from attnviz.app.state import compare, explorer, home, positions, sidebar, worked_example

SIDEBAR = re.compile(r"sidebar|侧边栏|侧栏", re.IGNORECASE)
# each page in a state that shows its sidebar-naming strings when not presenting
PAGES = {"home": (home, {}),
         "home, empty text": (home, {sidebar.TEXT: ""}),
         "positional (minilm: not rotary)": (positions, {}),
         "worked example, a real cell": (worked_example, {worked_example.REAL: True}),
         "compare": (compare, {}),
         "explorer, Generate (minilm: not causal)": (explorer, {explorer.VIEW: "Generate"})}


def _mentions(lang: str, present: bool) -> dict[str, list[str]]:
    out = {}
    for name, (page, state) in PAGES.items():
        at = open_page(page, {sidebar.LANG: lang, sidebar.PRESENT: present, **state})
        assert_clean(at)
        out[name] = [s for s in shown(at.main) if SIDEBAR.search(s)]  # the hidden sidebar may name itself
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presenting_no_shown_string_points_to_the_hidden_sidebar(lang):
    assert _mentions(lang, present=True) == {name: [] for name in PAGES}


def test_the_same_pages_name_the_sidebar_when_it_is_there():
    # the check above sees these strings: outside presentation mode they are on the pages
    found = _mentions("zh", present=False)
    assert found["home"] and found["home, empty text"] and found["positional (minilm: not rotary)"]
    assert found["worked example, a real cell"] and found["explorer, Generate (minilm: not causal)"]


def test_every_presentation_wording_belongs_to_a_message_and_names_no_sidebar():
    template = {m.id for m in _read(TEMPLATE) if not m.context}
    for lang in ("en", "zh"):
        wordings = [m for m in _read(po_path(lang)) if m.context == PRESENT]
        assert len(wordings) >= 10
        for m in wordings:
            assert m.id in template, m.id  # the message it stands in for is one the code says
            assert m.string and not SIDEBAR.search(m.string), (lang, m.id)
