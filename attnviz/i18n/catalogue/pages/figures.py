"""Figure titles, axis titles, hover labels, legends, table headers and captions of the views (figures/)."""

EN: dict[str, str] = {
    # ---- titles ----
    "fig.title.head": "{kind} · layer {layer} · head {head}",
    "fig.title.layer": "{kind} · layer {layer}",
    "fig.title.all_heads": "{kind}: all heads",
    "fig.title.mean": "mean over heads · layer {layer}",
    "fig.title.max": "max over heads · layer {layer}",
    "fig.title.rollout": "rollout through layer {layer}",
    "fig.title.flow_normalised": "attention flow to the last layer, rows normalised",
    "fig.title.flow_raw": "attention flow to the last layer, raw max-flow",
    "fig.title.stat": "{stat} per head",
    "fig.title.clusters": "cosine similarity of head patterns (clustered order)",
    "fig.title.difference": "|difference|",
    "fig.title.generated": "layer {layer}: attention of “{token}”",
    "fig.title.pooled": "{title} · pooled: {bq} × {bk} positions a cell",
    "fig.title.pooled_alone": "pooled: {bq} × {bk} positions a cell",
    "fig.title.names_on_hover": "{title} · names on hover",
    "fig.title.names_on_hover_alone": "names on hover",
    "fig.title.compare_diff": "B layer {lb} head {hb} − A layer {la} head {ha}",
    "fig.title.compare_distances": "A heads (rows) × B heads (columns)",
    "fig.title.compare_stat": "{stat} per head, A and B by relative depth",
    # ---- axes, colour bars, hover ----
    "fig.axis.query": "query (attending)",
    "fig.axis.key": "key (attended to)",
    "fig.axis.head": "head",
    "fig.axis.every_x": "{title} (labels: every {nth})",
    "fig.axis.every_y": "{title} (every {nth})",
    "fig.axis.pc1": "PC 1",
    "fig.axis.pc2": "PC 2",
    "fig.axis.embedded": "{method} dimension {n}",
    "fig.axis.depth": "relative depth (0: first layer, 1: last)",
    "fig.axis.pane": "pane",
    "fig.word.query": "query",
    "fig.word.key": "key",
    "fig.word.head": "head",
    "fig.word.weight": "weight",
    "fig.colorbar.clipped": "colours clipped at ±{v}",
    "fig.word.log_weight": "log₁₀ weight",
    "fig.word.cosine": "cosine similarity",
    "fig.word.distance": "distance",
    "fig.word.js_distance": "JS distance",
    "fig.legend.head": "head {head}",
    "fig.legend.best": "best match of each A head",
    "fig.hover.thumb": "layer {layer} · head {head}<br>click to open",
    "fig.hover.pair": "A layer {la} head {ha}<br>B layer {lb} head {hb}<br>distance {d}<br>click to open both",
    # ---- table headers ----
    "fig.col.head": "head",
    "fig.col.layer": "layer",
    "fig.col.query": "query",
    "fig.col.key": "key",
    "fig.col.weight": "weight",
    "fig.col.cluster": "cluster",
    "fig.col.role": "role",
    "fig.col.pos": "pos",
    "fig.col.token": "token",
    "fig.col.head_id": "head id",
    "fig.col.side": "side",
    "fig.col.depth": "relative depth",
    # ---- head statistics ----
    "fig.stat.entropy": "entropy",
    "fig.stat.mean distance": "mean distance",
    "fig.stat.first token": "first token",
    "fig.stat.self": "self",
    "fig.stat.previous token": "previous token",
    "fig.stat.special tokens": "special tokens",
    # ---- captions ----
    "fig.about.head_view": "Lines join each query (left) to the keys it attends to (right); thicker and darker is more "
                           "weight (weights under 0.05 are not drawn). Click a token on the left to see only its "
                           "attention.",
    "fig.about.statistics": "Entropy in nats (low: a peaked head); mean distance in positions; the other columns are "
                            "the average weight a query gives to that target (Clark et al. 2019).",
    "fig.about.rollout": "Abnar & Zuidema (2020): each layer's head-averaged attention mixed half-and-half with the "
                         "residual path, multiplied through the layers: how much each position draws on each input "
                         "token.",
    "fig.about.flow": "Abnar & Zuidema (2020): the maximum flow from each input token to each output position "
                      "through every layer, with the head-averaged weights (and the residual) as capacities. ",
    "fig.about.flow_normalised": "Each row divided by its sum, as in the authors' code.",
    "fig.about.flow_raw": "Raw max-flow values, as the paper defines them: each input's flow is solved on its own, so "
                          "a row can sum to more than 1. Turn on the toggle for the authors' row-normalised version.",
    "fig.about.model_view": "Every layer × head ({layers} × {heads}), each scaled to its own maximum. Click a "
                            "thumbnail to open that head.",
    "fig.about.model_view_pooled": "Every layer × head ({layers} × {heads}), each scaled to its own maximum, pooled "
                                   "on {device} to {rows} × {cols} cells. Click a thumbnail to open that head.",
    "fig.about.clusters": "{n} clusters at a 0.5 cut",
    "fig.about.qk_pca": "The head's queries (circles) and keys (diamonds) projected together on their first two "
                        "principal axes ({a} + {b} of the variance), coloured by position. Queries near a key have a "
                        "large dot product with it.",
    "fig.about.qk_other": "The head's queries (circles) and keys (diamonds) projected together by {method}, coloured "
                          "by position. Queries near a key have a large dot product with it.",
    "fig.about.generated": "Token {pos} “{token}” was written after reading tokens 0–{last}; below, where each head "
                           "of layer {layer} looked when it was the newest query.",
    # ---- what a view refuses ----
    "fig.error.nothing_left": "No tokens are left to show: widen the window or show the special tokens.",
    "fig.error.rollout_square": "Rollout multiplies a layer's attention by the next one's, so it needs square "
                                "self-attention; pick self-attention.",
    "fig.error.flow_square": "Attention flow needs square self-attention; pick self-attention.",
    "fig.error.different_tokens": "The two captures have different tokens; a difference needs the same tokens in "
                                  "both.",
    "fig.error.no_qk": "This capture kept no query and key vectors.",
    "fig.error.flow_too_long": "Attention flow solves {problems} max-flow problems over {edges} edges; it is limited "
                               "to {limit} tokens here (this text has {n}). Use rollout, or shorten the text or the "
                               "window.",
    "fig.error.not_comparable": "The two texts have no characters in common, so no token of A covers the same text as "
                                "a token of B: there is nothing to subtract, and the panes are shown side by side "
                                "without a difference map.",
}

