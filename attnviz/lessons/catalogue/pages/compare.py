"""The compare page's strings: its panes, pickers, set-ups, difference, head distances and statistics."""

EN: dict[str, str] = {
    "compare.title": "Compare side by side",
    "compare.intro": "Two panes, each with its own model, text and positions; B starts as a copy of A, so changing one "
                     "thing shows its effect. Tokens are aligned by the characters they cover, so two different "
                     "tokenisers can be compared.",
    "compare.setups": "Quick set-ups",
    "compare.setups_help": "Each fills both panes; B otherwise starts as a copy of A.",
    "compare.setup.two_models": "Two models, same text",
    "compare.setup.two_texts": "Same model, two texts",
    "compare.setup.checkpoint": "Checkpoint vs its untrained start",
    "compare.setup.positions": "Positions intact vs shuffled",
    "compare.setup_note.two_models": "B runs {model} on A's text.",
    "compare.setup_note.two_texts": "Same model; the texts differ in one word (he / she).",
    "compare.setup_note.no_checkpoint": "No checkpoint found: train a model in the Training lab (or enter a "
                                        "checkpoint folder as A's model), then press this again.",
    "compare.setup_note.checkpoint": "A: the checkpoint; B: the same model before its first training step (its "
                                     "untrained start).",
    "compare.setup_note.positions": "Same model and text; B's positional encoding is shuffled over positions (seed 0).",
    "compare.pane_heading": "#### Pane {side}",
    "compare.copy": "Copy A → B",
    "compare.copy_help": "B becomes a copy of A: change one thing to see its effect.",
    "compare.pane.model": "Model {side}",
    "compare.pane.untrained": "The untrained start of a checkpoint folder…",
    "compare.pane.positions": "Positions",
    "compare.pane.positions_help": "shuffled: the positional encoding permuted over positions (seed 0); removed: "
                                   "taken out.",
    "compare.pane.pos.normal": "intact",
    "compare.pane.pos.shuffled": "shuffled",
    "compare.pane.pos.removed": "removed",
    "compare.pane.folder": "Folder or hub id",
    "compare.pane.checkpoint": "Folder of the checkpoint",
    "compare.pane.placeholder": "/path/to/model",
    "compare.pane.text": "Text {side}",
    "compare.pane.need_model": "Pane {side}: enter a folder path, or pick an offline model.",
    "compare.pane.empty_text": "Pane {side}: the text is empty; type a sentence to see its attention.",
    "compare.pane.loading": "Pane {side}: loading {spec}…",
    "compare.pane.failed": "Pane {side} failed: {detail}",
    "compare.pane.note": "Pane {side}: {note}",
    "compare.lock": "Lock B to A",
    "compare.lock_help": "Locked: B's layer and head follow A's, matched by relative depth. Unlock to pick B's apart.",
    "compare.layer": "Layer ({side})",
    "compare.head": "Head ({side})",
    "compare.layer_fixed": "Layer ({side}): **{value}**",
    "compare.head_fixed": "Head ({side}): **{value}**",
    "compare.match_same": "the same count on both sides, so layer i is layer i",
    "compare.match_scaled": "A has {a} layers and B {b}: B's layer = round(A's layer × {num}/{den}), first to first, "
                            "last to last",
    "compare.match_locked": "Layers are matched by relative depth ({how}); heads by the same rule (locked).",
    "compare.match_unlocked": "Layers are matched by relative depth ({how}); heads by the same rule; B is unlocked "
                              "and picked by hand.",
    "compare.view": "View (each pane, through the explorer's own view functions)",
    "compare.scale_shared": "One colour scale for both panes: 0 (white) to {zmax} (darkest), the larger maximum of the "
                            "two matrices shown, so equal colours mean equal weights.",
    "compare.scale_range": "One colour scale for both panes: {low} to {high}.",
    "compare.scale_own": "Each thumbnail is scaled to its own maximum (as on the explorer): compare shapes here, "
                         "weights in the heatmap.",
    "compare.no_qk": "Pane {side}: this capture kept no query and key vectors.",
    "compare.diff_title": "Difference B − A on the aligned tokens",
    "compare.diff_units": "{n} aligned units: tokens of A and B that cover the same characters are one unit (a word "
                          "split in two by one tokeniser and kept whole by the other is one row). A unit's row is the "
                          "mean of its tokens' rows, its column the sum of its tokens' columns.",
    "compare.diff_colours": "Red: B gives more weight; blue: A does; white: the same. The colour scale is centred on "
                            "zero.",
    "compare.dist_title": "Which head of B does what a head of A does?",
    "compare.dist_about": "Jensen–Shannon divergence (base 2) between the two heads' attention rows on the aligned "
                          "tokens, averaged over queries: 0 for identical heads, 1 for heads that attend to disjoint "
                          "tokens. Each A head's closest B head is ringed in red. Click a cell to open both heads side "
                          "by side.",
    "compare.stats_title": "Head statistics of A and B",
    "compare.stats_about": "Drag a box on the chart to list those heads below (double-click to clear it); select rows "
                           "of the table to enlarge them on the chart. Entropy in nats; mean distance in positions; "
                           "the others are the average weight a query gives to that target.",
    "compare.in_box": "**{n} of {total} heads in the box:** {heads}",
    "compare.npz": "Capture {side} as NPZ",
    "compare.report": "Comparison report (HTML, offline)",
    "compare.link_what": "both panes, the view, layers and heads",
    "compare.link_heading": "this comparison",
    "compare.link_carry": "whoever opens the link pastes them into the boxes Text A and Text B",
    "compare.not_comparable": "The two panes cannot be compared: {detail}",
    "compare.needs_both": "The comparison (difference, head distances, statistics) needs both panes; pane {side} did "
                          "not load (its message is above). The other pane works on its own.",
    "compare.needs_both_none": "The comparison (difference, head distances, statistics) needs both panes; neither "
                               "loaded (their messages are above).",
}

