"""The positional-encodings page's strings, and its figures' titles, legends and captions (attnviz.figures.positions)."""

EN = {
    "positional.title": "Positional encodings",
    "positional.intro": "Self-attention alone is blind to order: permute the tokens and every weight moves with them. "
                        "Transformers add where each token sits — by a formula, a learned table, or a rotation.",
    "positional.tab.sinusoidal": "Sinusoidal",
    "positional.tab.learned": "Learned",
    "positional.tab.rotary": "Rotary (RoPE)",
    "positional.tab.used": "What the model used",
    "positional.tab.effect": "Effect on attention",
    "positional.scheme.sinusoidal": "sinusoidal",
    "positional.scheme.learned": "learned",
    "positional.scheme.rotary": "rotary",
    "positional.scheme.alibi": "ALiBi",
    "positional.scheme.relative": "relative (T5 buckets)",
    "positional.scheme.disentangled": "relative (DeBERTa, disentangled)",
    "positional.scheme.none": "no",
    "positional.token_option": "{i} · {token}",
    # ---- sinusoidal ----
    "positional.d_model": "d_model",
    "positional.positions": "Positions",
    "positional.axis.dimension": "dimension",
    "positional.axis.position": "position",
    "positional.axis.position_from": "position − {start}",
    "positional.sin.hover": "pos %{y}, dim %{x}: %{z:.4f}",
    "positional.sin.caption": "Early dimensions oscillate fast, later ones slowly: each pair (2i, 2i+1) is a clock at "
                              "its own speed.",
    "positional.waves.header": "Dimensions as waves",
    "positional.waves.dims": "Dimensions",
    "positional.fig.dim_sin": "dim {d} (sin)",
    "positional.fig.dim_cos": "dim {d} (cos)",
    "positional.fig.pos": "pos {p}",
    "positional.formula.header": "The formula at one point",
    "positional.formula.pos": "pos",
    "positional.formula.i": "i (pair)",
    "positional.formula.caption": "The table above holds {even} and {odd} there (float32).",
    "positional.sim.header": "Similarity depends on distance only",
    "positional.sim.from": "from pos {p}",
    "positional.sim.distance": "distance k",
    "positional.sim.caption": "PE(pos)·PE(pos + k) = Σᵢ cos(ωᵢ k): the curves from different starting positions lie "
                              "on top of each other.",
    "positional.shift.header": "A shift is a rotation",
    "positional.shift.k": "Shift k",
    "positional.shift.checked": "Checked for every position and every pair: largest error {err} (float32 rounding). "
                                "The rotation depends on k alone.",
    "positional.shift.pair": "Pair i to draw",
    "positional.shift.col.pair": "pair i",
    "positional.shift.col.dims": "dims",
    "positional.shift.col.angle": "angle ω_i·k (rad)",
    "positional.shift.positions": "positions",
    "positional.shift.shift": "shift",
    # ---- learned ----
    "positional.learned.pick": "Pick **minilm** or **scratch-seq2seq** in the sidebar, or a GPT-2 or BERT folder of "
                               "your own, to see a learned position table.",
    "positional.learned.none": "{name} has no learned position table ({scheme} positions). Pick **minilm** or "
                               "**scratch-seq2seq** in the sidebar, or a GPT-2 or BERT folder of your own.",
    # presentation mode hides the sidebar: these name the model instead of pointing to it
    "positional.learned.pick.present": "A learned position table needs a model that has one: **minilm**, "
                                       "**scratch-seq2seq**, or a GPT-2 or BERT folder.",
    "positional.learned.none.present": "{name} has no learned position table ({scheme} positions); **minilm** and "
                                       "**scratch-seq2seq** have one, as do GPT-2 and BERT.",
    "positional.rotary.formula_only.present": "{name} does not use rotary positions, so this tab uses the formula; "
                                              "**glassllm-en** and **scratch-decoder** show a rotary model's own vectors.",
    "positional.rotary.this_model": "This model",
    "positional.used.text.present": "{name} uses **{kind}** positions. Read through a hook on {source} during the "
                                    "forward pass of this text — the values the model really used, not a formula "
                                    "recomputed beside it.",
    "positional.learned.table": "{name} learns a table of **{n} positions × {d} dimensions** ({module}); row *p* is "
                                "added to the embedding of the token at position *p*.",
    "positional.learned.n": "Positions shown",
    "positional.learned.skip0": "Leave out position 0",
    "positional.learned.skip0_help": "Position 0 always holds the first token ([CLS], <s>) and often sits far from the "
                                     "other positions, squeezing them together in the plots.",
    "positional.learned.hover": "row %{y}, dim %{x}: %{z:.4f}",
    "positional.learned.clipped": "Colours are clipped at the 99th percentile of |value|: a few dimensions hold much "
                                  "larger values.",
    "positional.learned.cosine": "**Cosine similarity of positions**",
    "positional.learned.path": "**The positions as a path** (PCA: {first} + {second} of the variance)",
    "positional.learned.smooth": "Nothing forces a learned table to be smooth, yet trained models learn neighbouring "
                                 "positions that resemble each other: the bright band along the diagonal and the "
                                 "ordered path.",
    # ---- rotary ----
    "positional.rotary.text": "Rotary models add nothing to the embeddings: they turn each pair of dimensions of every "
                              "query and key by an angle proportional to the position, so q·k depends on how far "
                              "apart two tokens are.",
    "positional.rotary.d_head": "d_head",
    "positional.rotary.using": "Using {name}: d_head = {d}.",
    "positional.rotary.formula_only": "The sidebar's model does not use rotary positions; this tab uses the formula. "
                                      "Pick **glassllm-en** or **scratch-decoder** to see a rotary model's own vectors.",
    "positional.rotary.pair": "pair i",
    "positional.rotary.position": "position m",
    "positional.rotary.hover": "pos %{y}, pair %{x}: %{z:.3f} rad",
    "positional.rotary.caption": "Angle m·θᵢ (mod 2π) per position and pair: the first pairs spin fast, the last ones "
                                 "barely turn.",
    "positional.distance.header": "q·k against relative distance",
    "positional.distance.seed": "Seed for random q and k",
    "positional.distance.random": "random q and k",
    "positional.distance.real": "Use a query and key of the model",
    "positional.distance.query": "Query token",
    "positional.distance.model": "the query of token {qi} and the key of token 0, layer {layer}, head {head}, before "
                                 "rotation",
    "positional.distance.partial": "{source} (the {n} of {d} dimensions this model turns)",
    "positional.distance.caption": "From {source}. Rotating both by their positions leaves q·k a function of m − n "
                                   "alone; rotation never changes a vector's length.",
    "positional.distance.plain": "q·k without rotation",
    "positional.distance.x": "relative distance m − n",
    "positional.distance.y": "q·k after rotation",
    # ---- what the model used ----
    "positional.used.none": "{name} adds no positional encoding that attnviz could read ({scheme}).",
    "positional.used.text": "{name} uses **{kind}** positions. Read through a hook on {source} during the forward pass "
                            "of the sidebar's text — the values the model really used, not a formula recomputed "
                            "beside it.",
    "positional.used.shape": "{name} — shape {shape}",
    "positional.used.hover": "%{y}, dim %{x}: %{z:.4f}",
    "positional.used.head": "Head",
    "positional.used.key_position": "key position",
    "positional.used.query_position": "query position",
    "positional.used.equal": "The captured rows equal rows 0–{last} of the table {table} (largest difference {diff}).",
    "positional.used.formula_same": "Compared with the textbook formula: largest difference {diff} — the same "
                                    "encoding.",
    "positional.used.formula_differs": "Compared with the textbook formula: largest difference {diff} — this model "
                                       "lays its sines and cosines out differently (for example all sines first, then "
                                       "all cosines).",
    "positional.bias.header": "Bias by distance",
    "positional.bias.head": "head {h}",
    "positional.bias.bucket": "bucket {b}",
    "positional.bias.alibi_x": "distance i − j (query i, key j ≤ i)",
    "positional.bias.alibi_y": "bias added to the score",
    "positional.bias.alibi": "ALiBi adds −m·(i − j) to each score: a penalty growing with distance, steeper for heads "
                             "with a larger slope m ({slopes}). It has no table, so it extends to any length. Some "
                             "models (Falcon) scale the bias like q·k, by 1/√d_head.",
    "positional.bias.t5_x": "relative position j − i (key − query)",
    "positional.bias.t5_y": "learned bias added to the score",
    "positional.bias.t5": "T5 sorts each distance into one of {n} buckets — one bucket per distance up to {exact}, then "
                          "logarithmically wider ones, all distances past {far} sharing the last — and learns one "
                          "bias per bucket and head (the encoder's first layer, shared by every layer). Flat stretches "
                          "are distances that share a bucket.",
    "positional.bias.t5_missing": "This model's relative position bias could not be found in its modules.",
    "positional.bias.not_drawn.rotary": "Rotary positions turn queries and keys instead of adding a bias: see the "
                                        "Rotary (RoPE) tab.",
    "positional.bias.not_drawn.learned": "Learned positions are a table added to the token embeddings: see the "
                                         "Learned tab.",
    "positional.bias.not_drawn.sinusoidal": "Sinusoidal positions are a fixed table added to the token embeddings: "
                                            "see the Sinusoidal tab.",
    "positional.bias.not_drawn.disentangled": "DeBERTa's relative positions are not one bias per distance: each layer "
                                              "projects shared relative position embeddings with its own query and "
                                              "key weights and adds content-to-position and position-to-content "
                                              "terms that depend on the tokens too, so there is no single curve to "
                                              "draw.",
    "positional.bias.not_drawn.none": "This model adds no positional information: without it, attention cannot tell "
                                      "word order.",
    "positional.bias.unknown": "No drawing for the {scheme} scheme.",
    # ---- effect on attention ----
    "positional.effect.text": "The same text run again with its positions **shuffled** (each token gets another "
                              "token's position) or **removed** (zeros; for rotary models, no rotation). What changes "
                              "is what position did.",
    "positional.effect.mode": "Positions",
    "positional.effect.shuffled": "shuffled",
    "positional.effect.removed": "removed",
    "positional.effect.seed": "Shuffle seed",
    "positional.effect.title.base": "with positions",
    "positional.effect.title.shuffled": "positions shuffled",
    "positional.effect.title.removed": "positions removed",
    "positional.effect.caption": "Largest change in this head: {head}; over every layer and head: {every}.",
    "positional.worked.header": "In the worked example",
    "positional.worked.with": "**Weights with the seed's positional encodings**",
    "positional.worked.without": "**Weights without them** (X alone)",
    "positional.worked.caption": "Without positions, reordering the words only reorders the weights: after undoing "
                                 "the permutation the two agree to {err}.",
}

