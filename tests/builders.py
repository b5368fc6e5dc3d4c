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
    """Save a random model of `kind` (bert, gpt2, llama, mistral, gemma2, marian, t5) and its tokenizer into folder."""
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
    elif kind == "mistral":  # a sliding window of 4 keys, shorter than the test texts
        tok = _eos_postprocessor(_bpe_tokenizer({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}),
                                 "</s>", bos="<s>")
        model = tf.MistralForCausalLM(tf.MistralConfig(
            vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
            intermediate_size=64, max_position_embeddings=64, sliding_window=4, bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id))
    elif kind == "gemma2":  # soft-capped scores, alternating sliding and global layers
        tok = _eos_postprocessor(_bpe_tokenizer({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                                                 "pad_token": "<pad>"}), "</s>", bos="<s>")
        model = tf.Gemma2ForCausalLM(tf.Gemma2Config(
            vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
            head_dim=8, intermediate_size=64, max_position_embeddings=64, sliding_window=4,
            attn_logit_softcapping=5.0, query_pre_attn_scalar=8, bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id))
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


# ---- the family matrix (issue: every model family right) -------------------------------------------
# name -> (config class, model class, tokenizer, config kwargs). Sizes are tiny: 2 layers, d_model 32,
# 4 heads of 8, 32 positions, so that the whole matrix builds and runs in seconds.
_D = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64, max_position_embeddings=32)
_DEC = dict(_D, num_key_value_heads=2)
_S2S = dict(d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4, decoder_attention_heads=4,
            encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=32)
FAMILIES: dict[str, tuple[str, str, str, dict]] = {
    "bert": ("BertConfig", "BertModel", "wordpiece", _D),
    "roberta": ("RobertaConfig", "RobertaModel", "roberta", dict(_D, max_position_embeddings=34)),
    "distilbert": ("DistilBertConfig", "DistilBertModel", "wordpiece",
                   dict(dim=32, n_layers=2, n_heads=4, hidden_dim=64, max_position_embeddings=32)),
    "albert": ("AlbertConfig", "AlbertModel", "wordpiece", dict(_D, embedding_size=16)),
    "electra": ("ElectraConfig", "ElectraModel", "wordpiece", dict(_D, embedding_size=16)),
    "deberta-v2": ("DebertaV2Config", "DebertaV2Model", "wordpiece",
                   dict(_D, relative_attention=True, position_buckets=8, max_relative_positions=32,
                        pos_att_type=["p2c", "c2p"], position_biased_input=False)),
    "gpt2": ("GPT2Config", "GPT2LMHeadModel", "gpt", dict(n_embd=32, n_layer=2, n_head=4, n_positions=32)),
    "gpt-neo": ("GPTNeoConfig", "GPTNeoForCausalLM", "gpt",
                dict(hidden_size=32, num_layers=2, num_heads=4, attention_types=[[["global", "local"], 1]],
                     window_size=4, max_position_embeddings=32)),
    "gptj": ("GPTJConfig", "GPTJForCausalLM", "gpt", dict(n_embd=32, n_layer=2, n_head=4, n_positions=32, rotary_dim=4)),
    "gpt-neox": ("GPTNeoXConfig", "GPTNeoXForCausalLM", "gpt", dict(_D, rotary_pct=0.25)),
    "opt": ("OPTConfig", "OPTForCausalLM", "gpt",
            dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, ffn_dim=64, word_embed_proj_dim=32,
                 max_position_embeddings=32)),
    "llama": ("LlamaConfig", "LlamaForCausalLM", "llama", _DEC),
    "mistral": ("MistralConfig", "MistralForCausalLM", "llama", dict(_DEC, sliding_window=4)),
    "qwen2": ("Qwen2Config", "Qwen2ForCausalLM", "llama", _DEC),
    "gemma": ("GemmaConfig", "GemmaForCausalLM", "llama", dict(_DEC, head_dim=8)),
    "phi": ("PhiConfig", "PhiForCausalLM", "gpt", dict(_D, partial_rotary_factor=0.5)),
    "falcon": ("FalconConfig", "FalconForCausalLM", "gpt",
               dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, multi_query=True,
                    new_decoder_architecture=False, max_position_embeddings=32)),
    "falcon-alibi": ("FalconConfig", "FalconForCausalLM", "gpt",
                     dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, multi_query=False,
                          alibi=True, new_decoder_architecture=False, max_position_embeddings=32)),
    "bart": ("BartConfig", "BartForConditionalGeneration", "seq2seq", _S2S),
    "t5": ("T5Config", "T5ForConditionalGeneration", "seq2seq",
           dict(d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2, num_heads=4,
                relative_attention_num_buckets=8, relative_attention_max_distance=16)),
    "marian": ("MarianConfig", "MarianMTModel", "seq2seq", _S2S),
    "pegasus": ("PegasusConfig", "PegasusForConditionalGeneration", "seq2seq", _S2S),
    "m2m100": ("M2M100Config", "M2M100ForConditionalGeneration", "seq2seq", _S2S),
}


def _family_tokenizer(kind: str):
    if kind == "wordpiece":
        return _wordpiece_tokenizer()
    if kind == "gpt":
        return _bpe_tokenizer({"eos_token": "<|endoftext|>", "bos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"})
    if kind == "llama":
        return _eos_postprocessor(_bpe_tokenizer({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}),
                                  "</s>", bos="<s>")
    if kind == "roberta":
        return _eos_postprocessor(_bpe_tokenizer({"bos_token": "<s>", "pad_token": "<pad>", "eos_token": "</s>",
                                                  "unk_token": "<unk>"}), "</s>", bos="<s>")
    return _eos_postprocessor(_bpe_tokenizer({"pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"}), "</s>")


def build_family(name: str, folder: Path) -> Path:
    """Save a tiny random model of family `name` (a key of FAMILIES) and its tokenizer into folder."""
    import transformers as tf

    config_cls, model_cls, tok_kind, kwargs = FAMILIES[name]
    tok = _family_tokenizer(tok_kind)
    ids = {f"{k}_token_id": tok.convert_tokens_to_ids(getattr(tok, f"{k}_token"))
           for k in ("pad", "bos", "eos") if getattr(tok, f"{k}_token", None)}
    if tok_kind == "seq2seq":
        ids["decoder_start_token_id"] = ids["pad_token_id"]
        ids["forced_eos_token_id"] = ids["eos_token_id"]
    torch.manual_seed(0)
    config = getattr(tf, config_cls)(vocab_size=len(tok), **ids, **kwargs)
    model = getattr(tf, model_cls)(config)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
