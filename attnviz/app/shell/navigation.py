"""The pages of the app, in the order the navigation lists them, and the router that runs one."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from attnviz.app.state import compare, explorer, home, lesson, needle, positions, survey, training, worked_example
from attnviz.i18n import N_, t

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"


@dataclass(frozen=True)
class PageEntry:
    """One page: its file under attnviz/app/pages, its title (a msgid), its icon, its address, and whether it
    shows the sidebar's model and text (presentation mode's bar then offers them)."""

    file: str
    title: str
    icon: str
    url_path: str  # "" for the home page
    reads_sidebar: bool = False

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


# by the name each page's state module gives it (its PAGE), in the order the navigation lists them
PAGES: dict[str, PageEntry] = {
    home.PAGE: PageEntry("home.py", N_("Home"), ":material/home:", "", reads_sidebar=True),
    lesson.PAGE: PageEntry("lesson.py", N_("Guided lesson"), ":material/school:", "lesson"),  # its own texts
    explorer.PAGE: PageEntry("explorer/page.py", N_("Explorer"), ":material/grid_view:", "explorer", reads_sidebar=True),
    compare.PAGE: PageEntry("compare/page.py", N_("Compare"), ":material/compare_arrows:", "compare"),  # its panes'
    worked_example.PAGE: PageEntry("worked_example.py", N_("Worked example"), ":material/calculate:", "worked-example",
                                   reads_sidebar=True),  # its real model's cell
    positions.PAGE: PageEntry("positions.py", N_("Positional encodings"), ":material/straighten:", "positions",
                              reads_sidebar=True),
    training.PAGE: PageEntry("training/page.py", N_("Training lab"), ":material/model_training:", "training"),
    survey.PAGE: PageEntry("survey.py", N_("Survey"), ":material/query_stats:", "survey"),
    needle.PAGE: PageEntry("needle.py", N_("Needle in a haystack"), ":material/search:", "needle"),
}


def page(name: str) -> st.Page:
    """The st.Page of one of PAGES, by its name (a state module's PAGE), for st.navigation and st.switch_page."""
    entry = PAGES[name]
    extra = {"default": True} if not entry.url_path else {"url_path": entry.url_path}
    return st.Page(entry.path, title=t(entry.title), icon=entry.icon, **extra)


def switch_to(name: str) -> None:
    """Open another page of the app (st.switch_page with the page's own entry)."""
    st.switch_page(page(name))


def router() -> st.Page:
    """The page this run's address names (st.navigation: call its run() to draw it)."""
    return st.navigation([page(name) for name in PAGES])


def name_of(current: st.Page) -> str | None:
    """The name (a state module's PAGE) of the page st.navigation picked, by its address."""
    return next((name for name, entry in PAGES.items() if entry.url_path == current.url_path), None)


def run() -> None:
    """Route this run to the page its address names."""
    router().run()
