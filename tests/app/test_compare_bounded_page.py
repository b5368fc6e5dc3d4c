"""The compare page costs what it draws: two 65,000-character texts typed into the panes, or two long texts in its
link, walk no more characters than the tokens each model reads, the server's token limit holds on compare as on
every page, and the report holds the texts as far as they were read (issue 30: 394 s of CPU for one such visit)."""
import pytest
from streamlit.testing.v1 import AppTest

from apphelpers import APP, TIMEOUT, assert_clean, decode, figures, link_params, messages, open_page, page_path, panes

import attnviz
import attnviz.analysis.align as align_module
from attnviz.analysis.align import read_extent
from attnviz.core import settings
from attnviz.app.state import compare

WORDS = "the doctor said that she would be late because the train was slow and the rain kept falling".split()


def _text(n_chars: int, changed: str) -> str:
    """Words up to n_chars characters; the 6th word is `changed` (A and B differ there, inside what is read)."""
    words, size, i = [], 0, 0
    while size < n_chars:
        word = changed if i == 5 else WORDS[i % len(WORDS)]
        words.append(word)
        size += len(word) + 1
        i += 1
    return " ".join(words)[:n_chars]


@pytest.fixture()
def walked(monkeypatch):
    """The lengths of the two texts every character diff of the alignment walks, through the page."""
    seen: list[tuple[int, int]] = []

    class Counting(align_module.SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            seen.append((len(a), len(b)))
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(align_module, "SequenceMatcher", Counting)
    return seen


@pytest.fixture()
def downloads(monkeypatch) -> dict:
    """Each deferred download's (callable, file name) by file id (AppTest's runtime drops them after the run)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict = {}
    real = MediaFileManager.add_deferred

    def add_deferred(self, data, *args, **kwargs):
        file_id = real(self, data, *args, **kwargs)
        made[file_id] = (data, kwargs.get("file_name"))
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return made


def _server(monkeypatch, **env) -> settings.Settings:
    s = settings.from_environment({f"ATTNVIZ_{k.upper()}": str(v) for k, v in env.items()})
    monkeypatch.setattr(settings, "current", lambda: s)
    return s


def test_two_65000_character_texts_walk_only_the_characters_of_the_512_tokens_read(minilm, walked, downloads,
                                                                                   monkeypatch):
    _server(monkeypatch)  # a personal server: no token limit of its own, MiniLM's 512 tokens bound it
    long_a, long_b = _text(65_000, "sick"), _text(65_000, "ill")
    at = open_page(compare, panes({"model": "minilm", "text": long_a}, {"model": "minilm", "text": long_b}))
    assert_clean(at)
    ca, cb = attnviz.capture(minilm, long_a), attnviz.capture(minilm, long_b)
    assert len(ca.tokens) == len(cb.tokens) == 512
    end_a, end_b = read_extent(ca.spans), read_extent(cb.spans)
    assert end_a < 4_000 and end_b < 4_000  # the characters of 510 words, not 65,000
    # every diff the page ran walked those characters only (one comparison, cached for the next runs)
    assert walked and set(walked) == {(end_a, end_b)}
    difference, = [f for f in figures(at) if " − " in f["layout"]["title"]["text"]]  # B layer 0 · head 0 − A …
    assert len(difference["data"][0]["z"]) <= 512  # the difference on the grid of what both read
    (report, name), = [(data, name) for data, name in downloads.values() if name.endswith(".html")
                       and "compare-report" in name]
    assert name == "minilm-vs-minilm-compare-report.html"
    html = report()
    # the report holds each text as far as its model read it, not the 65,000 characters pasted
    assert f"<code>{long_a[:end_a]}</code>" in html and f"<code>{long_b[:end_b]}</code>" in html
    assert long_a[:end_a + 200] not in html
    assert any("only the first" in note for note in messages(at, "caption"))  # each pane says its text was cut


def test_the_servers_token_limit_holds_on_compare_and_through_its_link(minilm, walked, monkeypatch):
    _server(monkeypatch, max_tokens=64)
    long_a, long_b = _text(15_000, "sick"), _text(15_000, "ill")  # two long texts in a link (30,000 characters)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(link_params({compare.pane("a", "text"): long_a, compare.pane("b", "text"): long_b,
                                        compare.pane("a", "model"): "minilm", compare.pane("b", "model"): "minilm"}))
    at = at.run().switch_page(page_path(compare)).run()
    assert_clean(at)
    ca, cb = (attnviz.capture(minilm, text, max_tokens=64) for text in (long_a, long_b))
    assert len(ca.tokens) == 64
    heat_a, heat_b = figures(at)[:2]
    assert decode(heat_a["data"][0]["z"]).shape == decode(heat_b["data"][0]["z"]).shape == (64, 64)
    assert set(walked) == {(read_extent(ca.spans), read_extent(cb.spans))}
    assert max(max(w) for w in walked) < 400  # 62 words' characters
    notes = " ".join(messages(at, "caption"))
    assert "this server reads at most 64 tokens per capture" in notes
