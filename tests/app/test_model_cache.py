"""The app's caches: a model folder rewritten while the app runs opens as its new self; captures are shared
between sessions (the same object); the page says how much memory the model and the capture take."""
from __future__ import annotations

import shutil
import time

import numpy as np
import torch
from apphelpers import assert_clean, heatmap_z, messages, open_app

from attnviz import capture, load_model
from attnviz.app.state import explorer, sidebar

TEXT = "the cat sat on the mat"


def _rewrite_weights(folder):
    """Save other weights into the same folder (what retraining into a folder does)."""
    import transformers as tf

    model = tf.BertModel.from_pretrained(folder)
    torch.manual_seed(1)
    with torch.no_grad():  # large random queries and keys: sharp patterns, unlike the near-uniform original
        for layer in model.encoder.layer:
            layer.attention.self.query.weight.normal_(0, 1)
            layer.attention.self.key.weight.normal_(0, 1)
    time.sleep(0.01)  # a later modification time even on coarse clocks
    model.save_pretrained(folder)


def test_rewritten_folder_opens_with_its_new_weights(hf_folders, tmp_path):
    folder = tmp_path / "bert"
    shutil.copytree(hf_folders["bert"], folder)
    first = open_app({sidebar.MODEL: "custom", sidebar.PATH: str(folder), sidebar.TEXT: TEXT})
    assert_clean(first)
    old = heatmap_z(first)
    _rewrite_weights(folder)
    second = open_app({sidebar.MODEL: "custom", sidebar.PATH: str(folder), sidebar.TEXT: TEXT})
    assert_clean(second)
    new = heatmap_z(second)
    expected = capture(load_model(str(folder), device="cpu"), TEXT).head("self", 0, 0)
    assert np.allclose(new, expected, atol=1e-3)  # the page draws float16-rounded values
    assert np.abs(new - old).max() > 0.1


def test_sessions_share_one_capture_object():
    from attnviz.app.pipeline.cache import cached_capture, shared_captures
    from attnviz.app.state.selection import Selection

    a = cached_capture(Selection("scratch-encoder", "cpu", False, "shared words", ""))
    b = cached_capture(Selection("scratch-encoder", "cpu", False, "shared words", ""))
    assert a is b  # not an unpickled copy per rerun
    assert shared_captures().nbytes >= a.nbytes() > 0


def test_memory_is_shown_on_the_home_page():
    app = open_app({sidebar.MODEL: "minilm", sidebar.TEXT: TEXT})
    assert_clean(app)
    captions = [c.value for c in app.caption]
    line = next(c for c in captions if c.startswith("Memory: model"))
    assert "MB on cpu" in line and "this capture" in line and "every weight stored (eager)" in line


def test_explorer_views_in_qk_mode_show_eager_numbers(minilm, monkeypatch):
    """With q/k chosen for every stack, each view draws what an eager capture gives, and the page says so."""
    from apphelpers import open_page

    from attnviz.analysis import reduce
    from attnviz.core import settings

    monkeypatch.setattr(settings, "current", lambda: settings.Settings(eager_stack_mb=0))
    text = "queries and keys only, computed when shown"
    eager = capture(minilm, text, mode="eager")
    at = open_page(explorer, {sidebar.TEXT: text, explorer.LAYER: 2, explorer.HEAD: 4})
    assert_clean(at)
    assert np.allclose(heatmap_z(at), eager.head("self", 2, 4), atol=1e-5)
    assert any("queries and keys, each head computed on demand" in c.value for c in at.caption)
    at = open_page(explorer, {sidebar.TEXT: text, explorer.VIEW: "Aggregates", explorer.AGGREGATE: "rollout",
                              explorer.LAYER: 5})
    assert_clean(at)
    assert np.allclose(heatmap_z(at), reduce.rollout(eager.attention["self"])[5], atol=1e-5)
    for view in ("Model view", "Statistics", "Head view", "Query–key"):
        assert_clean(open_page(explorer, {sidebar.TEXT: text, explorer.VIEW: view}))


def test_a_capture_past_the_budget_gets_a_message_not_a_crash(monkeypatch):
    from attnviz.core import settings

    monkeypatch.setattr(settings, "current", lambda: settings.Settings(capture_max_mb=0, eager_stack_mb=1))
    app = open_app({sidebar.MODEL: "scratch-encoder", sidebar.TEXT: "too large for a zero budget"})
    assert_clean(app)
    error = " ".join(messages(app, "error"))
    assert "per-capture budget" in error and "shorten the text" in error
    assert app.session_state[sidebar.TEXT] == "too large for a zero budget"  # what was typed is kept
