"""The package's messages on a page: every character as it is, a backticked path or command as a code span."""
from attnviz.app.widgets.literal import code, escape, message


def test_backticked_spans_become_code_spans_and_the_rest_stays_literal():
    said = "`/srv/a*b` is not an attnviz checkpoint: use `python -m attnviz train`."
    assert message(said) == (code("/srv/a*b") + escape(" is not an attnviz checkpoint: use ").replace("\u00a0", " ")
                             + code("python -m attnviz train") + escape("."))
    assert "\\`" not in message(said)  # no literal backticks shown


def test_markdown_outside_the_spans_is_disarmed():
    assert message("[x](javascript:alert(1)) **bold**") == escape("[x](javascript:alert(1)) **bold**")
    assert message("a lone ` stays a backtick") == escape("a lone ` stays a backtick")
    assert message("`[x](y)`") == code("[x](y)")  # inside a code span markdown is inert


def test_lines_keep_their_breaks_and_spaces_stay_spaces():
    assert message("called `a` in it\n  `b`") == "called `a` in it  \n\u00a0\u00a0`b`"


def test_a_terminal_prints_code_spans_in_quotes():
    from attnviz.i18n.spans import for_terminal

    assert for_terminal("There is no folder at `/no/such folder`. Run `hf download x`.") == \
        "There is no folder at '/no/such folder'. Run 'hf download x'."
    assert for_terminal("no spans here") == "no spans here"
