"""Messages of attnviz/analysis that a person reads (why a cell cannot be explained, why two captures cannot be
compared), as Keyed(key, **fmt): English on the command line, the page's language on a page."""

EN: dict[str, str] = {
    "analysis.no_qk_scratch": "This capture kept no query and key vectors, so its cells cannot be recomputed.",
    "analysis.not_explained": "\"Explain this cell\" is not available for `{name}` ({model_type}), because {own}, "
                              "which does not go through transformers' attention interface: attnviz cannot record "
                              "the query and key each weight came from. The weights shown are still the model's own "
                              "(eager attention).",
    "analysis.own.disentangled": "DeBERTa adds content-to-position and position-to-content terms to q·k in its own "
                                 "attention code",
    "analysis.own.alibi": "this model adds its ALiBi distance penalty in its own attention code",
    "analysis.own.other": "{model_type} computes attention in its own code",
    "analysis.no_self_attention": "capture {name} has no self-attention",
    "analysis.no_spans": "capture {name} has no character spans (it was captured from ids, not text)",
    "analysis.projection_missing": "{method} is not installed here; available: {available}",
}

ZH: dict[str, str] = {
    "analysis.no_qk_scratch": "这次捕获没有保存查询向量和键向量，因此无法重新计算其中的单元格。",
    "analysis.not_explained": "“解释这个单元格”不适用于 `{name}`（{model_type}），因为{own}，不经过 transformers 的"
                              "注意力接口：attnviz 无法记录每个权重来自哪个查询和键。显示的权重仍是模型自己的"
                              "（eager 注意力）。",
    "analysis.own.disentangled": "DeBERTa 在自己的注意力代码里给 q·k 加上“内容到位置”和“位置到内容”两项",
    "analysis.own.alibi": "这个模型在自己的注意力代码里加上 ALiBi 距离惩罚",
    "analysis.own.other": "模型 {model_type} 在自己的代码里计算注意力",
    "analysis.no_self_attention": "捕获 {name} 没有自注意力",
    "analysis.no_spans": "捕获 {name} 没有字符区间（它是从词元 id 而不是从文本捕获的）",
    "analysis.projection_missing": "这里没有安装 {method}；可用的有：{available}",
}
