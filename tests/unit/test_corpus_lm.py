"""The corpus language-model trainer's pieces: windows, a repeated phrase, the held-out loss against a
hand-made model, the unigram baseline by hand, and growing the vocabulary without changing what it predicts."""
import math
import random

import torch

from attnviz.models.scratch import ScratchConfig, ScratchTransformer
from attnviz.models.tokens import CharCodec
from attnviz.training.corpus_lm import (
    CorpusLMTrainer,
    LMConfig,
    grow_vocabulary,
    heldout_loss,
    repeat_phrase,
    unigram_loss,
    windows,
)


def test_windows_start_at_a_paragraph_and_run_on_into_the_next():
    out = windows([[1, 2, 3], [4, 5]], context=6, rng=random.Random(0), size=20, space=9)
    for w in out:
        assert len(w) == 7
        assert w in ([1, 2, 3, 9, 4, 5, 9], [4, 5, 9, 1, 2, 3, 9])


def test_a_repeated_phrase_is_a_copy_of_an_earlier_stretch():
    ids = list(range(100))
    out = repeat_phrase(ids, random.Random(3))
    n = len(out) - len(ids)
    assert 6 <= n <= 24
    at = next(i for i, (a, b) in enumerate(zip(out, ids)) if a != b)  # where the copy was put
    phrase = out[at: at + n]
    assert phrase == ids[phrase[0]: phrase[0] + n] and phrase[0] + n <= at  # it came from before
    assert out[:at] + out[at + n:] == ids


def test_heldout_loss_of_a_model_that_knows_nothing_is_log_vocab():
    codec = CharCodec(alphabet="ab")
    model = ScratchTransformer(ScratchConfig(architecture="decoder", vocab_size=codec.vocab_size, positional="rotary"))
    with torch.no_grad():
        model.lm_head.weight.zero_()  # every logit 0: each of the vocabulary's tokens has probability 1/vocab
    # "ab<unk>b": 3 characters predicted, but the <unk> ("c") is not a target; windows of 2 + 1 restart the context
    assert math.isclose(heldout_loss(model, codec, ["abcb", "ba"], context=2), math.log(codec.vocab_size), rel_tol=1e-6)


def test_unigram_baseline_by_hand():
    codec = CharCodec(alphabet="ab")
    # counts with add-one over the 2 letters (specials get none): a = 3 + 1, b = 1 + 1
    got = unigram_loss(["aaab"], ["ab", "bb"], codec)  # scored: b (from "ab"), b (from "bb")
    assert math.isclose(got, -math.log(2 / 6))


def test_growing_the_vocabulary_leaves_the_old_tokens_predictions_alone():
    torch.manual_seed(0)
    model = ScratchTransformer(ScratchConfig(architecture="decoder", vocab_size=12, positional="rotary"))
    grown = grow_vocabulary(model, 20, like=3)
    ids = torch.tensor([[5, 7, 1, 4]])
    with torch.no_grad():
        old, new = model(ids), grown(ids)
    assert new.shape[-1] == 20 and torch.allclose(new[..., :12], old, atol=1e-5)
    assert torch.allclose(new[..., 12:], old[..., 3:4].expand(-1, -1, 8), atol=1e-5)  # predicted like token 3
    emb = grown.decoder["embed"].tokens.weight
    assert not torch.equal(emb[12], emb[13])  # new tokens differ from each other (a little noise)


def test_a_few_steps_lower_the_loss_on_a_tiny_corpus():
    codec = CharCodec(alphabet="abc ")
    text = ["abcabcabcabc"] * 8
    trainer = CorpusLMTrainer(LMConfig(d_model=32, n_heads=2, n_layers=1, d_ff=64, context=8, batch_size=8, steps=60,
                                       warmup=5, eval_every=30), codec, text, text[:2])
    before = heldout_loss(trainer.model, codec, text[:2], 8)
    after = trainer.run(log=lambda line: None)
    assert after < before / 2 and trainer.history.eval_steps == [30, 60]
