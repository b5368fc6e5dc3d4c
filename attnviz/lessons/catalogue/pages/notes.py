"""Capture and model notes the pages show, as the package words them (English) and in Chinese.

Each English text is the package's own sentence with {placeholders} for what varies: attnviz/ui/errors.py
matches a note against these and shows the chosen language's version.
"""

EN: dict[str, str] = {
    "ui.known.qk_scratch": "Queries-and-keys mode is not available for `{name}` (a from-scratch model): every "
                           "weight was stored instead (eager).",
    "ui.known.qk_no_recording": "Queries-and-keys mode is not available for `{name}` (its attention does not take "
                                "attnviz's recording function): every weight was stored instead (eager).",
    "ui.known.qk_bypasses": "`{name}` does not pass all its attention through attnviz's recording function, so "
                            "queries-and-keys mode cannot recompute it: every weight was stored instead (eager).",
    "ui.known.softcap": "Some layers soft-cap their scores, which the fast kernel cannot do: they ran eager "
                        "attention, and their weights are recomputed from queries and keys with the same cap.",
    "ui.known.target_cut": "The target is {n} tokens with the start token; this model takes {limit}, so only the "
                           "first {limit} are shown.",
    "ui.known.no_recording": "This model does not take attnviz's recording attention function; its weights come "
                             "from plain eager attention and \"explain this cell\" is not available.",
}

ZH: dict[str, str] = {
    "ui.known.qk_scratch": "`{name}` 是从零搭建的模型，不能用“查询与键”模式：已改为存下全部注意力权重（eager）。",
    "ui.known.qk_no_recording": "`{name}` 的注意力不经过 attnviz 的记录函数，不能用“查询与键”模式：已改为存下全部注意力"
                                "权重（eager）。",
    "ui.known.qk_bypasses": "`{name}` 并非所有注意力都经过 attnviz 的记录函数，“查询与键”模式无法重算：已改为存下全部"
                            "注意力权重（eager）。",
    "ui.known.softcap": "有些层对分数做了软截断（soft-cap），快速内核做不到：这些层改用 eager 注意力运行，其权重用同样的"
                        "截断值从查询和键重新算出。",
    "ui.known.target_cut": "目标文本加上起始词元共 {n} 个词元；这个模型最多接受 {limit} 个，所以只显示前 {limit} 个。",
    "ui.known.no_recording": "这个模型不使用 attnviz 的记录注意力函数；它的权重来自普通的 eager 注意力，"
                             "“解释这个单元格”不可用。",
}
