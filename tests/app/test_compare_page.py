"""AppTest of the compare page: two models, two texts, one colour scale, a pane that fails, texts with nothing in common."""
import numpy as np

from apphelpers import assert_clean, decode, figures, link_query, messages, open_page, panes

import attnviz
from attnviz.app.state import compare, sidebar

HE, SHE = "The doctor said he was late.", "The doctor said she was late."


def _titles(at) -> list[str]:
    return [f["layout"]["title"]["text"] for f in figures(at)]


def _titled(at, start: str) -> dict:
    """The figure whose title starts with `start` (the sections' order may change; their titles say what they are)."""
    found = [f for f in figures(at) if f["layout"]["title"]["text"].startswith(start)]
    assert len(found) == 1, _titles(at)
    return found[0]


def _captions(at) -> str:
    return " ".join(el.value for el in at.caption)


def test_two_different_models_on_one_colour_scale(minilm, glass):
    at = open_page(compare, {**panes({"model": "minilm", "text": HE}, {"model": "glassllm-en", "text": HE}),
                             compare.LAYER_A: 5, compare.HEAD_A: 3})
    assert_clean(at)
    titles = _titles(at)
    # A's layer 5 of 6 is B's layer 3 of 4 (last to last); head 3 of 12 is head 1 of 4
    assert titles[:2] == ["self-attention · layer 5 · head 3", "self-attention · layer 3 · head 1"]
    assert "B layer 3 head 1 − A layer 5 head 3" in titles and "A heads (rows) × B heads (columns)" in titles
    heat_a, heat_b = figures(at)[:2]
    za, zb = decode(heat_a["data"][0]["z"]), decode(heat_b["data"][0]["z"])
    a = attnviz.capture(minilm, HE).head("self", 5, 3)
    b = attnviz.capture(glass, HE).head("self", 3, 1)
    assert np.allclose(za, a, atol=1e-6) and np.allclose(zb, b, atol=1e-6)
    zmax = max(a.max(), b.max())
    assert heat_a["data"][0]["zmax"] == heat_b["data"][0]["zmax"] and abs(heat_a["data"][0]["zmax"] - zmax) < 1e-6
    assert heat_a["data"][0]["zmin"] == heat_b["data"][0]["zmin"] == 0
    assert f"One colour scale for both panes: 0 (white) to {zmax:.3f}" in _captions(at)
    assert "A has 6 layers and B 4" in _captions(at)
    diff = _titled(at, "B layer")["data"][0]
    assert diff["zmid"] == 0 and diff["zmin"] == -diff["zmax"]  # diverging, centred on zero
    dist = decode(_titled(at, "A heads")["data"][0]["z"])
    assert dist.shape == (72, 16)
    assert link_query({compare.pane("b", "model"): "glassllm-en"}) in at.get("code")[-1].value


