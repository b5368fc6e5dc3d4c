"""The widget's Python side: traits that follow the browser, requests answered with the right arrays, bounded
payloads, the measure hook, and exports."""
from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
import torch
import traitlets

from attnviz.analysis import reduce
from attnviz.core.sources import DenseSource
from attnviz.notebook import measures, payload, show
from nbhelpers import Recorder, f32, softmax_stack

TOKENS = ["<s>", "The", " cat", " sat", " on", " the", " mat", "."]


@pytest.fixture()
def stack():
    return softmax_stack(3, 4, len(TOKENS), seed=1, causal=True)


@pytest.fixture()
def widget(stack):
    return show(tuple(stack[i][None] for i in range(3)), TOKENS)


def test_traits_start_from_show_and_are_checked(stack):
    w = show(tuple(stack[i][None] for i in range(3)), TOKENS, layer=2, head=1, token=3, view="head_view")
    assert (w.view, w.kind, w.layer, w.head, w.token, w.window, w.measure) == ("head_view", "self", 2, 1, 3, [], "weight")
    assert w.kinds == ["self"] and w.measures == ["weight"] and w.shapes == {"self": [3, 4, 8, 8]}
    for name, bad in [("layer", 3), ("head", -1), ("token", 8), ("view", "neuron_view"), ("kind", "cross"),
                      ("measure", "norm"), ("heads", [4]), ("window", [0, 2, 3])]:
        with pytest.raises(traitlets.TraitError):
            setattr(w, name, bad)
    w.window = [2, 99, -5, 4]  # clamped to the positions
    assert w.window == [2, 8, 0, 4]
    w.window = [0, 8, 0, 8]  # everything is no window at all
    assert w.window == []


def test_clicks_in_the_browser_come_back_as_traits_and_observers_run(widget):
    seen = []
    widget.observe(lambda change: seen.append((change["name"], change["new"])), names=["layer", "head", "token", "view"])
    rec = Recorder(widget)
    rec.browser_sets(layer=2, head=3, view="heatmap")  # a click on a model-view thumbnail sends these together
    rec.browser_sets(token=5)
    assert (widget.layer, widget.head, widget.token) == (2, 3, 5)
    assert ("layer", 2) in seen and ("head", 3) in seen and ("token", 5) in seen


def test_a_request_for_a_head_is_answered_with_that_head(widget, stack):
    rec = Recorder(widget)
    content, buffers = rec.ask(view="heatmap", layer=1, head=2)
    assert content["type"] == "data" and content["seq"] == 1 and content["view_id"] == "v"
    assert content["key"] == payload.Request(layer=1, head=2).key() == "heatmap|self|weight|1|2||"
    assert (content["rows"], content["cols"], content["pooled"]) == (8, 8, False)
    np.testing.assert_array_equal(f32(buffers[0], 8, 8), stack[1, 2].numpy())
    assert content["vmax"] == pytest.approx(float(stack[1, 2].max()))
    # a zoomed window: exactly those rows and columns
    content, buffers = rec.ask(view="heatmap", layer=0, head=3, window=[2, 6, 1, 4])
    assert (content["q0"], content["q1"], content["k0"], content["k1"]) == (2, 6, 1, 4)
    np.testing.assert_array_equal(f32(buffers[0], 4, 3), stack[0, 3, 2:6, 1:4].numpy())


def test_a_request_with_focus_carries_the_focused_row(widget, stack):
    content, buffers = Recorder(widget).ask(view="heatmap", layer=2, head=0, token=6)
    focus = content["focus"]
    assert (focus["token"], focus["k0"], focus["k1"]) == (6, 0, 8)
    row = f32(buffers[focus["buffer"]], 8)
    np.testing.assert_array_equal(row, stack[2, 0, 6].numpy())
    assert row[7] == 0 and row.sum() == pytest.approx(1, abs=1e-6)  # causal: nothing ahead of " mat"


def test_head_view_sends_every_head_of_the_layer(widget, stack):
    content, buffers = Recorder(widget).ask(view="head_view", layer=1, head=0)
    assert (content["heads"], content["q0"], content["q1"]) == (4, 0, 8)
    np.testing.assert_array_equal(f32(buffers[0], 4, 8, 8), stack[1].numpy())


