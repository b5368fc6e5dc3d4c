"""Reading Chinese prose out of Debian's packages: lines joined without spaces between Chinese characters,
manual pages without their macros, fortunes without colour codes; the alphabet keeps every id when grown."""
import gzip

from attnviz.training.zh.extract import (
    fortune_paragraphs,
    groff_paragraphs,
    html_paragraphs,
    join_lines,
)
from attnviz.models.languages import is_chinese
from attnviz.training.zh.vocab import alphabet, extended, gb2312_hanzi, seed_characters


def test_wrapped_chinese_joins_without_a_space_and_other_text_with_one():
    assert join_lines(["注意力机制是", "核心。它用 apt", "get 安装"]) == "注意力机制是核心。它用 apt get 安装"


def test_chinese_prose_needs_enough_ideographs():
    assert is_chinese("使用 apt-get 安装软件包。")
    assert not is_chinese("apt-get install foo 包")  # one ideograph
    assert not is_chinese("see ls(1), cp(1), mv(1), rm(1) and 文件列表")  # ideographs a small share


def test_html_paragraphs_leave_listings_out(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<html><title>标题</title><p>第一段\n文字。</p><pre>$ ls -l</pre><li>第二段</li></html>",
                    encoding="utf-8")
    assert html_paragraphs(page) == ["标题", "第一段文字。", "第二段"]


def test_manual_pages_lose_their_macros_and_font_escapes(tmp_path):
    page = tmp_path / "ls.1.gz"
    with gzip.open(page, "wt", encoding="utf-8") as f:
        f.write('.\\" comment\n.TH LS 1\n.SH 名称\nls \\- 列出目录内容\n.PP\n列出\n.B \\-\\-all\n的条目，\\fB参见\\fP 下文。\n')
    # section headings (.SH) are macros too: left out; a word in bold (.B) stays in its sentence
    assert groff_paragraphs(page) == ["ls - 列出目录内容", "列出 --all 的条目，参见 下文。"]


def test_fortunes_lose_their_colour_codes(tmp_path):
    f = tmp_path / "chinese"
    f.write_text("要有礼貌\n\n请保持\n礼貌。\n\x1b[33m -- Debian\x1b[m\n%\n第二条\n", encoding="utf-8")
    assert fortune_paragraphs(f) == ["要有礼貌", "请保持礼貌。 -- Debian", "第二条"]


def test_the_alphabet_covers_the_seeds_and_growing_it_keeps_every_id():
    small = alphabet(["猫猫猫狗"])
    assert "猫" in small and "狗" not in small  # seen fewer than 3 times
    assert set(seed_characters()) <= set(small) and set("，。0aZ") <= set(small)
    grown = extended(small, ["猫猫猫狗"])
    assert grown.startswith(small) and "狗" in grown and "垫" in grown
    assert len(gb2312_hanzi()) == 6763 and gb2312_hanzi()[0] == "啊"