ZH: dict[str, str] = {
    "compare.title": "并排比较",
    "compare.intro": "两个窗格，各有自己的模型、文本和位置编码；B 一开始是 A 的副本，所以只改一处，就能看出它的影响。"
                     "词元按所覆盖的字符对齐，因此两种不同的分词器也能比较。",
    "compare.setups": "快速设置",
    "compare.setups_help": "每一项都会同时填好两个窗格；否则 B 一开始是 A 的副本。",
    "compare.setup.two_models": "两个模型，同一段文本",
    "compare.setup.two_texts": "同一个模型，两段文本",
    "compare.setup.checkpoint": "检查点与它未训练时的初始状态",
    "compare.setup.positions": "位置编码完好与打乱",
    "compare.setup_note.two_models": "B 用 {model} 处理 A 的文本。",
    "compare.setup_note.two_texts": "同一个模型；两段文本只差一个词（he / she）。",
    "compare.setup_note.no_checkpoint": "没有找到检查点：请先在训练实验室训练一个模型（或把检查点文件夹填为 A 的模型），"
                                        "然后再按一次。",
    "compare.setup_note.checkpoint": "A：检查点；B：同一个模型在第一步训练之前的样子（未训练的初始状态）。",
    "compare.setup_note.positions": "模型和文本相同；B 的位置编码在各位置之间打乱（随机种子 0）。",
    "compare.pane_heading": "#### 窗格 {side}",
    "compare.copy": "复制 A → B",
    "compare.copy_help": "B 变成 A 的副本：只改一处，看它的影响。",
    "compare.pane.model": "模型 {side}",
    "compare.pane.untrained": "检查点文件夹中未训练的初始状态…",
    "compare.pane.positions": "位置编码",
    "compare.pane.positions_help": "打乱：位置编码在各位置之间随机置换（随机种子 0）；移除：去掉位置编码。",
    "compare.pane.pos.normal": "完好",
    "compare.pane.pos.shuffled": "打乱",
    "compare.pane.pos.removed": "移除",
    "compare.pane.folder": "文件夹或 Hub ID",
    "compare.pane.checkpoint": "检查点文件夹",
    "compare.pane.placeholder": "/path/to/model",
    "compare.pane.text": "文本 {side}",
    "compare.pane.need_model": "窗格 {side}：请输入文件夹路径，或选择一个离线模型。",
    "compare.pane.empty_text": "窗格 {side}：文本为空；输入一句话，才能看到它的注意力。",
    "compare.pane.loading": "窗格 {side}：正在加载 {spec}…",
    "compare.pane.failed": "窗格 {side} 出错：{detail}",
    "compare.pane.note": "窗格 {side}：{note}",
    "compare.lock": "B 跟随 A",
    "compare.lock_help": "锁定时，B 的层和头跟随 A，按相对深度对应。解除锁定即可单独选择 B 的层和头。",
    "compare.layer": "层（{side}）",
    "compare.head": "头（{side}）",
    "compare.layer_fixed": "层（{side}）：**{value}**",
    "compare.head_fixed": "头（{side}）：**{value}**",
    "compare.match_same": "两边层数相同，所以第 i 层对应第 i 层",
    "compare.match_scaled": "A 有 {a} 层，B 有 {b} 层：B 的层 = round(A 的层 × {num}/{den})，第一层对第一层，"
                            "最后一层对最后一层",
    "compare.match_locked": "各层按相对深度对应（{how}）；头也按同样的规则对应（已锁定）。",
    "compare.match_unlocked": "各层按相对深度对应（{how}）；头也按同样的规则对应；B 已解除锁定，由你手动选择。",
    "compare.view": "视图（每个窗格都用探索器自己的视图函数绘制）",
    "compare.scale_shared": "两个窗格共用一个色标：0（白色）到 {zmax}（最深），取两个矩阵中较大的最大值，"
                            "所以颜色相同就表示权重相同。",
    "compare.scale_range": "两个窗格共用一个色标：{low} 到 {high}。",
    "compare.scale_own": "每个缩略图按自己的最大值缩放（与探索器相同）：这里比较形状，权重请看热力图。",
    "compare.no_qk": "窗格 {side}：这次捕获没有保存查询向量和键向量。",
    "compare.diff_title": "对齐词元上的差值 B − A",
    "compare.diff_units": "{n} 个对齐单元：A 和 B 中覆盖相同字符的词元合为一个单元（一个词被一种分词器切成两半、"
                          "被另一种保持完整时，算作一行）。单元的行是其词元各行的平均，列是其词元各列之和。",
    "compare.diff_colours": "红色：B 给的权重更多；蓝色：A 给的更多；白色：相同。色标以零为中心。",
    "compare.dist_title": "B 的哪个头在做 A 的某个头所做的事？",
    "compare.dist_about": "两个头在对齐词元上的注意力行之间的 Jensen–Shannon 散度（以 2 为底），对所有查询取平均："
                          "完全相同的头为 0，关注完全不同词元的头为 1。A 的每个头最接近的 B 头用红圈标出。"
                          "点击一个格子，即可并排打开这两个头。",
    "compare.stats_title": "A 和 B 的注意力头统计",
    "compare.stats_about": "在图上拖出一个框，框内的头会列在下方（双击清除）；在表中选中行，它们会在图上放大显示。"
                           "熵以奈特为单位；平均距离以位置数计；其余各项是查询平均分给该目标的权重。",
    "compare.in_box": "**框内有 {total} 个头中的 {n} 个：** {heads}",
    "compare.npz": "捕获 {side}（NPZ）",
    "compare.report": "比较报告（HTML，可离线查看）",
    "compare.link_what": "两个窗格、视图、层和头",
    "compare.link_heading": "这次比较",
    "compare.link_carry": "打开链接的人把它们粘贴到“文本 A”和“文本 B”两个输入框中",
    "compare.not_comparable": "这两个窗格无法比较：{detail}",
    "compare.needs_both": "比较（差值、头之间的距离、统计）需要两个窗格；窗格 {side} 没有加载成功（原因见上方）。"
                          "另一个窗格可以单独使用。",
    "compare.needs_both_none": "比较（差值、头之间的距离、统计）需要两个窗格；两个都没有加载成功（原因见上方）。",
}
