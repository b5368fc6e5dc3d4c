"""A tiny GPT-2 whose retrieval head is planted by construction (the needle tests and the needle page's tests): its
weights are set by hand so that head 0's query is the embedding of the token that follows the current one in the
needle, its key the token itself and its value the token, written back to the output. It answers by copying the
needle."""
from __future__ import annotations

import torch

WORDS = ["<unk>", "<eos>", "start", "the", "sky", "is", "high", "sea", "deep", "wind", "cold", "rain", "falls", ".",
         "what", "code", "?", "red", "green", "blue", "gold"]
ID = {w: i for i, w in enumerate(WORDS)}
HAYSTACK = ("start the sky is high . the sea is deep . the wind is cold . the rain falls . the sky is deep . "
            "the sea is cold . the wind falls . the rain is high .")
NEEDLE = "the code is red green blue gold ."
QUESTION = "what is the code ?"
ANSWER = "red green blue gold"
D_HEAD, HEADS = 32, 4
# what each head's query looks for, given the current token: head 0 the next needle token (the retrieval head),
# head 1 the next one for the first two steps only and then the first token, head 2 always the first token (a
# sink), head 3 the needle token after the next (inside the needle, but not the token being written). Every
# token looked for occurs once in the prompt and is not yet written: no ties between keys.
NEXT = {"?": "red", "red": "green", "green": "blue", "blue": "gold"}
LOOKS_FOR = [NEXT, {"?": "red", "red": "green", "green": "start", "blue": "start"},
             {w: "start" for w in WORDS}, {"?": "green", "red": "blue", "green": "gold", "blue": "start"}]


def planted(folder):
    """Save the hand-built model and its word-level tokenizer as a Hugging Face folder."""
    import transformers as tf
    from tokenizers import Tokenizer, models, pre_tokenizers

    tok = Tokenizer(models.WordLevel(vocab=ID, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = tf.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", eos_token="<eos>")
    d = D_HEAD * HEADS
    net = tf.GPT2LMHeadModel(tf.GPT2Config(vocab_size=len(WORDS), n_embd=d, n_layer=1, n_head=HEADS, n_positions=128,
                                           eos_token_id=ID["<eos>"], bos_token_id=ID["<eos>"]))
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
        for ln in (net.transformer.h[0].ln_1, net.transformer.h[0].ln_2, net.transformer.ln_f):
            ln.weight.fill_(1.0)
        net.transformer.wte.weight[:, :len(WORDS)] = torch.eye(len(WORDS))  # one-hot tokens, no positions at all
        w = net.transformer.h[0].attn.c_attn.weight  # [d_model, 3·d_model]: x @ w gives q | k | v
        for h, looks in enumerate(LOOKS_FOR):
            for cur, want in looks.items():
                w[ID[cur], h * D_HEAD + ID[want]] = 1.0  # query: the token it looks for
            for t in range(len(WORDS)):
                w[t, d + h * D_HEAD + t] = 1.0  # key: the token itself
                w[t, 2 * d + h * D_HEAD + t] = 1.0  # value: the token itself
        net.transformer.h[0].attn.c_proj.weight[:len(WORDS), :len(WORDS)] = torch.eye(len(WORDS))  # head 0 → output
    net.save_pretrained(folder)
    fast.save_pretrained(folder)
    return folder