ZH: dict[str, str] = {
    "fig.title.head": "{kind} · 第 {layer} 层 · 第 {head} 个头",
    "fig.title.layer": "{kind} · 第 {layer} 层",
    "fig.title.all_heads": "{kind}：全部注意力头",
    "fig.title.mean": "各头平均 · 第 {layer} 层",
    "fig.title.max": "各头最大值 · 第 {layer} 层",
    "fig.title.rollout": "注意力展开（rollout）到第 {layer} 层",
    "fig.title.flow_normalised": "到最后一层的注意力流，每行已归一化",
    "fig.title.flow_raw": "到最后一层的注意力流，原始最大流",
    "fig.title.stat": "每个头的{stat}",
    "fig.title.clusters": "各头注意力模式的余弦相似度（按聚类排序）",
    "fig.title.difference": "|差值|",
    "fig.title.generated": "第 {layer} 层：“{token}”的注意力",
    "fig.title.pooled": "{title} · 已合并：每格 {bq} × {bk} 个位置",
    "fig.title.pooled_alone": "已合并：每格 {bq} × {bk} 个位置",
    "fig.title.names_on_hover": "{title} · 悬停查看词元",
    "fig.title.names_on_hover_alone": "悬停查看词元",
    "fig.title.compare_diff": "B 第 {lb} 层第 {hb} 个头 − A 第 {la} 层第 {ha} 个头",
    "fig.title.compare_distances": "A 的头（行）× B 的头（列）",
    "fig.title.compare_stat": "每个头的{stat}：A 与 B，按相对深度排列",
    "fig.axis.query": "查询（发出注意力）",
    "fig.axis.key": "键（被关注）",
    "fig.axis.head": "头",
    "fig.axis.every_x": "{title}（每 {nth} 个标一个）",
    "fig.axis.every_y": "{title}（每 {nth} 个标一个）",
    "fig.axis.pc1": "主成分 1",
    "fig.axis.pc2": "主成分 2",
    "fig.axis.embedded": "{method} 第 {n} 维",
    "fig.axis.depth": "相对深度（0：第一层，1：最后一层）",
    "fig.axis.pane": "窗格",
    "fig.word.query": "查询",
    "fig.word.key": "键",
    "fig.word.head": "头",
    "fig.word.weight": "权重",
    "fig.colorbar.clipped": "颜色截断于 ±{v}",
    "fig.word.log_weight": "log₁₀ 权重",
    "fig.word.cosine": "余弦相似度",
    "fig.word.distance": "距离",
    "fig.word.js_distance": "JS 距离",
    "fig.legend.head": "头 {head}",
    "fig.legend.best": "A 每个头最接近的 B 头",
    "fig.hover.thumb": "第 {layer} 层 · 第 {head} 个头<br>点击打开",
    "fig.hover.pair": "A 第 {la} 层第 {ha} 个头<br>B 第 {lb} 层第 {hb} 个头<br>距离 {d}<br>点击并排打开两者",
    "fig.col.head": "头",
    "fig.col.layer": "层",
    "fig.col.query": "查询",
    "fig.col.key": "键",
    "fig.col.weight": "权重",
    "fig.col.cluster": "聚类",
    "fig.col.role": "角色",
    "fig.col.pos": "位置",
    "fig.col.token": "词元",
    "fig.col.head_id": "头编号",
    "fig.col.side": "窗格",
    "fig.col.depth": "相对深度",
    "fig.stat.entropy": "熵",
    "fig.stat.mean distance": "平均距离",
    "fig.stat.first token": "第一个词元",
    "fig.stat.self": "自身",
    "fig.stat.previous token": "前一个词元",
    "fig.stat.special tokens": "特殊词元",
    "fig.about.head_view": "连线把每个查询（左）和它关注的键（右）连起来；线越粗、颜色越深，权重越大（小于 0.05 的权重不画）。"
                           "点击左侧的词元，只看它的注意力。",
    "fig.about.statistics": "熵以奈特（nat）为单位（越低，头越集中）；平均距离以位置数计；其余各列是查询平均分给该目标的权重"
                            "（Clark 等，2019）。",
    "fig.about.rollout": "Abnar 与 Zuidema（2020）：把每层各头平均后的注意力与残差通路各取一半混合，再逐层相乘：表示每个位置"
                         "在多大程度上取用每个输入词元。",
    "fig.about.flow": "Abnar 与 Zuidema（2020）：以各头平均后的权重（加上残差）为容量，求每个输入词元经过所有层流向每个输出"
                      "位置的最大流。",
    "fig.about.flow_normalised": "每行除以该行之和，与作者的代码一致。",
    "fig.about.flow_raw": "论文定义的原始最大流：每个输入的流单独求解，所以一行之和可能大于 1。打开开关可看作者按行归一化的版本。",
    "fig.about.model_view": "每一层 × 每个头（{layers} × {heads}），各自按自己的最大值缩放。点击缩略图打开那个头。",
    "fig.about.model_view_pooled": "每一层 × 每个头（{layers} × {heads}），各自按自己的最大值缩放，并在 {device} 上合并为 "
                                   "{rows} × {cols} 格。点击缩略图打开那个头。",
    "fig.about.clusters": "在 0.5 处切分得到 {n} 个聚类",
    "fig.about.qk_pca": "这个头的查询（圆点）和键（菱形）一起投影到前两个主轴上（解释了 {a} + {b} 的方差），颜色表示位置。"
                        "离某个键近的查询与它的点积大。",
    "fig.about.qk_other": "这个头的查询（圆点）和键（菱形）用 {method} 一起投影，颜色表示位置。离某个键近的查询与它的点积大。",
    "fig.about.generated": "第 {pos} 个词元“{token}”是读完第 0–{last} 个词元后写出的；下图显示它作为最新的查询时，"
                           "第 {layer} 层的每个头在看哪里。",
    "fig.error.nothing_left": "没有可显示的词元了：请放宽窗口，或显示特殊词元。",
    "fig.error.rollout_square": "注意力展开要把一层的注意力与下一层相乘，所以需要方形的自注意力；请选择自注意力。",
    "fig.error.flow_square": "注意力流需要方形的自注意力；请选择自注意力。",
    "fig.error.different_tokens": "两次捕获的词元不同；求差值需要两边词元相同。",
    "fig.error.no_qk": "这次捕获没有保存查询向量和键向量。",
    "fig.error.flow_too_long": "注意力流要在 {edges} 条边上求解 {problems} 个最大流问题；这里最多支持 {limit} 个词元"
                               "（这段文本有 {n} 个）。请改用注意力展开，或缩短文本或窗口。",
    "fig.error.not_comparable": "两段文本没有共同的字符，A 的任何词元都不与 B 的词元覆盖相同的文本：没有可相减的内容，"
                                "两个窗格只并排显示，不画差值图。",
}
