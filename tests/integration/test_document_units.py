"""A real capture's tokens mapped to its sentences and paragraphs through their character spans."""
from __future__ import annotations

import numpy as np
import pytest

from attnviz import capture, load_model
from attnviz.analysis import documents

TEXT = "The cat sat on the mat. The dog ran in the park!\n\nAttention lets every token look. 猫坐在垫子上。狗跑了？"


@pytest.mark.parametrize("family", ["gpt2", "bert"])
def test_tokens_fall_in_their_sentences_and_paragraphs(hf_folders, family):
    cap = capture(load_model(str(hf_folders[family]), device="cpu"), TEXT, mode="qk")
    units, spans = documents.units_of(cap, "sentence")
    assert [TEXT[a:b] for a, b in spans] == ["The cat sat on the mat.", "The dog ran in the park!",
                                             "Attention lets every token look.", "猫坐在垫子上。", "狗跑了？"]
    assert len(units) == len(cap.tokens)
    for i, span in enumerate(cap.spans):
        if span is None:
            assert units[i] == -1  # [CLS], [SEP]: in no sentence
            continue
        piece = TEXT[span[0]:span[1]].strip()
        if piece:
            a, b = spans[units[i]]
            assert a <= span[0] + TEXT[span[0]:span[1]].index(piece[0]) < b, (i, piece)
    present = np.unique(units[units >= 0])  # the tiny GPT-2 reads 64 tokens: its byte-level Chinese is cut short
    assert list(present) == list(range(len(present))) and len(present) >= 4
    paragraph, pspans = documents.units_of(cap, "paragraph")
    assert len(pspans) == 2 and set(paragraph[units == 1]) == {0} and set(paragraph[units == 3]) == {1}
    s = documents.unit_attention(cap.source("self"), 0, units)
    assert s.shape == (4, len(present), len(present)) and np.allclose(s.sum(-1), 1.0, atol=1e-5)
    if family == "gpt2":  # causal: a sentence reads nothing that comes after it
        assert np.allclose(np.triu(s[0], 1), 0.0)


def test_a_capture_from_ids_has_no_sentences(hf_folders):
    model = load_model(str(hf_folders["gpt2"]), device="cpu")
    with pytest.raises(ValueError, match="no character spans"):
        documents.units_of(capture(model, None, ids=model.codec.encode("the cat sat")))
