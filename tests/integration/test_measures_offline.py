"""The measures on the packaged trained models: MiniLM's heads look at [CLS] and [SEP] and move almost nothing
there (Kobayashi et al. 2020's finding for BERT), and glassllm's logit splits into its parts."""
import pytest
import torch

from attnviz.analysis.causal import direct_logit_attribution
from attnviz.analysis.measures import measure
from attnviz.analysis.prompts import make_prompt, token_id
from attnviz.analysis.targets import NextToken, Similarity

TEXT = ("The old lighthouse keeper climbed the stairs every evening to light the lamp, and the ships that passed "
        "in the night trusted its beam to guide them home.")


def test_minilm_norms_shrink_the_share_that_goes_to_cls_and_sep(minilm):
    prompt = make_prompt(minilm, TEXT)
    special = torch.tensor([i in minilm.codec.special_ids() for i in prompt.ids])
    weight = measure(minilm, prompt, "weight").values  # [layer, head, query_pos, key_pos]
    norm = measure(minilm, prompt, "norm").values
    weight_share = weight[..., special].sum((1, 2, 3)) / weight.sum((1, 2, 3))  # [layer]
    norm_share = norm[..., special].sum((1, 2, 3)) / norm.sum((1, 2, 3))
    assert weight_share[1:5].min() > 0.2  # the middle layers' heads put a fifth or more of their weight there
    assert (norm_share[1:5] < weight_share[1:5] / 4).all()  # ... and move a small part of that
    assert norm_share.mean() < weight_share.mean() / 3


def test_minilm_gradient_target_is_the_sentence_similarity(minilm):
    prompt = make_prompt(minilm, "A storm kept the ships in the harbour.")
    other = make_prompt(minilm, "The boats stayed in port because of the weather.")
    result = measure(minilm, prompt, "grad-input", target=Similarity(other))
    with torch.no_grad():
        def embed(p):
            out = minilm.module(input_ids=torch.tensor([list(p.ids)]))
            return out.last_hidden_state[0].mean(0)
        expected = torch.nn.functional.cosine_similarity(embed(prompt), embed(other), dim=0)
    assert result.target_value == pytest.approx(float(expected), abs=1e-5)
    assert result.values.shape == (6, 12, len(prompt.ids), len(prompt.ids))


def test_glassllm_logit_splits_into_embeddings_heads_and_mlps(glass):
    prompt = make_prompt(glass, "The cat sat on the")
    target = NextToken(token_id(glass, " mat"))
    result = direct_logit_attribution(glass, prompt, target)
    with torch.no_grad():
        logits = glass.module(input_ids=torch.tensor([list(prompt.ids)])).logits[0, -1]
    assert result.logit == pytest.approx(float(logits[target.token_id]), abs=1e-4)
    assert result.total() == pytest.approx(result.logit, abs=1e-3)
    assert result.heads["self"].shape == (4, 4) and result.per_source["self"].shape == (4, 4, len(prompt.ids))
