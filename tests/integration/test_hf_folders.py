"""Real loading of saved random BERT, GPT-2, Llama (grouped-query), Marian and T5 folders."""
import numpy as np
import pytest
import torch

from attnviz import capture, load_model
TEXT = "the cat sat on the mat"


def _rows_sum_to_one(stack):
    assert torch.allclose(stack.float().sum(-1), torch.ones(stack.shape[:-1]), atol=1e-4)


def test_bert_folder(hf_folders):
    m = load_model(str(hf_folders["bert"]), device="cpu")
    assert (m.info.architecture, m.info.positional, m.info.n_layers, m.info.n_heads) == ("encoder", "learned", 2, 4)
    cap = capture(m, TEXT)
    assert cap.tokens == ["[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]"]
    assert cap.special == [True] + [False] * 6 + [True]
    assert cap.shape("self") == (2, 4, 8, 8)
    _rows_sum_to_one(cap.attention["self"])
    table = m.module.embeddings.position_embeddings.weight[:8].detach().numpy()
    assert np.allclose(cap.positional.values["encoding"], table)


def test_gpt2_folder_is_causal_with_learned_positions(hf_folders):
    m = load_model(str(hf_folders["gpt2"]), device="cpu")
    assert m.info.architecture == "decoder" and m.info.causal
    cap = capture(m, TEXT)
    a = cap.attention["self"]
    n = a.shape[-1]
    assert torch.all(a[..., torch.triu(torch.ones(n, n, dtype=torch.bool), 1)] == 0)
    _rows_sum_to_one(a)
    assert np.allclose(cap.positional.values["encoding"], m.module.transformer.wpe.weight[:n].detach().numpy())
    assert "".join(t.removeprefix("…") for t in cap.tokens).replace("␣", "") == TEXT.replace(" ", "")


def test_llama_folder_grouped_query_per_query_head(hf_folders):
    m = load_model(str(hf_folders["llama"]), device="cpu")
    assert (m.info.n_heads, m.info.n_kv_heads, m.info.positional) == (4, 2, "rotary")
    assert m.info.kv_group(1) == 0 and m.info.kv_group(2) == 1 and m.info.heads_sharing_kv(3) == [2, 3]
    cap = capture(m, TEXT)
    assert cap.shape("self")[1] == 4  # shown per query head
    _rows_sum_to_one(cap.attention["self"])
    assert cap.tokens[0] == "<s>" and cap.tokens[-1] == "</s>"
    cos = cap.positional.values["cos"]
    assert cos.shape == (len(cap.tokens), m.info.d_head // 2) and np.allclose(cos[0], 1.0)


@pytest.mark.parametrize("kind,positional", [("marian", "sinusoidal"), ("t5", "relative")])
def test_encoder_decoder_folders(hf_folders, kind, positional):
    m = load_model(str(hf_folders[kind]), device="cpu")
    assert m.info.architecture == "encoder-decoder" and m.info.positional == positional
    cap = capture(m, TEXT, target="le chat")
    assert set(cap.kinds) == {"self", "decoder_self", "cross"}
    n_src, n_tgt = len(cap.tokens), len(cap.target_tokens)
    assert cap.target_tokens[0] == "<pad>" and cap.target_tokens[-1] == "</s>"
    assert cap.shape("cross")[2:] == (n_tgt, n_src)
    assert cap.shape("decoder_self")[2:] == (n_tgt, n_tgt)
    for stack in cap.attention.values():
        _rows_sum_to_one(stack)
    dec = cap.attention["decoder_self"]
    assert torch.all(dec[..., torch.triu(torch.ones(n_tgt, n_tgt, dtype=torch.bool), 1)] == 0)
    generated = capture(m, TEXT)  # no target: the model writes its own, greedily
    assert generated.target_tokens and generated.shape("cross")[3] == n_src
    if positional == "relative":
        assert cap.positional.values["bias"].shape == (4, n_src, n_src)
