"""AppTest on app.py: the home page, the shared sidebar and every bad input it can get."""
import numpy as np
import pytest

from apphelpers import assert_clean, figures, heatmap_z, messages, open_app

from attnviz import capture
from attnviz.app.shell.sidebar import DEFAULT_TEXT
from attnviz.app.state import home, sidebar


def test_default_page_shows_minilm_facts_and_a_heatmap(minilm):
    app = open_app()
    assert_clean(app)
    facts = app.markdown[0].value
    assert "**encoder**" in facts and "**6**" in facts and "**12**" in facts and "**384**" in facts
    assert "**learned**" in facts
    cap = capture(minilm, DEFAULT_TEXT)
    z = heatmap_z(app)
    assert z.shape == (len(cap.tokens), len(cap.tokens))
    assert np.allclose(z, cap.head("self", 0, 0), atol=1e-6)
    assert figures(app)[0]["layout"]["yaxis"]["ticktext"][0] == "[CLS]"


def test_changing_head_and_layer_changes_the_heatmap(minilm):
    app = open_app()
    cap = capture(minilm, DEFAULT_TEXT)
    before = heatmap_z(app)
    app.slider(key=home.PICKERS.head).set_value(3).run()
    assert_clean(app)
    after = heatmap_z(app)
    assert not np.allclose(before, after)
    assert np.allclose(after, cap.head("self", 0, 3), atol=1e-6)
    app.slider(key=home.PICKERS.layer).set_value(5).run()
    assert np.allclose(heatmap_z(app), cap.head("self", 5, 3), atol=1e-6)
    assert "layer 5 · head 3" in figures(app)[0]["layout"]["title"]["text"]
    app.toggle(key=home.LOG).set_value(True).run()
    assert np.allclose(heatmap_z(app), np.log10(np.clip(cap.head("self", 5, 3), 1e-6, None)), atol=1e-5)


def test_typed_text_is_captured():
    app = open_app({sidebar.TEXT: "Dogs bark."})
    assert_clean(app)
    assert figures(app)[0]["layout"]["xaxis"]["ticktext"] == ["[CLS]", "dogs", "bark", ".", "[SEP]"]


def test_empty_text_gets_a_message_and_keeps_the_box():
    app = open_app({sidebar.TEXT: "   "})
    assert_clean(app)
    assert any("empty" in w for w in messages(app, "warning"))
    assert not app.get("plotly_chart")
    app.run()
    assert app.session_state[sidebar.TEXT] == "   "


def test_long_text_is_truncated_with_a_warning():
    app = open_app({sidebar.TEXT: "word " * 600})
    assert_clean(app)
    # longer than the model reads: the window it reads (the start, until the sidebar's picker moves it) is said
    assert "Tokens 0–509 of 600: 0 cut before, 90 after." in messages(app, "warning"), messages(app, "warning")
    assert heatmap_z(app).shape == (128, 128)  # drawn pooled, 4 × 4 positions a cell (the title says so)
    assert "pooled: 4 × 4 positions a cell" in figures(app)[0]["layout"]["title"]["text"]


def test_custom_without_a_path_asks_for_one():
    app = open_app({sidebar.MODEL: "custom"})
    assert_clean(app)
    assert any("Enter the path" in i for i in messages(app, "info"))


@pytest.mark.parametrize("path,expected", [
    ("/no/such/folder", "There is no folder"),
    ("/tmp", "no config.json"),
    ("some-org/some-model", "offline"),
])
def test_bad_model_paths_get_messages_and_keep_what_was_typed(path, expected):
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: path, sidebar.TEXT: "My own words."})
    assert_clean(app)
    assert any(expected in e for e in messages(app, "error")), messages(app, "error")
    app.run()
    assert app.session_state[sidebar.PATH] == path and app.session_state[sidebar.TEXT] == "My own words."
    assert any(expected in e for e in messages(app, "error"))


def test_remote_code_model_is_refused_with_the_way_out(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "secret", "auto_map": {"AutoModel": "m.M"}}')
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: str(tmp_path)})
    assert any("Allow remote code" in e for e in messages(app, "error"))


def test_your_own_folder_loads(hf_folders):
    app = open_app({sidebar.MODEL: "custom", sidebar.PATH: str(hf_folders["gpt2"])})
    assert_clean(app)
    assert "**decoder**" in app.markdown[0].value
    z = heatmap_z(app)
    assert np.allclose(np.triu(z, 1), 0) and np.allclose(z.sum(1), 1, atol=1e-3)


def test_encoder_decoder_shows_three_kinds_and_decoder_text():
    app = open_app({sidebar.MODEL: "scratch-seq2seq", sidebar.TEXT: "12345", sidebar.TARGET: "abc"})
    assert_clean(app)
    radio = app.radio(key=home.PICKERS.kind)
    assert radio.options == ["self-attention", "decoder self-attention", "cross-attention"]
    radio.set_value("cross").run()
    assert heatmap_z(app).shape == (4, 5)  # <bos> a b c × 1 2 3 4 5
    spec = figures(app)[0]["layout"]
    assert spec["yaxis"]["ticktext"] == ["&lt;bos&gt;", "a", "b", "c"]
    assert spec["xaxis"]["ticktext"] == ["1", "2", "3", "4", "5"]


def test_glassllm_states_key_value_sharing():
    app = open_app({sidebar.MODEL: "glassllm-en"})
    app.slider(key=home.PICKERS.head).set_value(2).run()
    assert_clean(app)
    infos = " ".join(messages(app, "info"))
    assert "Query head 2 reads key/value head 1, and so does query head 3:" in infos
    assert "**4 query, 2 key/value**" in app.markdown[0].value
    assert "**rotary**" in app.markdown[0].value