def test_model_view_sends_thumbnails_scaled_to_their_maxima(widget, stack):
    content, buffers = Recorder(widget).ask(view="model_view")
    assert (content["layers"], content["heads"], content["rows"], content["cols"]) == (3, 4, 8, 8)  # 8 ≤ THUMB: exact
    peaks = f32(buffers[1], 3, 4)
    np.testing.assert_allclose(peaks, stack.amax(dim=(-1, -2)).numpy(), rtol=1e-6)
    u8 = np.frombuffer(buffers[0], dtype=np.uint8).reshape(3, 4, 8, 8)
    np.testing.assert_array_equal(u8, np.rint(stack.numpy() / peaks[:, :, None, None] * 255).astype(np.uint8))
    # with a focus, each thumbnail is that query's row
    content, buffers = Recorder(widget).ask(view="model_view", token=4)
    assert (content["rows"], content["cols"]) == (1, 8)
    np.testing.assert_allclose(f32(buffers[1], 3, 4), stack[:, :, 4].amax(-1).numpy(), rtol=1e-6)


def _long(n: int, layers: int = 2, heads: int = 3):
    stack = softmax_stack(layers, heads, n, seed=2)
    return stack, show(tuple(stack[i][None] for i in range(layers)), [f"t{i}" for i in range(n)])


def test_long_inputs_are_pooled_to_screen_resolution_by_hand():
    n = 10
    stack, w = _long(n)
    w.cells = 4  # four bins a side over ten positions: [0, 3), [2, 5), [5, 8), [7, 10) (adaptive pooling's bins)
    content, buffers = Recorder(w).ask(view="heatmap", layer=1, head=2)
    assert (content["rows"], content["cols"], content["pooled"]) == (4, 4, True)
    head = stack[1, 2].numpy()
    bins = [(0, 3), (2, 5), (5, 8), (7, 10)]
    want = np.array([[head[a:b, c:d].mean() for c, d in bins] for a, b in bins])
    np.testing.assert_allclose(f32(buffers[0], 4, 4), want, rtol=1e-5)


