"""The models that work offline, by name: light enough for `attnviz --help` (no torch)."""

OFFLINE_MODELS: dict[str, str] = {
    "minilm": "all-MiniLM-L6-v2: a trained 6-layer, 12-head BERT encoder with learned positions",
    "glassllm-en": "glassllm (English): a trained 4-layer decoder LM, rotary positions, 4 query heads sharing 2 key/value heads",
    "zh-char": "Chinese characters (简体中文): a trained 3-layer, 6-head character-level decoder, rotary positions, "
               "trained on Debian's Chinese documentation",
    "scratch-encoder": "From scratch: 2-layer encoder, sinusoidal positions, random weights",
    "scratch-decoder": "From scratch: 2-layer causal decoder, rotary positions, random weights",
    "scratch-seq2seq": "From scratch: 2+2-layer encoder-decoder with cross-attention, learned positions, random weights",
}
DEFAULT_MODEL = "minilm"
