"""A hub id on a machine that cannot reach the hub: decided at once, and said in words."""
import socket

import pytest

from attnviz.core.errors import ModelNotFound
from attnviz.models import hub
from attnviz.models.huggingface import hub_offline, load_hf


def test_offline_switch_is_named_in_the_message(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotFound) as err:
        load_hf("some-org/some-model")
    text = str(err.value)
    assert "`some-org/some-model` is not on this machine" in text
    assert "offline switch HF_HUB_OFFLINE is set" in text
    assert "enter its path instead" in text


@pytest.mark.parametrize("value", ["1", "ON", "yes", "True"])
def test_offline_switch_spellings(monkeypatch, value):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", value)
    assert hub.offline_switch() == "TRANSFORMERS_OFFLINE"


def test_unreachable_hub_is_named_without_retrying(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    assert hub.endpoint() == ("127.0.0.1", port)
    with pytest.raises(ModelNotFound, match=r"the model hub \(127\.0\.0\.1\) cannot be reached"):
        load_hf("some-org/some-model")


def test_a_listening_hub_counts_as_online(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{s.getsockname()[1]}")
        assert hub.offline_reason() is None
        assert hub_offline("some-org/some-model") is False


def test_an_unresolvable_host_is_unreachable():
    assert hub.reachable("no-such-host.invalid", 443) is False


def test_offline_but_cached_loads_from_the_cache(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hub, "cached_locally", lambda repo_id: True)
    assert hub_offline("some-org/some-model") is True
