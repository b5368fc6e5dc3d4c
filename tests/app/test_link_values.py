"""Links with values out of range or of the wrong kind open the page without a traceback, and the
page says what it did with them (#19.3)."""
import pytest
from streamlit.testing.v1 import AppTest

from apphelpers import APP, TIMEOUT, assert_clean, link_params, link_query, messages, page_path
from attnviz.app.state import compare, explorer, sidebar
from attnviz.app.state.base import Key


def open_link(values: dict[Key, object]) -> tuple[AppTest, str]:
    """The explorer opened from a link, and what the app said on the way (AppTest opens app.py's
    default page first, where notes about malformed values appear; a browser opens /explorer?… at once)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(link_params(values))
    at.run()
    assert_clean(at)
    first = messages(at, "info") + messages(at, "warning")
    at.switch_page(page_path(explorer)).run()
    return at, " ".join(first + messages(at, "info") + messages(at, "warning"))


@pytest.mark.parametrize("link, state, words", [
    ({explorer.LAYER: -1}, {explorer.LAYER: 0}, "layer -1"),
    ({explorer.LAYER: 99999}, {explorer.LAYER: 5}, "layer 99999"),
    ({explorer.HEAD: -5}, {explorer.HEAD: 0}, "head -5"),
    ({explorer.HEAD: 10**30}, {explorer.HEAD: 11}, "head 1000000000000000000000000000000"),
    ({explorer.FOCUS: 99999}, {explorer.FOCUS: -1}, "focus `99999`"),
    ({explorer.FOCUS: -7}, {explorer.FOCUS: -1}, "focus `-7`"),
    ({explorer.LAYER: "abc"}, {}, "layer `abc` is not a whole number"),
    ({explorer.VIEW: "Nonsense"}, {explorer.VIEW: "Heatmap"}, "view"),
    ({explorer.KIND: "cross"}, {}, "kind"),
    ({explorer.AGGREGATE: "bogus", explorer.VIEW: "Aggregates"}, {explorer.AGGREGATE: "mean over heads"}, "agg"),
    ({explorer.STAT: "bogus", explorer.VIEW: "Statistics"}, {}, "stat"),
    ({sidebar.DEVICE: "quantum"}, {}, "device"),
])
def test_out_of_range_link_values_are_clamped_or_ignored_and_said(link, state, words):
    at, said = open_link(link)
    assert_clean(at)
    assert at.get("plotly_chart"), "the page drew nothing"
    for key, value in state.items():
        assert at.session_state[key] == value
    assert words in said, said


def test_a_long_texts_link_leaves_the_text_out_and_says_what_works():
    from apphelpers import open_page
    from attnviz.app.shell.links import MAX_LINK

    words = " ".join(f"word{i % 50}" for i in range(20_000))
    at = open_page(explorer, {sidebar.TEXT: words, explorer.LAYER: 2, explorer.HEAD: 3})
    assert_clean(at)
    assert sidebar.TEXT.param not in at.query_params and at.query_params[explorer.LAYER.param] == "2"
    link = [c.value for c in at.code if c.value.startswith(("http", "/", "?"))][-1]
    assert len(link) < MAX_LINK and "word" not in link and link_query({explorer.LAYER: 2}) in link
    warning = " ".join(messages(at, "warning"))
    assert "too long for a link" in warning and f"{len(words):,} characters" in warning
    assert "Load the text from a file" in warning
    button = [b for b in at.get("download_button") if "text as a file" in b.proto.label]
    assert button
    # a short text still travels in the link
    at = open_page(explorer, {sidebar.TEXT: "A short text."})
    assert at.query_params[sidebar.TEXT.param] == "A short text."
    assert "too long" not in " ".join(messages(at, "warning"))


def test_a_compare_link_with_long_texts_leaves_them_out_and_offers_each_as_a_file():
    from apphelpers import open_page, panes

    words = " ".join(f"word{i % 50}" for i in range(20_000))
    at = open_page(compare, panes({"model": "scratch-encoder", "text": words}, {"model": "scratch-encoder",
                                   "text": "A short text."}))
    assert_clean(at)
    assert {compare.pane(side, "text").param for side in "ab"}.isdisjoint(at.query_params)
    assert at.query_params[compare.pane("a", "model").param] == "scratch-encoder"
    warning = " ".join(messages(at, "warning"))
    assert "too long for a link" in warning and "Text A and Text B" in warning
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Text A as a file" in labels and "Text B as a file" in labels


def test_a_hostile_pane_path_is_shown_as_typed():
    from apphelpers import open_page, panes

    hostile = "![pic](http://evil.invalid/p.png) [log in](http://evil.invalid/) **bold**"
    at = open_page(compare, panes({"model": "scratch-encoder", "text": "A text."}, {"model": "custom",
                                   "path": hostile, "text": "A text."}))
    assert_clean(at)
    import re

    raw = " ".join(e.value for e in at.error)
    outside_code = re.sub(r"(`+)(.+?)\1", "", raw)  # a path in a code span is shown as its characters
    assert "](http" not in outside_code and "**bold**" not in outside_code  # no link, image or emphasis rendered
    from pathlib import Path

    # a person reads every character, as the loader read the path (a path's // is one /)
    assert str(Path(hostile)) in " ".join(messages(at, "error"))
