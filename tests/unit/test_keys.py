"""The state modules (attnviz/app/state/<page>.py): every session key declared once, prefixed by its page; the link
parameters pinned, because links people have shared must keep working (renaming one is a decision, made here)."""
import inspect

import pytest

from attnviz.app import state
from attnviz.app.shell.navigation import PAGES
from attnviz.app.state import compare, explorer, needle, sidebar, survey, training, worked_example
from attnviz.app.state.base import Key, Pickers, keys_of, linked

MODULES = state.modules()

# Every link parameter, in the order a link writes them, and how its text is read. Shared links carry these names:
# this table changes only with a way for the old links to keep working.
LINK = [("model", str), ("path", str), ("text", str), ("target", str), ("device", str), ("lang", str),
        ("present", bool), ("win", int), ("centre", str),
        ("view", str), ("kind", str), ("layer", int), ("head", int), ("focus", int), ("hide", bool), ("renorm", bool),
        ("log", bool), ("agg", str), ("stat", str), ("measure", str), ("mtarget", str), ("mversus", str),
        ("msentence", str), ("pool", str), ("region", str), ("aside", bool), ("unit", str), ("sentence", int),
        ("token", int),
        ("a_model", str), ("a_path", str), ("a_text", str), ("a_pos", str), ("a_target", str),
        ("b_model", str), ("b_path", str), ("b_text", str), ("b_pos", str), ("b_target", str),
        ("cview", str), ("la", int), ("ha", int), ("lb", int), ("hb", int), ("lock", bool),
        ("step", int),
        ("hay", str), ("needle", str), ("question", str), ("answer", str), ("depths", str), ("lengths", str),
        ("max_new", int)]


def _functions(module):
    """The key-building functions a state module defines (worked_example.value, compare.pane, …)."""
    return [f for _, f in inspect.getmembers(module, inspect.isfunction) if f.__module__ == module.__name__]


def test_every_key_is_declared_once_and_prefixed_by_its_page():
    every = [key for module in MODULES for key in keys_of(module)]
    assert len(every) == len(set(every)), sorted({k for k in every if every.count(k) > 1})
    for module in MODULES:
        assert keys_of(module), module.__name__
        for key in keys_of(module):
            assert type(key) is Key and key.startswith(f"{module.PREFIX}_"), (module.__name__, key)
            assert key.type in (str, int, bool) and key.keep in (None, "page", "session"), key
        for function in _functions(module):
            args = ["x"] * len(inspect.signature(function).parameters)
            built = function(*args)
            assert type(built) is Key and built.startswith(f"{module.PREFIX}_"), function


def test_the_link_parameters_are_pinned():
    assert [(key.param, key.type) for module in MODULES for key in linked(module)] == LINK
    assert sidebar.LANG.default == "en" and sidebar.PRESENT.default is False
    assert compare.pane("a", "pos").default == "normal" and compare.LOCK.default is True


def test_a_link_leaves_out_what_is_not_set_and_the_defaults():
    assert explorer.LAYER.link_text(0) == "0" and explorer.LAYER.link_text(None) is None
    assert explorer.FOCUS.link_text(-1) is None and explorer.FOCUS.link_text(3) == "3"
    assert sidebar.PRESENT.link_text(True) == "1" and sidebar.PRESENT.link_text(False) is None
    assert compare.LOCK.link_text(False) == "0" and compare.LOCK.link_text(True) is None
    assert sidebar.LANG.link_text("zh") == "zh" and sidebar.LANG.link_text("en") is None


def test_keys_built_from_names():
    assert compare.pane("b", "text") == "cmp_b_text" and compare.pane("b", "text").param == "b_text"
    assert compare.pane("a", "model").keep == "session" and compare.PANES[0] == compare.pane("a", "model")
    assert worked_example.value("seed-001_X") == "toy_value_seed-001_X" and training.head_chart(2) == "train_head_2"
    assert survey.open_button("most", 3) == "sv_open_most_3"
    assert isinstance(explorer.PICKERS, Pickers) and explorer.PICKERS.layer is explorer.LAYER


def test_what_is_kept_while_the_widget_is_not_drawn():
    """Compare's panes and the lab's name box come back after another page; the explorer's pickers and filters
    after a view that hides them (Streamlit's persist_state)."""
    assert {key.keep for key in compare.PANES} == {"session"} and training.NAME.keep == "session"
    assert {explorer.LAYER.keep, explorer.HEAD.keep, explorer.FOCUS.keep, explorer.WINDOW.keep} == {"page"}
    kept = {key for module in MODULES for key in keys_of(module) if key.keep}
    assert kept == {*compare.PANES, training.NAME, explorer.LAYER, explorer.HEAD, explorer.FOCUS, explorer.HIDE,
                    explorer.RENORM, explorer.WINDOW, explorer.MEASURE, explorer.ABLATE_HOW,
                    *vars(explorer.TARGET).values(), *vars(compare.PATCH_TARGET).values(),
                    # long inputs: the zoomed region, the sinks switch, the sentence and token read, the window's picker
                    explorer.Q0, explorer.Q1, explorer.K0, explorer.K1, explorer.ASIDE, explorer.SENTENCE,
                    explorer.TOKEN, sidebar.WINDOW_BY, sidebar.FIRST_TOKEN, sidebar.SENTENCE, needle.HAYSTACK}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_page_has_a_state_module_and_its_name_is_its_navigation_entry(module):
    pages = [m.PAGE for m in MODULES if hasattr(m, "PAGE")]
    assert sorted(pages) == sorted(PAGES)
    if hasattr(module, "PAGE"):
        assert PAGES[module.PAGE].path.is_file()
