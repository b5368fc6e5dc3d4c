"""Presentation mode hides the sidebar: no string the page shows may send the audience there (English, 简体中文)."""
import re

import pytest

from apphelpers import assert_clean, open_page
from catalogue_check import shown
from attnviz.i18n.catalogue import CATALOGUES
from attnviz.app.shell.language import PRESENT

SIDEBAR = re.compile(r"sidebar|侧边栏|侧栏", re.IGNORECASE)
# each page in a state that shows its sidebar-naming strings when not presenting
PAGES = {"home": ("attnviz/app/pages/home.py", {}),
         "home, empty text": ("attnviz/app/pages/home.py", {"sb_text": ""}),
         "positional (minilm: not rotary)": ("attnviz/app/pages/positions.py", {}),
         "worked example, a real cell": ("attnviz/app/pages/worked_example.py", {"toy_real": True}),
         "compare": ("attnviz/app/pages/compare/page.py", {}),
         "explorer, Generate (minilm: not causal)": ("attnviz/app/pages/explorer.py", {"ex_view": "Generate"})}


def _mentions(lang: str, present: bool) -> dict[str, list[str]]:
    out = {}
    for name, (page, state) in PAGES.items():
        at = open_page(page, sb_lang=lang, sb_present=present, **state)
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


def test_every_presentation_variant_has_its_normal_string_and_no_sidebar():
    for lang, strings in CATALOGUES.items():
        variants = [k for k in strings if k.endswith(PRESENT)]
        assert len(variants) >= 10
        for key in variants:
            assert key[:-len(PRESENT)] in strings, key
            assert not SIDEBAR.search(strings[key]), (lang, key)
