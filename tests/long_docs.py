"""A tiny GPT-2 that reads long texts (2,048 positions) and long texts of sentences and paragraphs made of the words
its tokenizer knows: the long-input views (zoom, sentences, document, sinks) on a model that loads in a second."""
from __future__ import annotations

from pathlib import Path

import torch

SENTENCES = ["the cat sat on the mat because it was tired.", "a dog ran in the park and the cat watched.",
             "attention lets every token look at every other token.", "one two three four five six seven.",
             "the dog sat in the park.", "every cat was tired."]


def build_long(folder: Path, positions: int = 2048) -> Path:
    """Save a random 2-layer, 4-head GPT-2 with `positions` positions and a BPE tokenizer trained on the spot."""
    import transformers as tf

    from builders import _bpe_tokenizer

    torch.manual_seed(0)
    tok = _bpe_tokenizer({"eos_token": "<|endoftext|>", "bos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"})
    model = tf.GPT2LMHeadModel(tf.GPT2Config(vocab_size=len(tok), n_embd=32, n_layer=2, n_head=4,
                                             n_positions=positions, bos_token_id=tok.bos_token_id,
                                             eos_token_id=tok.eos_token_id))
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def long_text(n_sentences: int, per_paragraph: int = 4) -> str:
    """n sentences, capitalised, in paragraphs of `per_paragraph` separated by blank lines."""
    lines = [SENTENCES[i % len(SENTENCES)] for i in range(n_sentences)]
    paragraphs = [" ".join(s[0].upper() + s[1:] for s in lines[i:i + per_paragraph])
                  for i in range(0, n_sentences, per_paragraph)]
    return "\n\n".join(paragraphs)
