"""Links with values out of range or of the wrong kind open the page without a traceback, and the
page says what it did with them (#19.3)."""
import pytest
from streamlit.testing.v1 import AppTest

from apphelpers import APP, TIMEOUT, assert_clean, messages

PAGE = "attnviz/app/pages/explorer.py"


def open_link(**params) -> tuple[AppTest, str]:
    """The explorer opened from a link, and what the app said on the way (AppTest opens app.py's
    default page first, where notes about malformed values appear; a browser opens /explorer?… at once)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({k: str(v) for k, v in params.items()})
    at.run()
    assert_clean(at)
    first = messages(at, "info") + messages(at, "warning")
    at.switch_page(PAGE).run()
    return at, " ".join(first + messages(at, "info") + messages(at, "warning"))


@pytest.mark.parametrize("params, state, words", [
    ({"layer": -1}, {"ex_layer": 0}, "layer -1"),
    ({"layer": 99999}, {"ex_layer": 5}, "layer 99999"),
    ({"head": -5}, {"ex_head": 0}, "head -5"),
    ({"head": 10**30}, {"ex_head": 11}, "head 1000000000000000000000000000000"),
    ({"focus": 99999}, {"ex_focus": -1}, "focus `99999`"),
    ({"focus": -7}, {"ex_focus": -1}, "focus `-7`"),
    ({"layer": "abc"}, {}, "layer `abc` is not a whole number"),
    ({"view": "Nonsense"}, {"ex_view": "Heatmap"}, "view"),
    ({"kind": "cross"}, {}, "kind"),
    ({"agg": "bogus", "view": "Aggregates"}, {"ex_agg": "mean over heads"}, "agg"),
    ({"stat": "bogus", "view": "Statistics"}, {}, "stat"),
    ({"device": "quantum"}, {}, "device"),
])
def test_out_of_range_link_values_are_clamped_or_ignored_and_said(params, state, words):
    at, said = open_link(**params)
    assert_clean(at)
    assert at.get("plotly_chart"), "the page drew nothing"
    for key, value in state.items():
        assert at.session_state[key] == value
    assert words in said, said


def test_a_long_texts_link_leaves_the_text_out_and_says_what_works():
    from apphelpers import open_page
    from attnviz.app.shell.links import MAX_LINK

    words = " ".join(f"word{i % 50}" for i in range(20_000))
    at = open_page(PAGE, sb_text=words, ex_layer=2, ex_head=3)
    assert_clean(at)
    assert "text" not in at.query_params and at.query_params["layer"] == "2"
    link = [c.value for c in at.code if c.value.startswith(("http", "/", "?"))][-1]
    assert len(link) < MAX_LINK and "word" not in link and "layer=2" in link
    warning = " ".join(messages(at, "warning"))
    assert "too long for a link" in warning and f"{len(words):,} characters" in warning
    assert "Load the text from a file" in warning
    button = [b for b in at.get("download_button") if "text as a file" in b.proto.label]
    assert button
    # a short text still travels in the link
    at = open_page(PAGE, sb_text="A short text.")
    assert at.query_params["text"] == "A short text." and "too long" not in " ".join(messages(at, "warning"))


def test_a_compare_link_with_long_texts_leaves_them_out_and_offers_each_as_a_file():
    from apphelpers import open_page

    words = " ".join(f"word{i % 50}" for i in range(20_000))
    at = open_page("attnviz/app/pages/compare/page.py", cmp_a_model="scratch-encoder", cmp_b_model="scratch-encoder",
                   cmp_a_text=words, cmp_b_text="A short text.")
    assert_clean(at)
    assert "a_text" not in at.query_params and "b_text" not in at.query_params
    assert at.query_params["a_model"] == "scratch-encoder"
    warning = " ".join(messages(at, "warning"))
    assert "too long for a link" in warning and "Text A and Text B" in warning
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Text A as a file" in labels and "Text B as a file" in labels


def test_a_hostile_pane_path_is_shown_as_typed():
    from apphelpers import open_page

    hostile = "![pic](http://evil.invalid/p.png) [log in](http://evil.invalid/) **bold**"
    at = open_page("attnviz/app/pages/compare/page.py", cmp_a_model="scratch-encoder", cmp_b_model="custom",
                   cmp_b_path=hostile, cmp_a_text="A text.", cmp_b_text="A text.")
    assert_clean(at)
    raw = " ".join(e.value for e in at.error)
    assert "](http" not in raw and "**bold**" not in raw  # escaped: no link, image or emphasis is rendered
    from pathlib import Path

    # a person reads every character, as the loader read the path (a path's // is one /)
    assert str(Path(hostile)) in " ".join(messages(at, "error"))
