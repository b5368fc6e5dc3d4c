"""The explorer and the compare page in Chromium at 1280×720: in Chinese, and presented (present=1) for a projector."""
import pytest
from playwright.sync_api import expect

from apphelpers import link_query
from attnviz.app.state import compare, explorer, sidebar
from attnviz.i18n import translate
from pw import ARTIFACTS, PLOT, settled

EXPLORER_VIEWS = {"Heatmap": "heatmap", "Head view": "head_view", "Model view": "model_view",
                  "Statistics": "statistics", "Text": "text", "Aggregates": "aggregates", "Query–key": "query_key"}


def _settle(page, figure: str = f"{PLOT} .main-svg") -> None:
    page.wait_for_selector(figure, timeout=120000)
    settled(page)  # let the figure finish its transition before the screenshot


@pytest.mark.parametrize("present", [False, True])
def test_explorer_in_chinese(server, projector, present):
    # every view presented; as a page, the first two (the rest share the page's layout)
    for view, name in list(EXPLORER_VIEWS.items())[:None if present else 2]:
        projector.goto(f"{server}/explorer?" + link_query({sidebar.LANG: "zh", explorer.VIEW: view,
                                                            sidebar.PRESENT: present or None}))
        projector.get_by_role("heading", name=translate("zh", "Explorer")).wait_for(timeout=120000)
        _settle(projector, "iframe[srcdoc*='attnviz-word']" if view == "Text" else f"{PLOT} .main-svg")
        main = projector.locator('[data-testid="stMain"]')
        # the view's name, said by the views' picker (the presentation bar's closed text popover holds a 文本 too)
        expect(main.locator(f'.st-key-{explorer.VIEW}').get_by_text(translate("zh", view), exact=True)).to_be_visible()
        sidebar_shown = expect(projector.locator('[data-testid="stSidebar"]'))
        sidebar_shown.to_be_hidden() if present else sidebar_shown.to_be_visible()
        if present and view != "Text":
            # the figure is drawn large: its title's text is at least 20 px
            size = projector.evaluate("() => parseFloat(document.querySelector('.js-plotly-plot .gtitle')"
                                      ".style.fontSize)")
            assert size >= 20, size
        projector.screenshot(path=str(ARTIFACTS / f"explorer_zh_{name}{'_presented' if present else ''}.png"))


@pytest.mark.parametrize("present", [False, True])
def test_compare_in_chinese(server, projector, present):
    projector.goto(f"{server}/compare?" + link_query({sidebar.LANG: "zh", compare.pane("a", "model"): "minilm",
                                                      compare.pane("b", "model"): "glassllm-en",
                                                      sidebar.PRESENT: present or None}))
    projector.get_by_role("heading", name=translate("zh", "Compare side by side")).wait_for(timeout=120000)
    _settle(projector)
    panes = projector.locator(f'[data-testid="stColumn"] {PLOT}')  # the comparison's own figures may come first
    expect(panes.locator(".heatmaplayer")).to_have_count(2, timeout=120000)
    settled(projector)
    expect(projector.locator('[data-testid="stMain"]').get_by_text("窗格 A", exact=True).first).to_be_visible()
    suffix = "_presented" if present else ""
    projector.screenshot(path=str(ARTIFACTS / f"compare_zh{suffix}.png"))
    boxes = [panes.nth(i).bounding_box() for i in range(2)]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"]  # side by side
    if present:  # read against each other on a projector: both panes whole on the first screen
        assert all(b["y"] + b["height"] <= 720 for b in boxes), boxes
    projector.get_by_role("heading", name="对齐词元上的差值 B − A").scroll_into_view_if_needed()
    settled(projector)
    projector.screenshot(path=str(ARTIFACTS / f"compare_zh{suffix}_difference.png"))
