"""The training lab in English and 简体中文: every string from the catalogues, before and after a finished job."""
import time

import pytest
from apphelpers import assert_clean, figures, messages, open_page
from catalogue_check import not_in_catalogue

from attnviz.core import settings
from attnviz.i18n import translate
from attnviz.app.state import sidebar, training

# what the page may show that is data, not prose: model ids, devices, the language switch's own names
DATA = ("attnviz", "minilm", "glassllm-en", "auto", "cpu", "cuda", "mps", "Language · 语言", "English", "简体中文")


@pytest.fixture(autouse=True)
def checkpoint_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTNVIZ_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    settings.current.cache_clear()
    yield
    settings.current.cache_clear()


def _click(at, label):
    next(b for b in at.button if b.label == label).click().run()
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_empty_lab_speaks_one_language(lang):
    at = open_page(training, {sidebar.LANG: lang})
    assert_clean(at)
    assert [t.value for t in at.title] == [translate(lang, "Training lab")]
    assert at.info[0].value == translate(lang, "Choose a task and press **Start training**. The defaults train the reverse task to 100% held-out accuracy in a few seconds on a laptop CPU.")
    assert not_in_catalogue(at, DATA) == []
    task = at.selectbox(key=training.TASK)
    assert task.value == "reverse"  # the value stays the task's name; only what is shown is translated
    if lang == "zh":
        assert "倒序：把输入倒过来写" in task.options
        assert at.selectbox(key=training.ARCHITECTURE).options == ["任务默认", "编码器", "解码器", "编码器-解码器"]
        assert at.selectbox(key=training.DEVICE).options[0] == "自动"


def test_bad_settings_are_told_in_chinese():
    at = open_page(training, {sidebar.LANG: "zh", training.HEADS: 5})
    _click(at, "开始训练")
    assert "5 个头无法整除 d_model = 64：请选一个能整除它的头数。" in messages(at, "error")
    at = open_page(training, {sidebar.LANG: "zh", training.TASK: "induction", training.ARCHITECTURE: "encoder"})
    _click(at, "开始训练")
    # the task's name inside the sentence is translated too
    assert any(e.startswith("“归纳”任务的答案") for e in messages(at, "error"))
    assert not_in_catalogue(at, DATA) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_finished_job_and_its_checkpoint_speak_one_language(lang):
    at = open_page(training, {sidebar.LANG: lang, training.STEPS: 10, training.EVERY: 5, training.D_MODEL: 32})
    _click(at, translate(lang, "Start training"))
    job = at.session_state[training.JOB]
    deadline = time.time() + 300
    while job.active and time.time() < deadline:
        time.sleep(0.2)
    assert job.status == "finished" and not job.error
    at.run()
    assert_clean(at)
    assert [s.value for s in at.subheader] == [translate(lang, "Attention of the probe, step by step"), translate(lang, "Try it and keep it")]
    progress = at.get("progress")[0].proto.text
    assert progress.startswith(translate(lang, "{state}: step {step} of {steps} · {task}, {arch}, {positional} positions, {layers} layers × {heads} heads, d_model {d_model}, on {device}", state=translate(lang, "finished"),
                                      step=10, steps=10, task=translate(lang, "reverse"),
                                      arch=translate(lang, "encoder"), positional="", layers=2,
                                      heads=4, d_model=32, device="").split(" · ")[0])
    assert {m.label for m in at.metric} == {translate(lang, k)
                                            for k in ("Step", "Loss", "Batch accuracy", "Held-out accuracy")}
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert titles[:2] == [translate(lang, "Loss"), translate(lang, "Token accuracy")]
    assert titles[2] == translate(lang, "head {head}", head=0)
    assert not_in_catalogue(at, DATA) == []
    at.text_input(key=training.NAME).set_value("a/b").run()
    _click(at, translate(lang, "Save checkpoint"))
    assert messages(at, "error")[0].startswith(translate(lang, "A checkpoint is named, not given a path: the name cannot hold '/', '\\' or '~'. It is saved in this server's checkpoint folder. {rules}", rules="").strip())
    at.text_input(key=training.NAME).set_value("mine").run()
    _click(at, translate(lang, "Save checkpoint"))
    _click(at, translate(lang, "Save checkpoint"))  # the name again: asked, in this language
    assert at.warning[0].value == translate(lang, "A checkpoint called {name} already exists. Replace it, or save this model as {other}?", name="`mine`", other="`mine-2`")
    assert not_in_catalogue(at, DATA) == []
    if lang == "zh":
        assert any(s.value == "试一试，存下来" for s in at.subheader)
        assert "跟随最新快照" in [w.label for w in at.toggle]
