"""The comparison report (HTML) in English and 简体中文: every heading, sentence and figure text in one language."""
import html
import re

import pytest

import attnviz
from attnviz.figures import compare_report
from attnviz.i18n import speak
from attnviz.i18n import translate

HE, SHE = "The doctor said he was late.", "The doctor said she was late."
EVIL = "<script>alert('x')</script> & <b>bold</b>"


@pytest.fixture(scope="module")
def pair(minilm):
    a, b = attnviz.capture(minilm, HE), attnviz.capture(minilm, SHE)
    return attnviz.compare(a, b), a, b


def _report(pair, lang: str) -> str:
    result, a, b = pair
    return compare_report.report_html(result, "minilm", "minilm", HE, SHE, a.tokens, b.tokens, lang=lang)


def _shown(obj) -> list[str]:
    """The strings of a figure a person reads: titles, hover templates, legend names, tick texts."""
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in
                ([v] if k in ("text", "hovertemplate", "name") and isinstance(v, str) else
                 [str(t) for t in v] if k == "ticktext" else _shown(v))]
    if isinstance(obj, (list, tuple)):
        return [s for v in obj for s in _shown(v)]
    return []


def _readable(pair, lang: str, monkeypatch, used: set | None = None) -> str:
    """What a person reads in the report: its HTML text (no tags, no scripts) and its figures' words.

    used: filled with every message (msgid) the report and its figures say."""
    figures = []
    for name in ("difference_heatmap", "distance_matrix"):
        def keep(*args, _f=getattr(compare_report, name), **kwargs):
            figures.append(_f(*args, **kwargs))
            return figures[-1]
        monkeypatch.setattr(compare_report, name, keep)
    if used is not None:
        def recording(lang_, msgid, *args, _said=speak.lookup, **kwargs):
            used.add(msgid)
            return _said(lang_, msgid, *args, **kwargs)
        monkeypatch.setattr(speak, "lookup", recording)
    page = _report(pair, lang)
    monkeypatch.undo()
    text = html.unescape(re.sub(r"<[^>]+>", "\n", re.sub(r"<script.*?</script>", "", page, flags=re.S)))
    return "\n".join([text] + [s for f in figures for s in _shown(f.to_plotly_json())])


def test_the_english_report_reads_as_before(pair):
    page = _report(pair, "en")
    assert page.startswith('<!doctype html><html lang="en">') and "<title>attnviz comparison</title>" in page
    assert "<h1>attnviz: A vs B</h1>" in page and "<h2>Token alignment</h2>" in page and "<h2>Head distances</h2>" in page
    assert "<th>unit</th><th>A tokens</th><th>B tokens</th><th>kind</th>" in page
    assert "<td>he→she</td><td>he</td><td>she</td><td>changed</td>" in page
    assert "A layer → B layer 0→0, 1→1, 2→2, 3→3, 4→4, 5→5." in page


def test_the_chinese_report_has_no_english_sentence_of_the_english_one(pair, monkeypatch):
    page = _report(pair, "zh")
    assert page.startswith('<!doctype html><html lang="zh">') and "<title>attnviz 比较报告</title>" in page
    for heading in ("<h1>attnviz：A 与 B 的比较</h1>", "<h2>词元对齐</h2>", "<h2>头之间的距离</h2>",
                    "<th>单元</th><th>A 的词元</th><th>B 的词元</th><th>类型</th>",
                    "<td>he→she</td><td>he</td><td>she</td><td>有改动</td>"):
        assert heading in page
    used: set = set()
    english = _readable(pair, "en", monkeypatch, used)
    chinese = _readable(pair, "zh", monkeypatch)
    assert "B 第 5 层 − A 第 5 层，对所有头取平均" in chinese  # a figure title
    assert translate("zh", "query (attending)") in chinese  # an axis title of the difference maps
    assert {"attnviz: A vs B", compare_report.DISTANCES_ABOUT, "key (attended to)",
            "A layer {la} head {ha}<br>B layer {lb} head {hb}<br>distance {d}<br>click to open both"} <= used
    checked = 0
    for msgid in sorted(used):
        # every piece of English text between placeholders, long enough to be words (not "A", " · ")
        for part in re.split(r"\{\w+(?:[:!][^}]*)?\}", msgid):
            part = part.strip(" .,:;()")
            if len(re.findall(r"[A-Za-z]", part)) < 3 or part not in english:  # (some are replaced: the colour bar)
                continue
            assert part not in chinese, (msgid, part)  # in the English report, and not in the Chinese one
            checked += 1
    assert checked >= 15


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_names_and_texts_stay_text(pair, lang):
    result, a, b = pair
    page = compare_report.report_html(result, EVIL, "minilm", EVIL, SHE, a.tokens, b.tokens, lang=lang)
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