def test_payload_per_interaction_is_bounded_whatever_the_length():
    sizes = {}
    for n in (600, 1500):
        stack, w = _long(n)
        rec = Recorder(w)
        sizes[n] = {
            "heatmap": rec.ask(view="heatmap", layer=1, head=1),
            "focus": rec.ask(view="heatmap", layer=1, head=1, token=n - 1),
            "head_view": rec.ask(view="head_view", layer=0, head=0, token=n // 2),
            "model_view": rec.ask(view="model_view"),
        }
        assert w.sent == [payload.size(*m) for m in sizes[n].values()]
    for n, answers in sizes.items():
        heat, heat_buffers = answers["heatmap"]
        assert len(heat_buffers[0]) == payload.MAX_CELLS ** 2 * 4  # not n² · 4
        _, focus_buffers = answers["focus"]
        assert len(focus_buffers[1]) == payload.STRIP_TOKENS * 4
        hv, hv_buffers = answers["head_view"]
        assert hv["q1"] - hv["q0"] == payload.HEAD_VIEW_TOKENS and hv["q0"] <= n // 2 < hv["q1"]
        assert len(hv_buffers[0]) == 3 * payload.HEAD_VIEW_TOKENS ** 2 * 4
        _, mv_buffers = answers["model_view"]
        assert len(mv_buffers[0]) == 2 * 3 * payload.THUMB ** 2
    for view in ("heatmap", "focus", "head_view", "model_view"):  # the same bytes at 600 and 1,500 tokens
        assert abs(payload.size(*sizes[600][view]) - payload.size(*sizes[1500][view])) < 200
    assert payload.size(*sizes[1500]["heatmap"]) < 0.3e6


def test_pooled_thumbnails_are_the_domain_reduction():
    stack, w = _long(100)
    content, buffers = Recorder(w).ask(view="model_view")
    want = reduce.pooled(w.capture.source("self"), payload.THUMB)
    np.testing.assert_allclose(f32(buffers[1], 2, 3), want.reshape(2, 3, -1).max(-1), rtol=1e-6)


def test_a_bad_request_answers_with_an_error_not_a_traceback(widget):
    content, buffers = Recorder(widget).ask(view="heatmap", layer=7, head=0)
    assert content["type"] == "error" and "layer 7" in content["message"] and buffers == []


def test_kind_change_keeps_what_fits(hf_folders):
    import transformers as tf

    folder = hf_folders["marian"]
    tok = tf.AutoTokenizer.from_pretrained(folder)
    model = tf.AutoModelForSeq2SeqLM.from_pretrained(folder, attn_implementation="eager").eval()
    src = tok("the cat sat on the mat", return_tensors="pt")
    tgt = tok("le chat", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        out = model(**src, decoder_input_ids=tgt, output_attentions=True)
    n_src = src["input_ids"].shape[1]
    w = show(out, tok.convert_ids_to_tokens(src["input_ids"][0]),
             target_tokens=tok.convert_ids_to_tokens(tgt[0]), token=n_src - 1, layer=1, head=3)
    w.window = [1, 3, 1, 3]
    w.kind = "cross"  # the decoder has fewer positions: the focus on a source position goes, the zoom too
    assert (w.layer, w.head, w.token, w.window) == (1, 3, None, [])


def test_measures_come_from_the_capture_and_a_registered_one_is_drawn(widget, stack, monkeypatch):
    assert measures.available(widget.capture) == ["weight"]
    uniform = torch.full_like(stack, 1 / len(TOKENS))
    monkeypatch.setitem(measures.MEASURES, "uniform", lambda cap, kind: DenseSource(uniform))
    w = show(widget.capture)
    assert w.measures == ["weight", "uniform"]
    w.measure = "uniform"
    content, buffers = Recorder(w).ask(view="heatmap", layer=0, head=0, measure="uniform")
    assert content["key"] == "heatmap|self|uniform|0|0||"
    np.testing.assert_allclose(f32(buffers[0], 8, 8), 1 / len(TOKENS))


def test_save_html_embeds_the_shown_answers_and_escapes_tokens(tmp_path, stack):
    tokens = ["<s>", "</script><img src=x onerror=alert(1)>", "a&b", "<!--", "x", "y", "z", "."]
    w = show(tuple(stack[i][None] for i in range(3)), tokens, layer=2, head=1)
    path = w.save_html(tmp_path / "page.html", heads=[(0, 3)])
    text = path.read_text(encoding="utf-8")
    assert "<img" not in text and "<!--" not in text.split("<body>")[1]
    assert text.count("</script>") == 2  # the two script elements' own ends, none from a token
    assert "connect-src 'none'" in text and "http://" not in text and "https://" not in text
    blob = re.search(r'<script type="application/json" id="attnviz-data">(.*?)</script>', text, re.DOTALL).group(1)
    data = json.loads(blob)
    assert data["state"]["tokens"] == tokens and (data["state"]["layer"], data["state"]["head"]) == (2, 1)
    assert sorted(data["answers"]) == ["heatmap|self|weight|0|3||", "heatmap|self|weight|2|1||"]
    shown = data["answers"]["heatmap|self|weight|2|1||"]
    cells = np.frombuffer(base64.b64decode(shown["buffers"][0]), dtype="<f4").reshape(8, 8)
    np.testing.assert_array_equal(cells, stack[2, 1].numpy())


def test_export_buttons_and_save_svg_go_through_the_front_end(widget, tmp_path):
    rec = Recorder(widget)
    export_id = widget.save_svg(tmp_path / "fig.svg")
    assert rec.messages[-1][0] == {"type": "export", "id": export_id, "format": "svg"}
    assert widget.pending_exports == [export_id]
    rec.browser_says({"type": "exported", "id": export_id, "format": "svg", "svg": "<svg>drawn</svg>"})
    assert (tmp_path / "fig.svg").read_text() == "<svg>drawn</svg>" and widget.pending_exports == []
    png_id = widget.save_png(tmp_path / "fig.png")
    rec.browser_says({"type": "exported", "id": png_id, "format": "png"}, [memoryview(b"\x89PNG\r\n")])
    assert (tmp_path / "fig.png").read_bytes() == b"\x89PNG\r\n"
    rec.browser_says({"type": "exported", "id": png_id, "format": "png"}, [b"again"])  # a second view's answer
    assert (tmp_path / "fig.png").read_bytes() == b"\x89PNG\r\n"
    rec.messages.clear()
    rec.browser_says({"type": "export_html"})
    (content, _), = rec.messages
    assert content["type"] == "html" and content["name"] == "attnviz-heatmap-layer0-head0.html"
    assert '<div id="attnviz">' in content["html"]


def test_the_captures_notes_travel_with_the_widget():
    w = show("scratch-encoder", "ab " * 300)  # longer than the 128 positions the model takes
    assert w.notes == [str(n) for n in w.capture.notes]
    assert w.notes == ["The text is 900 tokens; this model takes 128, so only the first 128 are shown."]
    assert len(w.tokens) == 128


def test_grouped_query_attention_names_the_shared_key_value_heads(glass):
    w = show(glass, "The cat sat on the mat.")  # glassllm: 4 query heads reading 2 key/value heads
    assert w.kv_heads == {"self": 2} and w.shapes["self"][1] == 4
    assert show(w.capture.source("self").dense()[:, None].unbind(0), w.tokens).kv_heads == {}  # tensors alone: unknown
