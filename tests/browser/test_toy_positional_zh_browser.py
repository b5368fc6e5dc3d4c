"""The worked example and the positional encodings at 1280×720: in 简体中文, and in presentation mode in both
languages. Screenshots go to artifacts/ to be looked at (Chinese glyphs, nothing cut off)."""
import pytest
from playwright.sync_api import expect

from attnviz.lessons.worked_example import SEED_NOTES
from attnviz.i18n import translate
from apphelpers import link_query
from pw import ARTIFACTS, settled

from attnviz.app.state import sidebar

POSITIONAL_TABS = ("sinusoidal", "learned", "rotary", "used", "effect")


def _ready(page, heading: str) -> None:
    page.get_by_role("heading", name=heading).first.wait_for(timeout=120000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120000)
    settled(page)  # let the figures finish drawing before the screenshot


def _shoot_sections(page, name: str, headings: list[str]) -> None:
    """One screenshot a section: scrolled so that its heading is at the top of the 720-pixel screen."""
    for i, heading in enumerate(headings):
        page.get_by_role("heading", name=heading).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        settled(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}_{i}.png"))


def _no_error(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


# Chinese, as a page and presented (English presented is the same layout; the lesson tests present English)
@pytest.mark.parametrize("lang,present", [("zh", False), ("zh", True)])
def test_worked_example(server, projector, lang, present):
    projector.goto(f"{server}/worked-example?" + link_query({sidebar.LANG: lang, sidebar.PRESENT: present or None}))
    _ready(projector, translate(lang, "Worked example: attention by hand"))
    _no_error(projector)
    sidebar_shown = expect(projector.locator('[data-testid="stSidebar"]'))
    sidebar_shown.to_be_hidden() if present else sidebar_shown.to_be_visible()
    name = f"toy_{lang}" + ("_presented" if present else "")
    projector.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    headers = ["Step by step", "One cell, worked out", "Why divide by √d_k?", "Common mistakes", "What the article gets wrong"]
    _shoot_sections(projector, name, [translate(lang, h) for h in headers])
    if lang == "zh":
        note = translate("zh", SEED_NOTES["seed-001"][0])
        assert projector.get_by_text(note.split("：")[1][:20]).count() >= 1


# Chinese, as a page and presented (English presented is the same layout; the lesson tests present English)
@pytest.mark.parametrize("lang,present", [("zh", False), ("zh", True)])
def test_positional_encodings(server, projector, lang, present):
    projector.goto(f"{server}/positions?" + link_query({sidebar.LANG: lang, sidebar.PRESENT: present or None}))
    _ready(projector, translate(lang, "Positional encodings"))
    _no_error(projector)
    name = f"positions_{lang}" + ("_presented" if present else "")
    projector.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    _shoot_sections(projector, name, [translate(lang, h) for h in ("Dimensions as waves", "Similarity depends on distance only",
                                                                   "A shift is a rotation")])
    markers = {"learned": translate(lang, "**Cosine similarity of positions**").strip("*"),
               "used": translate(lang, "Bias by distance"),
               "effect": translate(lang, "In the worked example"),
               "rotary": translate(lang, "q·k against relative distance")}
    tabs = {"learned": "Learned", "used": "What the model used", "effect": "Effect on attention", "rotary": "Rotary (RoPE)"}
    for tab in ("learned", "used", "effect", "rotary") if present else ():  # every tab once, presented
        projector.get_by_role("tab", name=translate(lang, tabs[tab])).click()
        projector.get_by_text(markers[tab]).first.wait_for(timeout=120000)
        settled(projector)
        projector.evaluate("() => window.scrollTo(0, 0)")
        projector.get_by_role("tab", name=translate(lang, tabs[tab])).evaluate(
            "e => e.scrollIntoView({block: 'start'})")
        settled(projector)
        projector.screenshot(path=str(ARTIFACTS / f"{name}_tab_{tab}.png"))
        _no_error(projector)
