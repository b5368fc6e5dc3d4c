"""The explorer's text view: the sentence shaded by one head (or the mean), tokens escaped."""
from apphelpers import assert_clean, open_page
from attnviz.app.state import explorer, sidebar


def _iframe_html(at) -> str:
    frames = at.get("iframe")
    assert frames, "no text view drawn"
    proto = frames[0].proto
    return getattr(proto, "srcdoc", "") or str(proto)


def test_text_view_on_the_explorer():
    at = open_page(explorer, {sidebar.TEXT: "<b>cats</b> & dogs", explorer.VIEW: "Text", explorer.LAYER: 1,
                              explorer.HEAD: 3})
    assert_clean(at)
    html = _iframe_html(at)
    assert "attnviz-word" in html and "&lt;" in html and "<b>cats" not in html
    assert any(c.value.startswith("Head 3 of layer 1") for c in at.main.caption)  # under the text view
    at.toggle(key=explorer.TEXT_MEAN).set_value(True).run()
    assert any(c.value.startswith("Mean over the heads of layer 1") for c in at.main.caption)
