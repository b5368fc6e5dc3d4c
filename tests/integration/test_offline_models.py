"""The packaged models end to end: MiniLM (the default) and glassllm-en."""
import numpy as np
import torch

from attnviz import capture
def test_minilm_end_to_end(minilm):
    info = minilm.info
    assert (info.architecture, info.n_layers, info.n_heads, info.d_model, info.positional) == ("encoder", 6, 12, 384, "learned")
    assert 22_000_000 < info.n_params < 23_500_000 and info.max_positions == 512
    cap = capture(minilm, "Attention is all you need.")
    assert cap.tokens == ["[CLS]", "attention", "is", "all", "you", "need", ".", "[SEP]"]
    assert cap.shape("self") == (6, 12, 8, 8)
    assert torch.allclose(cap.attention["self"].sum(-1), torch.ones(6, 12, 8), atol=1e-5)
    rows = minilm.module.embeddings.position_embeddings.weight[:8].detach().numpy()
    assert np.allclose(cap.positional.values["encoding"], rows)
    assert cap.device == "cpu" and cap.dtype == "float32"


def test_minilm_subwords_are_cleaned(minilm):
    cap = capture(minilm, "tokenization")
    assert "##" not in "".join(cap.tokens) and cap.tokens[1:-1] == ["token", "…ization"]  # a word start, then its continuation


def test_minilm_long_text_is_truncated_and_says_so(minilm):
    cap = capture(minilm, "word " * 700)
    assert cap.shape("self")[2] == 512 and cap.truncated_from == 702
    assert cap.tokens[-1] == "[SEP]"
    assert any("702 tokens" in note and "512" in note for note in cap.notes)


def test_glassllm_logits_equal_numpy_forward(glass):
    import glassllm

    ref_model, tok = glassllm.load_pretrained("en")
    text = "Once upon a time, a little dog found a ball in the garden."
    ids = tok.encode(text)
    with glassllm.no_grad():
        ref = ref_model.forward(ids).data[0]
    with torch.no_grad():
        ours = glass.module(torch.tensor([ids])).logits[0].numpy()
    assert np.allclose(ours, ref, atol=1e-4, rtol=1e-4)
    assert (ours.argmax(-1) == ref.argmax(-1)).all()


def test_glassllm_attention_equals_numpy_trace(glass):
    import glassllm

    ref_model, tok = glassllm.load_pretrained("en")
    text = "The sun was shining."
    tracer = glassllm.Tracer()
    with glassllm.no_grad():
        ref_model.forward(tok.encode(text), trace=tracer)
    cap = capture(glass, text)
    assert glass.info.n_heads == 4 and glass.info.n_kv_heads == 2 and glass.info.positional == "rotary"
    assert cap.shape("self")[:2] == (4, 4)
    weights = {r.layer: r.value for r in tracer.records if r.id == "attn.softmax"}
    assert sorted(weights) == [0, 1, 2, 3]
    for layer, ref in weights.items():
        assert ref.shape == cap.shape("self")[1:]
        assert np.allclose(cap.attention["self"][layer].numpy(), ref, atol=1e-5)


def test_glassllm_truncates_at_128_positions(glass):
    cap = capture(glass, "the dog ran. " * 100)
    assert cap.shape("self")[2] == 128 and cap.truncated_from > 128


def test_glassllm_shows_word_starts(glass):
    cap = capture(glass, "The keys work.")
    assert cap.tokens[:4] == ["The", "ke", "…y", "…s"]
