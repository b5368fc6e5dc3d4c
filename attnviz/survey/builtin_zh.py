"""A built-in Chinese corpus from templates that probe known head types in a character-level model:
a phrase said twice (induction), clauses between ，and 。(punctuation), and sentences of known words
(each text's word lengths in `segments`, so that a head can be scored on a word's other characters)."""
from __future__ import annotations

import random
from collections.abc import Iterator

TEMPLATES = ("repeat", "clauses", "words", "list")
PEOPLE = ("老师", "学生", "朋友", "医生", "妈妈", "爸爸", "孩子", "同学", "工人", "作者")
THINGS = ("电脑", "手机", "音乐", "电影", "苹果", "面包", "牛奶", "米饭", "报纸", "文件", "问题", "数据", "程序",
          "系统", "网络", "图片", "时间", "天气", "城市", "学校")
VERBS = ("喜欢", "需要", "知道", "打开", "关闭", "准备", "完成", "发现", "检查", "修改", "使用", "保存")
PLACES = ("花园", "公园", "学校", "医院", "商店", "家里", "路上", "楼下", "门口", "房间")
LONG_WORDS = ("图书馆", "计算机", "互联网", "注意力", "自行车", "电视机", "博物馆", "火车站", "操作系统",
              "软件包", "服务器", "数据库", "命令行", "文件系统", "机器学习", "自然语言")
ADVERBS = ("今天", "昨天", "现在", "后来", "常常", "已经")


def _repeat(rng: random.Random) -> dict:
    # a run of random words seen twice: in the repeat, an induction head looks at the character after the earlier copy
    words = [rng.choice(THINGS + PEOPLE + PLACES) for _ in range(rng.randint(3, 6))]
    phrase = "".join(words)
    return {"text": f"{phrase}，{phrase}。"}


def _clause(rng: random.Random) -> list[str]:
    return [rng.choice(PEOPLE), rng.choice(("在", "从")), rng.choice(PLACES), rng.choice(VERBS), rng.choice(THINGS)]


def _clauses(rng: random.Random) -> dict:
    # three or four clauses: a head that tracks where the clause began attends to the last ，or 。
    parts = ["".join(_clause(rng)) for _ in range(rng.randint(3, 4))]
    return {"text": "，".join(parts) + "。"}


def _words(rng: random.Random) -> dict:
    # a sentence of known words (long ones among them); segments: each word's length in characters
    words = [rng.choice(ADVERBS), rng.choice(PEOPLE), "在", rng.choice(LONG_WORDS), rng.choice(VERBS),
             rng.choice(LONG_WORDS), "的", rng.choice(THINGS), "。"]
    return {"text": "".join(words), "segments": [len(w) for w in words]}


def _list(rng: random.Random) -> dict:
    items = rng.sample(THINGS, rng.randint(3, 5))
    return {"text": f"{rng.choice(PEOPLE)}{rng.choice(VERBS)}" + "、".join(items[:-1]) + f"和{items[-1]}。"}


MAKERS = {"repeat": _repeat, "clauses": _clauses, "words": _words, "list": _list}


def builtin_zh_corpus(n: int = 200, seed: int = 0) -> Iterator[dict]:
    """n texts, the templates in turn, seeded: the same corpus every time."""
    rng = random.Random(seed)
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        yield {"template": template, **MAKERS[template](rng)}
