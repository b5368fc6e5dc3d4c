"""show() takes what researchers have in hand; each source gives the same weights, answered head by head."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from attnviz.notebook import show
from attnviz.notebook import tensors
from attnviz.notebook.inputs import UNKNOWN_INPUT
from nbhelpers import Recorder, f32, softmax_stack


def heatmap_of(w, layer: int, head: int, kind: str = "self") -> np.ndarray:
    content, buffers = Recorder(w).ask(view="heatmap", kind=kind, layer=layer, head=head)
    return f32(buffers[0], content["rows"], content["cols"])


def test_model_name_and_text():
    w = show("scratch-decoder", "abc abc")
    cap = w.capture
    assert w.tokens == cap.tokens and len(w.tokens) == cap.shape("self")[2]
    np.testing.assert_array_equal(heatmap_of(w, 1, 2), cap.head("self", 1, 2))
    assert np.allclose(np.triu(heatmap_of(w, 0, 0), 1), 0)  # a causal decoder attends to nothing ahead


def test_model_folder_and_text(hf_folders):
    w = show(hf_folders["bert"], "the cat sat on the mat", device="cpu")
    assert w.tokens[0] == "[CLS]" and w.tokens[-1] == "[SEP]"
    assert w.shapes == {"self": [2, 4, len(w.tokens), len(w.tokens)]}
    np.testing.assert_allclose(heatmap_of(w, 1, 3).sum(axis=1), 1, atol=1e-5)


def test_loaded_model_and_text(minilm):
    w = show(minilm, "The cat sat on the mat.")
    # MiniLM's layer 0, head 2 attends to the previous token (README): each row's largest weight is one to the left
    m = heatmap_of(w, 0, 2)
    assert list(m.argmax(axis=1)[2:]) == list(range(1, len(w.tokens) - 1))


def test_a_capture_is_shown_as_it_is(minilm):
    from attnviz import capture

    cap = capture(minilm, "A capture made beforehand.")
    w = show(cap, layer=3, head=7, view="model_view")
    assert w.capture is cap and (w.layer, w.head, w.view) == (3, 7, "model_view")


def _hf_bert(folder):
    import transformers as tf

    tok = tf.AutoTokenizer.from_pretrained(folder)
    model = tf.AutoModel.from_pretrained(folder, attn_implementation="eager").eval()
    return tok, model


def test_hugging_face_outputs_attentions(hf_folders):
    tok, model = _hf_bert(hf_folders["bert"])
    batch = tok(["the cat sat on the mat", "a dog ran in the park"], return_tensors="pt")
    with torch.no_grad():
        out = model(**batch, output_attentions=True)
    tokens = tok.convert_ids_to_tokens(batch["input_ids"][1])
    w = show(out.attentions, tokens, batch=1)  # the second sentence of the batch
    assert w.tokens == tokens and w.shapes["self"] == [2, 4, len(tokens), len(tokens)]
    for layer, head in [(0, 0), (1, 3)]:
        np.testing.assert_array_equal(heatmap_of(w, layer, head), out.attentions[layer][1, head].numpy())
    # the output object itself reads the same, and the tensors are read in place, not copied
    w2 = show(out, tokens=tokens, batch=1)
    assert w2.capture.source("self").layers[0].data_ptr() == out.attentions[0].data_ptr()


def test_hugging_face_encoder_decoder_outputs(hf_folders):
    import transformers as tf

    folder = hf_folders["marian"]
    tok = tf.AutoTokenizer.from_pretrained(folder)
    model = tf.AutoModelForSeq2SeqLM.from_pretrained(folder, attn_implementation="eager").eval()
    src = tok("the cat sat", return_tensors="pt")
    tgt = tok("le chat", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        out = model(**src, decoder_input_ids=tgt, output_attentions=True)
    source_tokens = tok.convert_ids_to_tokens(src["input_ids"][0])
    target_tokens = tok.convert_ids_to_tokens(tgt[0])
    w = show(out, source_tokens, target_tokens=target_tokens)
    assert w.kinds == ["self", "decoder_self", "cross"]
    assert w.shapes["cross"] == [2, 4, len(target_tokens), len(source_tokens)]
    np.testing.assert_array_equal(heatmap_of(w, 1, 2, "cross"), out.cross_attentions[1][0, 2].numpy())
    np.testing.assert_array_equal(heatmap_of(w, 0, 1, "decoder_self"), out.decoder_attentions[0][0, 1].numpy())


class FakeActivationCache:
    """What TransformerLens' ActivationCache offers that show() reads: keys() and cache[name]."""

    def __init__(self, store: dict):
        self._store = store

    def keys(self):
        return self._store.keys()

    def __getitem__(self, name):
        return self._store[name]


def test_transformer_lens_cache_by_duck_typing():
    stack = softmax_stack(3, 2, 5, causal=True)  # [layer, head, query_pos, key_pos]
    store = {"hook_embed": torch.zeros(1, 5, 8)}
    for i in range(3):
        store[f"blocks.{i}.attn.hook_pattern"] = stack[i][None]  # [batch, head, query_pos, key_pos]
        store[f"blocks.{i}.attn.hook_z"] = torch.zeros(1, 5, 2, 4)
    tokens = ["<|endoftext|>", "The", " cat", " sat", "."]
    w = show(FakeActivationCache(store), tokens)
    assert w.shapes["self"] == [3, 2, 5, 5] and w.tokens == tokens
    np.testing.assert_array_equal(heatmap_of(w, 2, 1), stack[2, 1].numpy())
    # a cache run with remove_batch_dim=True holds [head, query_pos, key_pos], and numpy arrays read the same way
    flat = {f"blocks.{i}.attn.hook_pattern": stack[i].numpy() for i in range(3)}
    np.testing.assert_array_equal(heatmap_of(show(flat, tokens), 1, 0), stack[1, 0].numpy())


def test_inputs_that_do_not_fit_say_what_to_fix():
    stack = softmax_stack(2, 2, 4)
    layers = tuple(stack[i][None] for i in range(2))
    with pytest.raises(ValueError, match="tokens has 3 entries, but the attention has 4 positions"):
        show(layers, ["a", "b", "c"])
    with pytest.raises(ValueError, match="pass the tokens as well"):
        show(layers)
    with pytest.raises(ValueError, match="output_attentions=True"):
        show((None, None), ["a", "b", "c", "d"])  # what SDPA returns: no weights
    with pytest.raises(IndexError, match="batch 3 is out of range"):
        show(layers, list("abcd"), batch=3)
    with pytest.raises(ValueError, match="layer 1 has shape"):
        show((layers[0], layers[1][:, :1]), list("abcd"))
    with pytest.raises(ValueError, match="layers \\[0, 2\\]"):
        show({"blocks.0.attn.hook_pattern": layers[0], "blocks.2.attn.hook_pattern": layers[1]}, list("abcd"))
    with pytest.raises(TypeError, match="pass a text as well"):
        show("minilm")
    with pytest.raises(TypeError, match=re.escape(UNKNOWN_INPUT.format(type="int"))):
        show(42)


def test_tokens_are_kept_as_given_even_markup():
    stack = softmax_stack(1, 1, 3)
    tokens = ["<b>", "</script>", "a&b"]
    w = show((stack[0][None],), tokens)
    assert w.tokens == tokens  # data: escaping is the drawing's job (widget.js sets textContent)
    assert tensors.PATTERN_KEY.match("blocks.11.attn.hook_pattern")
