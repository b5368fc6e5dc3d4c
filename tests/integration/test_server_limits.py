"""The server's token limit in capture, and a pickle weights file refused in plain words."""
import pytest
import torch

from attnviz import capture, load_model
from attnviz.core import settings
from attnviz.core.errors import NotAModel


@pytest.fixture(scope="module")
def encoder():
    return load_model("scratch-encoder", device="cpu")


def test_capture_keeps_the_servers_token_limit_and_says_so(encoder):
    cap = capture(encoder, "abcdefghijklmnopqrstuvwxyz", max_tokens=10)
    assert cap.tokens == list("abcdefghij") and cap.attention["self"].shape[-1] == 10
    assert cap.truncated_from == 26
    assert "The text is 26 tokens; this server takes at most 10 per capture, so only the first 10 are shown." \
        in cap.notes


def test_capture_reads_the_limit_from_the_operator_settings(encoder, monkeypatch):
    monkeypatch.setattr(settings, "current", lambda: settings.from_environment({"ATTNVIZ_MAX_TOKENS": "5"}))
    cap = capture(encoder, "abcdefgh")
    assert cap.tokens == list("abcde")
    assert capture(encoder, "abcdefgh", max_tokens=0).tokens == list("abcdefgh")  # 0: no server limit


def test_the_models_own_limit_still_speaks_for_itself(minilm):
    cap = capture(minilm, "word " * 600, max_tokens=1000)
    assert len(cap.tokens) == 512 and cap.tokens[-1] == "[SEP]"
    assert any("this model takes 512" in n for n in cap.notes)


class _Runs:
    def __reduce__(self):
        return (print, ("this ran on the server",))


def test_a_pickle_weights_file_is_refused_in_plain_words(tmp_path):
    from safetensors.torch import load_file

    from builders import build

    folder = build("bert", tmp_path / "bert")
    weights = load_file(str(folder / "model.safetensors"))
    (folder / "model.safetensors").unlink()
    torch.save({"x": _Runs(), **weights}, folder / "pytorch_model.bin")
    with pytest.raises(NotAModel) as refused:
        load_model(str(folder), device="cpu")
    message = str(refused.value)
    assert "\x1b" not in message and "Weights only load failed" not in message
    assert "pickle (pytorch_model.bin) that holds more than tensors (it names `print`)" in message
    assert "save_pretrained(folder, safe_serialization=True)" in message


def test_a_damaged_pickle_weights_file_is_refused_in_plain_words(tmp_path):
    from builders import build

    folder = build("bert", tmp_path / "bert")
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(b"\x80\x02not a pickle at all")
    with pytest.raises(NotAModel) as refused:
        load_model(str(folder), device="cpu")
    assert "could not be read as a pickle of tensors: it may be damaged or incomplete" in str(refused.value)
    assert "\x1b" not in str(refused.value)
