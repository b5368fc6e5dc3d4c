"""Never a silent unknown token: MiniLM and glassllm-en on Chinese text say how many tokens are unknown,
for which characters, and that zh-char reads them; an English text gets no such note."""
from attnviz import capture
from attnviz.models.unknown import UnknownNote

ZH = "猫坐在垫子上，因为它累了。注意力机制是Transformer的核心。"


def _unknown_notes(cap):
    return [n for n in cap.notes if isinstance(n, UnknownNote)]


def test_minilm_on_chinese_names_its_unknown_characters(minilm):
    cap = capture(minilm, ZH)
    vocab = minilm.codec.tokenizer.vocab
    # BERT's basic tokenizer splits every CJK ideograph off as a token of its own: those outside the vocabulary
    # become [UNK]; the rest of the text ("，", "。", "transform", "##er") is in it
    missing = [ch for ch in ZH if "\u4e00" <= ch <= "\u9fff" and ch not in vocab]
    assert len(cap.tokens) == 27 and cap.tokens.count("[UNK]") == len(missing) == 15
    (note,) = _unknown_notes(cap)
    found = note.report
    assert (found.n_tokens, found.n_unknown, found.unknown_token) == (25, 15, "[UNK]")  # [CLS] and [SEP] left out
    assert found.unknown_chars == "".join(dict.fromkeys(missing)) == "猫坐在垫因为它累了注意机制是核"
    assert found.n_vanished == 0 and "zh-char" in found.readers
    assert note.startswith("15 of 25 tokens are the unknown token [UNK]: this model cannot read “猫坐在垫因为它累了注意机制是核”.")
    assert note.endswith("zh-char reads them.")


def test_glassllm_on_chinese_names_its_unknown_characters(glass):
    cap = capture(glass, ZH)
    alphabet = set(glass.codec.tokenizer.alphabet)
    missing = [ch for ch in ZH if ch not in alphabet]  # every Chinese character and the full-width ，。
    (note,) = _unknown_notes(cap)
    found = note.report
    assert (found.n_tokens, found.n_unknown) == (len(cap.tokens), len(missing)) == (30, 23)
    assert found.unknown_chars == "".join(dict.fromkeys(missing))
    assert "zh-char" in found.readers and note.endswith("zh-char reads them.")


def test_a_text_the_model_reads_has_no_note(minilm, glass):
    for model in (minilm, glass):
        assert not _unknown_notes(capture(model, "The cat sat on the mat because it was tired."))
