"""The package's messages are Message: each passes the placeholders its English names, and a page in Chinese says
them in Chinese with no English sentence left, while the command line keeps its English words."""
import ast
import json
import pickle
import re
from pathlib import Path

import pytest

import attnviz
from attnviz import i18n
from attnviz.app.shell import messages as errors
from attnviz.core import settings
from attnviz.core.errors import BadText, CaptureTooLarge, ModelNotFound, NotAModel, RemoteCodeRefused
from attnviz.i18n import Message, joined, say, translate

PACKAGE = Path(attnviz.__file__).parent
PLACEHOLDER = re.compile(r"\{(\w+)[^{}]*\}")
SAYING = {"Message", "presentable", "in_context", "t", "tp", "tc"}  # calls whose first string is the msgid


def message_calls() -> list[tuple[str, int, str, set[str] | None]]:
    """(file, line, msgid, the keywords it is given; None when it is given **fmt) for every call that says a
    literal message in attnviz/."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name in SAYING and strings:
                given = {k.arg for k in node.keywords}
                out.append((path.relative_to(PACKAGE.parent).as_posix(), node.lineno, strings[-1],
                            None if None in given else given - {"context"}))
    return out


def test_every_message_is_given_each_placeholder_its_english_names():
    calls = message_calls()
    assert len(calls) > 600  # pages, figures, models, capture, core, analysis, training, survey
    for where, line, msgid, given in calls:
        if given:  # formatted, without **fmt: each placeholder is given (a missing one would raise KeyError)
            assert set(PLACEHOLDER.findall(msgid)) <= given, (where, line, msgid, given)


def test_no_text_matching_is_left():
    source = (PACKAGE / "app" / "shell" / "messages.py").read_text()
    assert "re.compile" not in source and "fullmatch" not in source


ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}\b")


def english_left(text: str) -> list[str]:
    """Runs of three English words outside `quoted` names and paths."""
    return ENGLISH_SENTENCE.findall(re.sub(r"`[^`]*`", "", text))


@pytest.fixture
def zh():
    with i18n.language("zh"):
        yield


@pytest.fixture
def en():
    with i18n.language("en"):
        yield


def _raised(call) -> Exception:
    with pytest.raises(Exception) as err:
        call()
    return err.value


def representative(tmp_path: Path, monkeypatch) -> dict[str, tuple[object, str]]:
    """name -> (an error or a note the package really makes, the English a command line prints)."""
    from attnviz import capture, load_model
    from attnviz.analysis.explain import why_not_explained
    from attnviz.models.huggingface import check_remote_code, read_local_config

    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    scratch = load_model("scratch-decoder", device="cpu")
    cap = capture(scratch, "one two three " * 60)
    hf_cap = capture(scratch, "one two")
    hf_cap.qk = {}  # as a model whose attention bypasses transformers' interface would leave it
    info = scratch.info.__class__(**{**scratch.info.__dict__, "family": "hugging face", "name": "bloom-560m",
                                      "model_type": "bloom", "positional": "alibi"})
    monkeypatch.setattr(settings, "current", lambda: settings.Settings(capture_max_mb=0))
    return {
        "missing folder": (_raised(lambda: load_model(str(tmp_path / "nowhere"))),
                           f"There is no folder at `{tmp_path / 'nowhere'}`. Check the path, or pick one of the "
                           "offline models."),
        "a file": (_raised(lambda: read_local_config(tmp_path / "file.txt")),
                   f"`{tmp_path / 'file.txt'}` is a file, not a model folder. Point at the folder that holds "
                   "config.json."),
        "no config.json": (_raised(lambda: read_local_config(tmp_path / "empty")),
                           f"`{tmp_path / 'empty'}` is not a model folder: it has no config.json. A Hugging Face "
                           "model folder holds config.json, the weights (model.safetensors) and the tokenizer files."),
        "remote code": (_raised(lambda: check_remote_code({"model_type": "mine", "auto_map": {}}, "org/mine", False)),
                        "`org/mine` needs code shipped with the model (its config has an auto_map for model type "
                        "'mine'). Running it means running that code on this machine. If you trust its source, turn "
                        "on \"Allow remote code\" and load it again."),
        "too large": (_raised(lambda: capture(scratch, "hello there")), ""),
        "empty text": (_raised(lambda: capture(scratch, "   ")),
                       "The text is empty: type a sentence to see its attention."),
        "truncated": (cap.notes[-1], f"The text is {cap.truncated_from} tokens; this model takes 128, so only the "
                                     "first 128 are shown."),
        "not explained": (why_not_explained(hf_cap, info, "self"),
                          "\"Explain this cell\" is not available for `bloom-560m` (bloom), because this model adds "
                          "its ALiBi distance penalty in its own attention code, which does not go through "
                          "transformers' attention interface: attnviz cannot record the query and key each weight "
                          "came from. The weights shown are still the model's own (eager attention)."),
    }


def _said(message) -> str:
    return errors.say(message) if isinstance(message, BaseException) else errors.note(message)


def test_the_package_says_its_messages_in_chinese_with_no_english_sentence(zh, tmp_path, monkeypatch):
    found = representative(tmp_path, monkeypatch)
    assert isinstance(found["missing folder"][0], ModelNotFound) and isinstance(found["a file"][0], NotAModel)
    assert isinstance(found["remote code"][0], RemoteCodeRefused) and isinstance(found["empty text"][0], BadText)
    assert isinstance(found["too large"][0], CaptureTooLarge)
    for name, (message, _) in found.items():
        said = _said(message)
        assert re.search(r"[\u4e00-\u9fff]", said) and not english_left(said), (name, said)
    assert _said(found["missing folder"][0]) == f"`{tmp_path / 'nowhere'}` 处没有文件夹。请检查路径，或选择一个离线模型。"
    assert _said(found["truncated"][0]).startswith(f"这段文本有 {found['truncated'][0].fmt['n']} 个词元")
    assert "超过了本服务器每次捕获的内存预算" in _said(found["too large"][0])


def test_english_pages_and_the_command_line_keep_the_english_words(en, tmp_path, monkeypatch):
    found = representative(tmp_path, monkeypatch)
    for name, (message, english) in found.items():
        text = str(message)
        if english:
            assert text == english, name
        assert _said(message) == text, name
    too_large = str(found["too large"][0])
    assert too_large == ("This capture of 11 tokens would take 0.0037 MB (every weight of 2 layers × 4 heads), more "
                         "than this server's per-capture budget of 0 MB. To see it: shorten the text to about 1 "
                         "tokens.")


def test_an_error_that_is_not_a_message_gets_a_sentence_for_its_kind(zh):
    said = errors.say(ModelNotFound("There is no folder at `/x`. Check the path."))
    assert said == "找不到这个模型。详情：There is no folder at `/x`. Check the path."
    assert errors.say(OSError("disk full")) == "操作没有成功。详情：disk full"


def test_capture_notes_that_the_package_writes_are_messages_said_in_chinese(zh):
    """The notes come from the package itself: a note that is plain text would fail here, not pass as English."""
    from attnviz import capture, load_model

    model = load_model("scratch-decoder", device="cpu")
    cap = capture(model, "one two three", mode="qk", positions="removed")
    assert cap.mode == "eager" and len(cap.notes) == 2 and all(isinstance(n, Message) for n in cap.notes)
    assert errors.note(cap.notes[0]) == "`scratch-decoder` 是从零搭建的模型，不能用“查询与键”模式：已改为存下全部注意力权重（eager）。"
    assert errors.note(cap.notes[1]) == "位置编码已移除：去掉了位置编码。"
    assert errors.note(cap.method) == "从零搭建模型中的钩子点"
    assert errors.note(Message("The target is {n} tokens with the start token; this model takes {limit}, so only the first {limit} are shown.", n=70, limit=64)) == \
        "目标文本加上起始词元共 70 个词元；这个模型最多接受 64 个，所以只显示前 64 个。"


def test_long_texts_cut_before_tokenising_are_said_in_chinese(zh):
    from attnviz import capture, load_model

    cap = capture(load_model("scratch-encoder", device="cpu"), "word " * 20_000, max_tokens=100)
    assert all(isinstance(n, Message) for n in cap.notes)
    assert cap.notes[0].startswith("The text is 100,000 characters; this server reads at most 100 tokens per capture")
    assert errors.note(cap.notes[0]).startswith("这段文本有 100,000 个字符；本服务器每次捕获最多读取 100 个词元")


def test_captures_with_message_notes_pickle_and_compare_equal():
    from attnviz import capture, load_model

    cap = capture(load_model("scratch-decoder", device="cpu"), "one two three " * 60, positions="shuffled", seed=3)
    again = pickle.loads(pickle.dumps(cap))
    assert again.notes == cap.notes and [n.msgid for n in again.notes] == [n.msgid for n in cap.notes]
    assert [n.fmt for n in again.notes] == [n.fmt for n in cap.notes]
    assert say(again.notes[0], "zh") == "位置编码已打乱：位置编码在各位置之间随机置换（随机种子 3）。"
    assert json.loads(json.dumps({"notes": cap.notes}))["notes"] == [str(n) for n in cap.notes]  # exports: English


def test_nested_messages_are_said_whole(zh):
    from attnviz.models.weights import check_loading

    err = _raised(lambda: check_loading("m", {"missing_keys": [f"encoder.layer.{i}.w" for i in range(8)],
                                              "mismatched_keys": [("emb", (2, 3), (3, 2))]}))
    assert str(err).startswith("`m` does not hold the weights its config describes: 8 tensors the config describes "
                               "are not in its weights file (encoder.layer.0.w, encoder.layer.1.w, encoder.layer.2.w, "
                               "encoder.layer.3.w, encoder.layer.4.w, encoder.layer.5.w, … and 2 more); 1 tensors have "
                               "other shapes in the file than the config says (emb: file (2, 3) vs config (3, 2)).")
    said = errors.say(err)
    assert "……另有 2 个" in said and "emb：文件中为 (2, 3)，配置中为 (3, 2)" in said and not english_left(said), said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presenting_a_message_takes_its_wording_without_the_hidden_sidebar(lang):
    """The sidebar is hidden in presentation mode: a message that points to it has a wording in the context
    "present", nested ones included (the too-large advice lists the GPU as one way out)."""
    sidebar = "sidebar" if lang == "en" else "侧边栏"
    refusal = Message("{refusal} Showing {model} instead.", refusal=Message.presentable("This server offers only its bundled models and the training lab's checkpoints. Pick one from the sidebar's list."), model="minilm")
    advice = joined("{first}; or {rest}", [Message.presentable("run the model on the GPU (device \"cuda\" in the sidebar), in float16, half the memory"), "x"])
    for message in (Message.presentable("That model is not one this server offers. Pick a bundled model, or a model folder from the sidebar's list (folders under {where}).", where="/srv"), refusal, advice):
        assert sidebar in say(message, lang)
        with i18n.language(lang, present=True):
            presented = say(message)
        assert sidebar not in presented and presented != say(message, lang)
    with i18n.language(lang, present=True):
        assert say(Message("Next")) == translate(lang, "Next")  # no presentation wording: the plain one
