"""The one place a failure to load or run a model becomes a message: said for the visitor, logged for the operator."""
import logging

from attnviz import i18n
from attnviz.app.pipeline import load
from attnviz.core.errors import ModelNotFound, RemoteCodeRefused


def test_an_unforeseen_failure_is_said_by_its_type_and_logged_once_with_its_traceback(caplog):
    request = load.Request("minilm", label="minilm")
    try:
        raise OSError("disk full")
    except OSError as exc:
        with caplog.at_level(logging.INFO, logger="attnviz"):
            said = load.failure(request, exc, capture=True)
    assert said.level == "error" and said.message == "Capture failed for minilm: OSError: disk full"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info[1].args == ("disk full",)
    assert "capture by minilm failed" in errors[0].getMessage()


def test_a_foreseen_refusal_is_the_packages_message_and_an_info_line(caplog):
    with caplog.at_level(logging.INFO, logger="attnviz"):
        said = load.failure(load.Request("/nowhere"), ModelNotFound("There is no folder at `/nowhere`."))
    assert said.message == "There is no folder at `/nowhere`."
    assert [r.levelno for r in caplog.records] == [logging.INFO] and not caplog.records[0].exc_info
    with i18n.language("zh"):
        assert load.failure(load.Request("/x"), OSError("boom")).message.startswith("无法加载 /x")


def test_remote_code_refused_on_a_server_that_offers_no_opt_in_names_no_box(monkeypatch):
    from attnviz.core import settings

    monkeypatch.setattr(settings, "current", lambda: settings.Settings(remote_code=False))
    said = load.failure(load.Request("org/mine"), RemoteCodeRefused("turn on \"Allow remote code\""))
    assert "Allow remote code" not in said.message and "org/mine" in said.message