ZH = {
    "positional.title": "位置编码",
    "positional.intro": "单靠自注意力看不出词序：把词元打乱，每个权重也跟着换位置。所以 Transformer 要另外加上每个词元"
                        "所在的位置——用公式、用学习得到的表，或者用旋转。",
    "positional.tab.sinusoidal": "正弦编码",
    "positional.tab.learned": "可学习编码",
    "positional.tab.rotary": "旋转编码（RoPE）",
    "positional.tab.used": "模型实际用的编码",
    "positional.tab.effect": "对注意力的影响",
    "positional.scheme.sinusoidal": "正弦",
    "positional.scheme.learned": "可学习",
    "positional.scheme.rotary": "旋转",
    "positional.scheme.alibi": "ALiBi",
    "positional.scheme.relative": "相对（T5 分桶）",
    "positional.scheme.disentangled": "相对（DeBERTa，解耦）",
    "positional.scheme.none": "无",
    "positional.token_option": "{i} · {token}",
    # ---- sinusoidal ----
    "positional.d_model": "d_model",
    "positional.positions": "位置数",
    "positional.axis.dimension": "维度",
    "positional.axis.position": "位置",
    "positional.axis.position_from": "位置 − {start}",
    "positional.sin.hover": "位置 %{y}，维度 %{x}：%{z:.4f}",
    "positional.sin.caption": "靠前的维度振荡得快，靠后的维度振荡得慢：每一对维度 (2i, 2i+1) 都像一只按自己速度走的时钟。",
    "positional.waves.header": "把维度画成波形",
    "positional.waves.dims": "维度",
    "positional.fig.dim_sin": "维度 {d}（sin）",
    "positional.fig.dim_cos": "维度 {d}（cos）",
    "positional.fig.pos": "位置 {p}",
    "positional.formula.header": "在一个点上代入公式",
    "positional.formula.pos": "pos",
    "positional.formula.i": "i（维度对）",
    "positional.formula.caption": "上面的表在这里存的是 {even} 和 {odd}（float32）。",
    "positional.sim.header": "相似度只取决于距离",
    "positional.sim.from": "从位置 {p} 起",
    "positional.sim.distance": "距离 k",
    "positional.sim.caption": "PE(pos)·PE(pos + k) = Σᵢ cos(ωᵢ k)：从不同起点出发的曲线彼此重合。",
    "positional.shift.header": "平移就是旋转",
    "positional.shift.k": "平移量 k",
    "positional.shift.checked": "已对每个位置、每一对维度验证：最大误差为 {err}（float32 的舍入误差）。旋转只取决于 k。",
    "positional.shift.pair": "要画的维度对 i",
    "positional.shift.col.pair": "维度对 i",
    "positional.shift.col.dims": "维度",
    "positional.shift.col.angle": "角度 ω_i·k（弧度）",
    "positional.shift.positions": "各位置",
    "positional.shift.shift": "平移",
    # ---- learned ----
    "positional.learned.pick": "在侧边栏选择 **minilm** 或 **scratch-seq2seq**，或者你自己的 GPT-2、BERT 模型文件夹，"
                               "就能看到可学习的位置表。",
    "positional.learned.none": "{name} 没有可学习的位置表（它用的是{scheme}位置编码）。请在侧边栏选择 **minilm** 或 "
                               "**scratch-seq2seq**，或者你自己的 GPT-2、BERT 模型文件夹。",
    "positional.learned.pick.present": "要看可学习的位置表，需要一个带这种表的模型：**minilm**、**scratch-seq2seq**，"
                                       "或者 GPT-2、BERT 模型文件夹。",
    "positional.learned.none.present": "{name} 没有可学习的位置表（它用的是{scheme}位置编码）；**minilm** 和 "
                                       "**scratch-seq2seq** 有这种表，GPT-2 和 BERT 也有。",
    "positional.rotary.formula_only.present": "{name} 不使用旋转位置编码，所以本页签按公式计算；**glassllm-en** 和 "
                                              "**scratch-decoder** 能显示旋转编码模型自己的向量。",
    "positional.rotary.this_model": "这个模型",
    "positional.used.text.present": "{name} 使用 **{kind}** 位置编码。这些值是在对当前文本做前向传播时，通过 {source} "
                                    "上的钩子读出的——是模型真正用到的值，而不是在一旁按公式重算的。",
    "positional.learned.table": "{name} 学习了一张 **{n} 个位置 × {d} 个维度** 的表（{module}）；第 *p* 行加到位置 *p* "
                                "上那个词元的嵌入上。",
    "positional.learned.n": "显示的位置数",
    "positional.learned.skip0": "略去位置 0",
    "positional.learned.skip0_help": "位置 0 总是放第一个词元（[CLS]、<s>），它往往离其他位置很远，会把其余位置在图中"
                                     "挤到一起。",
    "positional.learned.hover": "行 %{y}，维度 %{x}：%{z:.4f}",
    "positional.learned.clipped": "颜色在 |值| 的第 99 百分位处截断：少数几个维度的值要大得多。",
    "positional.learned.cosine": "**位置之间的余弦相似度**",
    "positional.learned.path": "**把位置连成一条路径**（PCA：解释了 {first} + {second} 的方差）",
    "positional.learned.smooth": "没有任何约束要求可学习的位置表是平滑的，但训练好的模型学到的相邻位置彼此相似：对角线上的"
                                 "亮带和有序的路径都说明了这一点。",
    # ---- rotary ----
    "positional.rotary.text": "旋转位置编码不往嵌入上加任何东西：它把每个查询和键的每一对维度旋转一个与位置成正比的角度，"
                              "于是 q·k 取决于两个词元相距多远。",
    "positional.rotary.d_head": "d_head",
    "positional.rotary.using": "使用 {name}：d_head = {d}。",
    "positional.rotary.formula_only": "侧边栏的模型不使用旋转位置编码，本页签按公式计算。选择 **glassllm-en** 或 "
                                      "**scratch-decoder**，就能看到旋转编码模型自己的向量。",
    "positional.rotary.pair": "维度对 i",
    "positional.rotary.position": "位置 m",
    "positional.rotary.hover": "位置 %{y}，维度对 %{x}：%{z:.3f} 弧度",
    "positional.rotary.caption": "每个位置、每一对维度的旋转角 m·θᵢ（对 2π 取模）：前面的维度对转得快，最后几对几乎不转。",
    "positional.distance.header": "q·k 随相对距离的变化",
    "positional.distance.seed": "随机 q 和 k 的种子",
    "positional.distance.random": "随机的 q 和 k",
    "positional.distance.real": "使用模型的一个查询和一个键",
    "positional.distance.query": "查询词元",
    "positional.distance.model": "词元 {qi} 的查询和词元 0 的键（层 {layer}，头 {head}，旋转之前）",
    "positional.distance.partial": "{source}（该模型只旋转 {d} 个维度中的 {n} 个）",
    "positional.distance.caption": "数据来自{source}。把两者都按各自的位置旋转之后，q·k 只是 m − n 的函数；旋转从不改变"
                                   "向量的长度。",
    "positional.distance.plain": "不旋转时的 q·k",
    "positional.distance.x": "相对距离 m − n",
    "positional.distance.y": "旋转后的 q·k",
    # ---- what the model used ----
    "positional.used.none": "{name} 没有 attnviz 能读取的位置编码（{scheme}）。",
    "positional.used.text": "{name} 使用 **{kind}** 位置编码。这些值是在对侧边栏文本做前向传播时，通过 {source} 上的"
                            "钩子读出的——是模型真正用到的值，而不是在一旁按公式重算的。",
    "positional.used.shape": "{name}：形状 {shape}",
    "positional.used.hover": "%{y}，维度 %{x}：%{z:.4f}",
    "positional.used.head": "头",
    "positional.used.key_position": "键位置",
    "positional.used.query_position": "查询位置",
    "positional.used.equal": "捕获到的各行与表 {table} 的第 0–{last} 行相同（最大差异 {diff}）。",
    "positional.used.formula_same": "与教科书中的公式相比：最大差异 {diff}——是同一种编码。",
    "positional.used.formula_differs": "与教科书中的公式相比：最大差异 {diff}——这个模型排列正弦和余弦的方式不同（例如先排"
                                       "全部正弦，再排全部余弦）。",
    "positional.bias.header": "随距离变化的偏置",
    "positional.bias.head": "头 {h}",
    "positional.bias.bucket": "桶 {b}",
    "positional.bias.alibi_x": "距离 i − j（查询 i，键 j ≤ i）",
    "positional.bias.alibi_y": "加到分数上的偏置",
    "positional.bias.alibi": "ALiBi 给每个分数加上 −m·(i − j)：惩罚随距离增大，斜率 m 越大的头下降越陡（{slopes}）。它"
                             "没有位置表，因此能推广到任意长度。有些模型（Falcon）会像 q·k 一样把这个偏置乘以 1/√d_head。",
    "positional.bias.t5_x": "相对位置 j − i（键 − 查询）",
    "positional.bias.t5_y": "加到分数上的可学习偏置",
    "positional.bias.t5": "T5 把每个距离归入 {n} 个桶中的一个——距离不超过 {exact} 时每个距离各占一个桶，之后的桶按对数"
                          "变宽，超过 {far} 的距离共用最后一个桶——并为每个桶、每个头学习一个偏置（取自编码器第一层，"
                          "各层共用）。曲线上平坦的一段，就是共用同一个桶的距离。",
    "positional.bias.t5_missing": "在这个模型的模块中找不到它的相对位置偏置。",
    "positional.bias.not_drawn.rotary": "旋转位置编码是旋转查询和键，而不是加一个偏置：请看“旋转编码（RoPE）”页签。",
    "positional.bias.not_drawn.learned": "可学习的位置编码是一张加到词嵌入上的表：请看“可学习编码”页签。",
    "positional.bias.not_drawn.sinusoidal": "正弦位置编码是一张加到词嵌入上的固定表：请看“正弦编码”页签。",
    "positional.bias.not_drawn.disentangled": "DeBERTa 的相对位置不是每个距离一个偏置：每一层用自己的查询权重和键权重投影"
                                              "共享的相对位置嵌入，并加上“内容到位置”和“位置到内容”两项，这两项也"
                                              "取决于词元，所以画不出单独一条曲线。",
    "positional.bias.not_drawn.none": "这个模型不加任何位置信息：没有它，注意力分不清词序。",
    "positional.bias.unknown": "没有为 {scheme} 方案准备的图。",
    # ---- effect on attention ----
    "positional.effect.text": "把同一段文本再运行一次，把位置**打乱**（每个词元拿到另一个词元的位置），或者**去掉**（置零；"
                              "旋转编码的模型则不旋转）。发生变化的部分，就是位置所起的作用。",
    "positional.effect.mode": "位置",
    "positional.effect.shuffled": "打乱",
    "positional.effect.removed": "去掉",
    "positional.effect.seed": "打乱用的随机种子",
    "positional.effect.title.base": "带位置编码",
    "positional.effect.title.shuffled": "位置被打乱",
    "positional.effect.title.removed": "位置被去掉",
    "positional.effect.caption": "这个头中最大的变化：{head}；所有层、所有头中最大的变化：{every}。",
    "positional.worked.header": "在计算实例中",
    "positional.worked.with": "**使用文中位置编码时的权重**",
    "positional.worked.without": "**不加位置编码时的权重**（只有 X）",
    "positional.worked.caption": "没有位置编码时，调换词序只会调换权重的次序：把排列还原之后，两者相差不超过 {err}。",
}
