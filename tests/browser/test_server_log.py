"""The operator's log stays readable: links that set widgets' values log no warning, and the shared server's whole
log is checked when the browser suite ends (conftest.streamlit_server fails on any warning, error or traceback that
LOG_ALLOWED does not list)."""
from attnviz.app.state import compare, explorer, sidebar
from attnviz.app.shell.navigation import PAGES
from apphelpers import link_query
from serverlog import LOG_ALLOWED, log_problems
from pw import ARTIFACTS, PLOT, settled

OLD_WARNING = ('2026-12-05 23:23:57.006 WARNING streamlit.elements.lib.policies: The widget with key '
               f'"{sidebar.TEXT}" was created with a default value but also had its value set via the Session State API.')


def test_the_check_finds_what_an_operator_would_have_to_read_past():
    log = "\n".join([
        "2026-12-06 10:00:00.000 INFO attnviz.app: loading /no/such refused: not a model",  # a refusal: a note
        OLD_WARNING,
        "Traceback (most recent call last):",
        "/venv/lib/python3.11/site-packages/x.py:12: FutureWarning: `y` is deprecated",
        "nanobind: leaked 28 instances!",
        "2026-12-06 10:00:01.000 ERROR attnviz.app: opening the survey s failed",
        "  Stopping...",
    ])
    assert log_problems(log) == log.splitlines()[1:6]
    assert LOG_ALLOWED == ()  # nothing is let through: an entry here needs its reason beside it


def test_links_that_set_the_widgets_log_no_warning(server, page):
    """A link sets the sidebar's text and model and compare's lock through the Session State API before the widgets
    are drawn: with a default passed to the same widget, Streamlit logged a warning and a stack for each (issue 30)."""
    links = [
        f"/{PAGES['explorer'].url_path}?" + link_query({sidebar.MODEL: "minilm", sidebar.TEXT: "Dogs bark at night.",
                                                        explorer.LAYER: 2}),
        f"/{PAGES['compare'].url_path}?" + link_query({sidebar.TEXT: "The cat sat.", compare.pane("a", "text"): "He ran.",
                                                       compare.pane("b", "text"): "She ran.", compare.LOCK: False,
                                                       compare.LAYER_B: 1}),
    ]
    for link in links:
        page.goto(server + link)
        page.locator(f"{PLOT} .main-svg").first.wait_for(timeout=180000)
        settled(page)
    page.goto(f"{server}/{PAGES['training'].url_path}")
    page.get_by_role("button", name="Start training").wait_for(timeout=120000)
    settled(page)
    problems = log_problems((ARTIFACTS / "streamlit.log").read_text(errors="replace"))
    assert problems == [], problems