def test_one_model_two_texts_aligns_the_changed_word(minilm):
    at = open_page(compare, panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": SHE}))
    assert_clean(at)
    diff = _titled(at, "B layer")
    labels = diff["layout"]["yaxis"]["ticktext"]
    assert labels == ["[CLS]", "The", "doctor", "said", "he→she", "was", "late", ".", "[SEP]"]
    a, b = attnviz.capture(minilm, HE).head("self", 0, 0), attnviz.capture(minilm, SHE).head("self", 0, 0)
    z = decode(diff["data"][0]["z"])
    assert np.allclose(z, b - a, atol=1e-6)  # same tokenisation, one word changed: B − A token by token
    dist = decode(_titled(at, "A heads")["data"][0]["z"])
    assert dist.shape == (72, 72) and np.all(np.diag(dist) < 0.2)  # one word changes each head a little


def test_a_pane_that_fails_leaves_the_other_working():
    at = open_page(compare, panes({"model": "minilm", "text": HE}, {"model": "custom", "path": "/no/such/model",
                                   "text": HE}))
    assert_clean(at)
    errors = messages(at, "error")
    assert len(errors) == 1 and errors[0].startswith("Pane B failed:") and "/no/such/model" in errors[0]
    assert _titles(at) == ["self-attention · layer 0 · head 0"]  # pane A still draws its view
    assert any("pane B did not load" in m for m in messages(at, "info"))
    assert at.text_area(key=compare.pane("b", "text")).value == HE  # nothing typed is lost


def test_texts_with_no_characters_in_common_show_both_panes_without_a_difference(minilm):
    at = open_page(compare, panes({"model": "minilm", "text": "abc"}, {"model": "minilm", "text": "xyz"}))
    assert_clean(at)
    assert _titles(at)[:2] == ["self-attention · layer 0 · head 0"] * 2
    assert not [t for t in _titles(at) if t.startswith(("B layer", "A heads", "The 10"))]  # nothing to align
    assert any("no characters in common" in m for m in messages(at, "info"))


def test_positions_shuffled_in_pane_b_from_a_link(minilm):
    at = open_page(compare, {**panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": HE, "pos": "shuffled"}),
                             compare.LAYER_A: 0, compare.HEAD_A: 2})
    assert_clean(at)
    shuffled = attnviz.capture(minilm, HE, positions="shuffled").head("self", 0, 2)
    assert np.allclose(decode(figures(at)[1]["data"][0]["z"]), shuffled, atol=1e-6)
    assert link_query({compare.pane("b", "pos"): "shuffled"}) in at.get("code")[-1].value


def test_checkpoint_against_its_untrained_start(tmp_path):
    from attnviz.training.trainer import TrainConfig, Trainer

    trainer = Trainer(TrainConfig(task="reverse", steps=30, device="cpu"))
    trainer.run()
    folder = str(trainer.save(tmp_path / "reverse"))
    at = open_page(compare, panes({"model": "custom", "path": folder, "text": "31415"}, {"model": "untrained",
                                   "path": folder, "text": "31415"}))
    assert_clean(at)
    assert not messages(at, "error")
    za, zb = (decode(f["data"][0]["z"]) for f in figures(at)[:2])
    assert za.shape == zb.shape == (5, 5) and not np.allclose(za, zb)  # training moved the weights
    dist = decode(_titled(at, "A heads")["data"][0]["z"])
    assert dist.shape == (8, 8)  # 2 layers × 4 heads on each side
    link = at.get("code")[-1].value
    assert link_query({compare.pane("b", "model"): "untrained"}) in link and link_query({compare.pane("b", "path"): ""}) in link


def test_every_explorer_view_draws_in_both_panes(minilm, glass):
    expected = {"Head view": "self-attention · layer 1", "Model view": "self-attention: all heads",
                "Aggregates": "mean over heads · layer 1", "Statistics": "entropy per head",
                "Query–key": "self-attention · layer 1 · head 2"}
    for view, title in expected.items():
        at = open_page(compare, {**panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": SHE}),
                                 compare.VIEW: view, compare.LAYER_A: 1, compare.HEAD_A: 2})
        assert_clean(at)
        assert _titles(at)[:2] == [title, title], view
    at = open_page(compare, {**panes({"model": "minilm", "text": HE}, {"model": "glassllm-en", "text": HE}),
                             compare.VIEW: "Statistics"})
    za, zb = (f["data"][0] for f in figures(at)[:2])
    assert za["zmin"] == zb["zmin"] and za["zmax"] == zb["zmax"]  # one colour scale for both panes


def test_a_shared_server_refuses_a_pane_folder_as_everywhere_else(monkeypatch, tmp_path, hf_folders):
    from attnviz.core import settings

    shared = settings.from_environment({"ATTNVIZ_SHARED": "1", "ATTNVIZ_CHECKPOINT_DIR": str(tmp_path)})
    monkeypatch.setattr(settings, "current", lambda: shared)
    at = open_page(compare, panes({"model": "minilm", "text": HE}, {"model": "custom",
                                   "path": str(hf_folders["bert"]), "text": HE}))
    assert_clean(at)
    errors = messages(at, "error")
    assert len(errors) == 1 and errors[0].startswith("Pane B failed: This server offers only its bundled models")
    assert str(hf_folders["bert"]) not in errors[0]
    assert _titles(at) == ["self-attention · layer 0 · head 0"]  # pane A still works


def _downloads(monkeypatch) -> dict:
    """Record each deferred download's callable (AppTest's runtime drops them after the run), by file id."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict = {}
    real = MediaFileManager.add_deferred

    def add_deferred(self, data, *args, **kwargs):
        file_id = real(self, data, *args, **kwargs)
        made[file_id] = data
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return made


def test_the_report_button_downloads_the_report_in_the_page_language(monkeypatch, minilm):
    made = _downloads(monkeypatch)
    at = open_page(compare, {sidebar.LANG: "zh",
                             **panes({"model": "minilm", "text": HE}, {"model": "minilm", "text": SHE})})
    assert_clean(at)
    button = [b for b in at.get("download_button") if b.proto.label == "比较报告（HTML，可离线查看）"]
    assert len(button) == 1
    report = made[button[0].proto.deferred_file_id]()
    assert report.startswith('<!doctype html><html lang="zh">') and "<h2>词元对齐</h2>" in report
    assert "<h2>头之间的距离</h2>" in report and "Token alignment" not in report and "Head distances" not in report
    assert "<code>The doctor said he was late.</code>" in report  # the panes' texts, as typed


def test_presenting_every_control_is_still_there_and_a_failed_pane_says_so_on_the_page():
    at = open_page(compare, {sidebar.PRESENT: True, **panes({}, {"model": "custom", "text": "x"})})
    assert_clean(at)
    # folded into popovers, not gone: both panes' texts and models, the set-ups, the layer slider, the view
    assert {ta.key for ta in at.text_area} >= {compare.pane("a", "text"), compare.pane("b", "text")}
    assert {sb.key for sb in at.selectbox} >= {compare.pane("a", "model"), compare.pane("b", "model")}
    assert at.slider(key=compare.LAYER_A) is not None and at.radio(key=compare.VIEW).value == "Heatmap"
    # the failed pane says so (drawn after the popovers, on the page), and the other pane still draws
    assert "Pane B: enter a folder path, or pick an offline model." in messages(at, "info")
    assert len(figures(at)) == 1  # pane A still draws its heatmap
