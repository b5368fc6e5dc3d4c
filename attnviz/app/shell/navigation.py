"""The pages of the app, in the order the navigation lists them, and the router that runs one."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from attnviz.app.shell.language import t

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"


@dataclass(frozen=True)
class PageEntry:
    """One page: its file under attnviz/app/pages, its title's catalogue key, its icon and its address."""

    file: str
    title: str
    icon: str
    url_path: str  # "" for the home page

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


PAGES: dict[str, PageEntry] = {
    "home": PageEntry("home.py", "nav.home", ":material/home:", ""),
    "lesson": PageEntry("lesson.py", "nav.lesson", ":material/school:", "lesson"),
    "explorer": PageEntry("explorer.py", "nav.explorer", ":material/grid_view:", "explorer"),
    "compare": PageEntry("compare/page.py", "nav.compare", ":material/compare_arrows:", "compare"),
    "worked_example": PageEntry("worked_example.py", "nav.worked_example", ":material/calculate:", "worked-example"),
    "positions": PageEntry("positions.py", "nav.positions", ":material/straighten:", "positions"),
    "training": PageEntry("training/page.py", "nav.training", ":material/model_training:", "training"),
    "survey": PageEntry("survey.py", "nav.survey", ":material/query_stats:", "survey"),
}


def page(name: str) -> st.Page:
    """The st.Page of one of PAGES (for st.navigation and st.switch_page)."""
    entry = PAGES[name]
    extra = {"default": True} if not entry.url_path else {"url_path": entry.url_path}
    return st.Page(entry.path, title=t(entry.title), icon=entry.icon, **extra)


def switch_to(name: str) -> None:
    """Open another page of the app (st.switch_page with the page's own entry)."""
    st.switch_page(page(name))


def run() -> None:
    """Route this run to the page its address names."""
    st.navigation([page(name) for name in PAGES]).run()
