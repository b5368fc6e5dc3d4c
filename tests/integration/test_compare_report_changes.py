"""The comparison report says what changed (the ranked heads, or that A and B are identical) and sets the two
censuses side by side, in English and in 简体中文."""
import html
import json
import re

import pytest

import attnviz
from attnviz.analysis.head_changes import head_changes
from attnviz.analysis.headtypes.census import census
from attnviz.figures import compare_report

HE, SHE = "The doctor said he was late.", "The doctor said she was late."


@pytest.fixture(scope="module")
def pair(minilm):
    a, b = attnviz.capture(minilm, HE), attnviz.capture(minilm, SHE)
    result = attnviz.compare(a, b)
    censuses = (census(minilm, HE, cap=a, probes=1), census(minilm, SHE, cap=b, probes=1))
    return result, a, b, head_changes(result, a, b), censuses


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "\n", re.sub(r"<script.*?</script>", "", page, flags=re.S)))


def test_the_report_ranks_what_changed_and_sets_the_censuses_side_by_side(pair):
    result, a, b, changes, censuses = pair
    page = compare_report.report_html(result, "minilm", "minilm", HE, SHE, a.tokens, b.tokens, changes=changes,
                                      censuses=censuses)
    top = changes.ranked[0]
    assert "<h2>What changed</h2>" in page and "<h2>Head types side by side</h2>" in page
    first = f"<tr><td>1</td><td>L{top.layer_a} h{top.head_a}</td><td>L{top.layer_b} h{top.head_b}</td>"
    assert first in page and page.count("<tr><td>") >= 10
    assert "<td>previous-token</td><td>L0 h2" in page  # MiniLM's previous-token head, in both censuses
    # each figure after its own section: the ranked bars before the distance matrix, the strips at the end
    order = [page.index(s) for s in ("What changed", "The 10 heads that changed most", "Head distances",
                                     "Head types of A and B by relative depth")]
    assert order == sorted(order) and page.count("plotly.js v") <= 2  # plotly.js inlined once


def test_identical_panes_are_said_not_drawn(pair):
    _result, a, _b, _changes, censuses = pair
    same = attnviz.compare(a, a)
    changes = head_changes(same, a, a)
    page = compare_report.report_html(same, "minilm", "minilm", HE, HE, a.tokens, a.tokens, changes=changes)
    assert "A and B are identical: the same tokens and the same attention in every head" in page
    assert "mean over heads" not in page and "The 10 heads that changed most" not in page  # no blank B − A maps
    zh = compare_report.report_html(same, "minilm", "minilm", HE, HE, a.tokens, a.tokens, changes=changes, lang="zh")
    assert "A 与 B 完全相同" in zh and "<h2>变化了什么</h2>" in zh


def test_the_chinese_report_says_the_new_sections_in_chinese(pair):
    result, a, b, changes, censuses = pair
    page = compare_report.report_html(result, "minilm", "minilm", HE, SHE, a.tokens, b.tokens, changes=changes,
                                      censuses=censuses, lang="zh")
    text = _text(page)
    for english in ("What changed", "head of A", "largest cell change", "Head types side by side", "heads of A",
                    "previous-token", "Each model's heads", "The 10 heads that changed most", "relative depth"):
        assert english not in text, english
    for chinese in ("<h2>变化了什么</h2>", "<th>名次</th><th>A 的头</th><th>B 的头</th>", "<h2>头类型对照</h2>",
                    "<td>前一词元</td>"):
        assert chinese in page, chinese
    for title in ("变化最大的 10 个头", "A 与 B 的头类型（按相对深度）"):  # figure titles: in plotly's JSON
        assert json.dumps(title)[1:-1] in page, title
