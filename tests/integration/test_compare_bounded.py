"""attnviz.compare of two long pastes through MiniLM: the alignment walks the characters of the tokens read only.

The server's token limit (64 here, to keep the test fast; 512 is MiniLM's own) bounds compare as it bounds
every page."""
import attnviz.analysis.align as align_module
from attnviz import capture, compare
from attnviz.analysis.align import read_extent

WORDS = "the doctor said that she would be late because the train was slow".split()


def _text(n_chars: int, changed: str) -> str:
    words = [changed if i == 10 else WORDS[i % len(WORDS)] for i in range(n_chars // 3)]
    return " ".join(words)[:n_chars]


def test_two_65000_character_texts_cost_what_their_first_tokens_cost(minilm, monkeypatch):
    seen = []

    class Counting(align_module.SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            seen.append((len(a), len(b)))
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(align_module, "SequenceMatcher", Counting)
    long_a, long_b = _text(65_000, "sick"), _text(65_000, "ill")
    ca, cb = capture(minilm, long_a, max_tokens=64), capture(minilm, long_b, max_tokens=64)
    assert len(ca.tokens) == len(cb.tokens) == 64
    result = compare(ca, cb)
    end_a, end_b = read_extent(ca.spans), read_extent(cb.spans)
    assert seen == [(end_a, end_b)]
    assert end_a < 400 and end_b < 400  # the characters of 62 words, not 65,000
    # the same comparison as for texts cut at the last token read
    short = compare(capture(minilm, long_a[:end_a], max_tokens=64), capture(minilm, long_b[:end_b], max_tokens=64))
    assert result.alignment.to_json() == short.alignment.to_json()
    assert (result.distances == short.distances).all()
    assert [u.label for u in result.alignment.units if u.kind == "changed"] == ["sick→ill"]
