"""Small random Hugging Face models with tokenizers trained on the spot, saved as real folders."""
from __future__ import annotations

from pathlib import Path

import torch

CORPUS = [
    "the cat sat on the mat because it was tired",
    "a dog ran in the park and the cat watched",
    "attention lets every token look at every other token",
    "le chat est sur le tapis", "der hund lief im park",
    "one two three four five six seven eight nine ten",
]


def _bpe_tokenizer(specials: dict[str, str]):
    from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=specials.get("unk_token")))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=list(dict.fromkeys(specials.values())),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, **specials)


def _wordpiece_tokenizer():
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, decoders, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=200, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    tok.train_from_iterator(CORPUS, trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]")


def _eos_postprocessor(fast, eos: str, bos: str | None = None):
    from tokenizers import processors
    ids = [(eos, fast.convert_tokens_to_ids(eos))]
    single = "$A " + eos
    if bos:
        ids.append((bos, fast.convert_tokens_to_ids(bos)))
        single = bos + " " + single
    fast.backend_tokenizer.post_processor = processors.TemplateProcessing(single=single, special_tokens=ids)
    return fast


def build(kind: str, folder: Path) -> Path:
    """Save a random model of `kind` (bert, gpt2, llama, marian, t5) and its tokenizer into folder."""
    import transformers as tf

    torch.manual_seed(0)
    if kind == "bert":
        tok = _wordpiece_tokenizer()
        model = tf.BertModel(tf.BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2,
                                           num_attention_heads=4, intermediate_size=64, max_position_embeddings=32))
    elif kind == "gpt2":
        tok = _bpe_tokenizer({"eos_token": "<|endoftext|>", "bos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"})
        model = tf.GPT2LMHeadModel(tf.GPT2Config(vocab_size=len(tok), n_embd=32, n_layer=2, n_head=4, n_positions=64,
                                                 bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id))
    elif kind == "llama":
        tok = _eos_postprocessor(_bpe_tokenizer({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}),
                                 "</s>", bos="<s>")
        model = tf.LlamaForCausalLM(tf.LlamaConfig(
            vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
            intermediate_size=64, max_position_embeddings=64, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id))
    elif kind == "marian":
        tok = _eos_postprocessor(_bpe_tokenizer({"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"}), "</s>")
        model = tf.MarianMTModel(tf.MarianConfig(
            vocab_size=len(tok), d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
            decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=64,
            pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id, decoder_start_token_id=tok.pad_token_id,
            forced_eos_token_id=tok.eos_token_id))
    elif kind == "t5":
        tok = _eos_postprocessor(_bpe_tokenizer({"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"}), "</s>")
        model = tf.T5ForConditionalGeneration(tf.T5Config(
            vocab_size=len(tok), d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2, num_heads=4,
            pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id, decoder_start_token_id=tok.pad_token_id))
    else:
        raise ValueError(kind)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
