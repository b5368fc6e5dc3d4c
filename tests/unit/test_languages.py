"""Is a text Chinese? At least 30% of its visible characters are CJK ideographs (the sidebar picks zh-char by it)."""
from attnviz.models.languages import ideographs, is_chinese, is_cjk


def test_chinese_sentences_are_chinese():
    assert is_chinese("猫坐在垫子上，因为它累了。")
    assert is_chinese("注意力机制是Transformer的核心。")  # 8 ideographs of 20 visible characters
    assert is_chinese("你好")


def test_english_and_mixed_texts_are_not():
    assert not is_chinese("The cat sat on the mat because it was tired.")
    assert not is_chinese("The word 猫 means cat.")  # one ideograph among 20 visible characters
    assert not is_chinese("")
    assert not is_chinese("，。、")  # punctuation alone is no language


def test_the_threshold_is_a_share_of_visible_characters():
    assert is_chinese("abc 你好吗", min_share=0.5)  # 3 of 6 visible characters; spaces do not count
    assert not is_chinese("abcd 你好吗", min_share=0.5)
    assert not is_chinese("使用 apt-get 安装", min_ideographs=6)  # prose for the corpus needs more


def test_characters():
    assert ideographs("注意力 attention，") == 3
    assert is_cjk("，") and is_cjk("猫") and not is_cjk("a")
