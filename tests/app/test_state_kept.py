"""What a key says it keeps (attnviz.app.state.base.Key.keep) is there again: compare's panes and the training lab's
name box after another page was shown, the explorer's pickers after a view that hides them."""
import time

import pytest

from apphelpers import assert_clean, open_page, page_path, panes

from attnviz.core import settings
from attnviz.app.state import compare, explorer, home, sidebar, training


def _visit(at, page, back) -> None:
    """Show another page for two runs (Streamlit drops a widget's value at the end of a run that does not draw it),
    then come back."""
    at.switch_page(page_path(page)).run()
    at.run()
    at.switch_page(page_path(back)).run()


def test_the_compare_panes_are_there_again_after_another_page():
    at = open_page(compare, panes({"model": "scratch-encoder", "text": "One two three."},
                                  {"model": "scratch-encoder", "text": "One two three."}))
    assert_clean(at)
    at.text_area(key=compare.pane("b", "text")).input("Four five six.").run()
    at.selectbox(key=compare.pane("b", "pos")).set_value("shuffled").run()
    _visit(at, home, compare)
    assert_clean(at)
    assert at.text_area(key=compare.pane("b", "text")).value == "Four five six."
    assert at.selectbox(key=compare.pane("b", "pos")).value == "shuffled"
    assert at.selectbox(key=compare.pane("a", "model")).value == "scratch-encoder"  # not the sidebar's model


@pytest.fixture
def checkpoint_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTNVIZ_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    settings.current.cache_clear()
    yield
    settings.current.cache_clear()


def test_the_checkpoint_name_typed_is_there_again_after_another_page(checkpoint_dir):
    at = open_page(training, {training.STEPS: 5, training.D_MODEL: 16, training.LAYERS: 1})
    next(b for b in at.button if b.label == "Start training").click().run()
    job = at.session_state[training.JOB]
    deadline = time.time() + 300
    while job.active and time.time() < deadline:
        time.sleep(0.2)
    at.run()
    at.text_input(key=training.NAME).input("my-reverser").run()
    _visit(at, home, training)
    assert_clean(at)
    assert at.text_input(key=training.NAME).value == "my-reverser"


def test_the_explorers_layer_and_focus_come_back_after_a_view_that_hides_them():
    at = open_page(explorer)
    assert_clean(at)
    at.slider(key=explorer.LAYER).set_value(3).run()  # as a person moves them
    at.slider(key=explorer.HEAD).set_value(4).run()
    at.selectbox(key=explorer.FOCUS).set_value(2).run()
    at.radio(key=explorer.VIEW).set_value("Statistics").run()  # no layer, head or focus picker there
    assert not at.slider and explorer.FOCUS not in [s.key for s in at.selectbox]
    at.run()
    at.radio(key=explorer.VIEW).set_value("Heatmap").run()
    assert_clean(at)
    assert (at.slider(key=explorer.LAYER).value, at.slider(key=explorer.HEAD).value) == (3, 4)
    assert at.selectbox(key=explorer.FOCUS).value == 2


def test_a_window_kept_for_a_longer_text_starts_again_on_a_shorter_one():
    at = open_page(explorer, {sidebar.TEXT: "word " * 150})
    at.slider(key=explorer.WINDOW).set_value((100, 150)).run()
    at.radio(key=explorer.VIEW).set_value("Statistics").run()  # the window is hidden, and kept
    at.run()
    at.session_state[sidebar.TEXT] = "word " * 90  # 92 tokens: the kept window lies past the end
    at.run()
    at.radio(key=explorer.VIEW).set_value("Heatmap").run()
    assert_clean(at)
    assert at.slider(key=explorer.WINDOW).value == (0, 64)
