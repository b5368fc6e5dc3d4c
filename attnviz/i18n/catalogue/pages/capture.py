"""Messages of attnviz/capture (errors and the notes a capture carries), raised or noted as Keyed(key, **fmt).

The English text is what the command line prints; {placeholders} hold what varies, and may hold another Keyed.
"""

EN: dict[str, str] = {
    "capture.empty_text": "The text is empty: type a sentence to see its attention.",
    "capture.no_tokens": "The text gave no tokens for this model: try ordinary words.",
    "capture.decoder_cut": "Decoder text: {note}",
    "capture.truncated.model": "The text is {n} tokens; this model takes {limit}, so only the first {limit} are shown.",
    "capture.truncated.server": "The text is {n} tokens; this server takes at most {limit} per capture, so only the "
                                "first {limit} are shown.",
    "capture.truncated.model_read": "The characters read make {n} tokens; this model takes {limit}, so only the "
                                    "first {limit} are shown.",
    "capture.truncated.server_read": "The characters read make {n} tokens; this server takes at most {limit} per "
                                     "capture, so only the first {limit} are shown.",
    "capture.target_cut": "The target is {n} tokens with the start token; this model takes {limit}, so only the "
                          "first {limit} are shown.",
    "capture.out_of_memory": "Out of {device} memory: the model was moved to the CPU and run there.",
    "capture.positions_shuffled": "Positions shuffled: the positional encoding was permuted over positions "
                                  "(seed {seed}).",
    "capture.positions_removed": "Positions removed: the positional encoding was taken out.",
    "capture.qk_scratch": "Queries-and-keys mode is not available for `{name}` (a from-scratch model): every "
                          "weight was stored instead (eager).",
    "capture.qk_no_recording": "Queries-and-keys mode is not available for `{name}` (its attention does not take "
                               "attnviz's recording function): every weight was stored instead (eager).",
    "capture.qk_bypasses": "`{name}` does not pass all its attention through attnviz's recording function, so "
                           "queries-and-keys mode cannot recompute it: every weight was stored instead (eager).",
    "capture.softcap": "Some layers soft-cap their scores, which the fast kernel cannot do: they ran eager "
                       "attention, and their weights are recomputed from queries and keys with the same cap.",
    # positions that cannot be altered, attention that cannot be read
    "capture.positions.alibi": "`{name}` adds its ALiBi bias inside its attention code, where no hook reaches it, so "
                               "its positions cannot be shuffled or removed.",
    "capture.positions.disentangled": "`{name}` adds DeBERTa's relative position terms inside its attention code, "
                                      "where no hook reaches it, so its positions cannot be shuffled or removed.",
    "capture.positions.rotary": "`{name}` turns queries and keys inside its attention code, where no hook reaches "
                                "it, so its positions cannot be shuffled or removed.",
    "capture.positions.none": "`{name}` has no positional module attnviz can find, so its positions cannot be "
                              "shuffled or removed.",
    "capture.positions.relative": "`{name}` uses relative position biases, which depend on the distance between two "
                                  "tokens and not on where each one sits: shuffling has no meaning there. Choose "
                                  "\"removed\" to see attention without them.",
    "capture.no_weights": "`{name}` ({model_type}) returned no attention weights. Its attention runs in a fused "
                          "kernel that never forms them; attnviz asks for eager attention, which this architecture "
                          "does not offer.",
    "capture.batch.encoder_decoder": "`{name}` is an encoder-decoder; a survey reads the self-attention of encoders "
                                     "and decoder-only models.",
    "capture.batch.no_weights": "`{name}` returned no attention weights in eager mode.",
    # a capture past the memory budget (attnviz/capture/modes.py)
    "capture.too_large": "This capture of {n} tokens would take {need} ({what} {layers} layers × {heads} heads), "
                         "{over} To see it: {ways}.",
    "capture.too_large.eager": "every weight of",
    "capture.too_large.qk": "the queries and keys of",
    "capture.too_large.budget": "more than this server's per-capture budget of {limit}.",
    "capture.too_large.memory": "more memory than this machine had free.",
    "capture.too_large.shorten_to": "shorten the text to about {fits} tokens",
    "capture.too_large.shorten": "shorten the text",
    "capture.too_large.use_qk": "capture in queries-and-keys mode (mode \"qk\" or \"auto\"), which keeps only the "
                                "queries and keys and computes each head when it is shown",
    "capture.too_large.use_gpu": "run the model on the GPU (device \"cuda\" in the sidebar), in float16, half the "
                                 "memory",
    "capture.too_large.use_gpu.present": "run the model on the GPU (device \"cuda\", chosen outside presentation "
                                         "mode), in float16, half the memory",
    "capture.too_large.or": "{first}; or {rest}",
    # how a capture was made (cap.method, in the home page's caption)
    "capture.method.qk": "queries and keys recorded while the model ran its fast attention (SDPA); each head "
                         "computed on demand as softmax(q·kᵀ·scale + mask)",
    "capture.method.recorded": "eager attention through attnviz's recording attention function (weights, queries "
                               "and keys kept)",
    "capture.method.eager": "eager attention (transformers, output_attentions)",
    "capture.method.scratch": "hook points in the from-scratch model",
    "capture.dense_too_large": "The whole {kind} stack {shape} would take {mb} MB, more than this server's "
                               "per-capture budget ({limit} MB). Read one head with cap.head(kind, layer, head) or "
                               "a reduction (attnviz.analysis.reduce) instead.",
}

ZH: dict[str, str] = {
    "capture.empty_text": "文本为空：输入一句话，才能看到它的注意力。",
    "capture.no_tokens": "这段文本没有为该模型产生任何词元：请试试普通的词语。",
    "capture.decoder_cut": "解码器文本：{note}",
    "capture.truncated.model": "这段文本有 {n} 个词元；这个模型最多接受 {limit} 个，所以只显示前 {limit} 个。",
    "capture.truncated.server": "这段文本有 {n} 个词元；本服务器每次捕获最多接受 {limit} 个，所以只显示前 {limit} 个。",
    "capture.truncated.model_read": "读取的字符共构成 {n} 个词元；这个模型最多接受 {limit} 个，所以只显示前 {limit} 个。",
    "capture.truncated.server_read": "读取的字符共构成 {n} 个词元；本服务器每次捕获最多接受 {limit} 个，所以只显示前 "
                                     "{limit} 个。",
    "capture.target_cut": "目标文本加上起始词元共 {n} 个词元；这个模型最多接受 {limit} 个，所以只显示前 {limit} 个。",
    "capture.out_of_memory": "{device} 内存不足：模型已移到 CPU 上运行。",
    "capture.positions_shuffled": "位置编码已打乱：位置编码在各位置之间随机置换（随机种子 {seed}）。",
    "capture.positions_removed": "位置编码已移除：去掉了位置编码。",
    "capture.qk_scratch": "`{name}` 是从零搭建的模型，不能用“查询与键”模式：已改为存下全部注意力权重（eager）。",
    "capture.qk_no_recording": "`{name}` 的注意力不经过 attnviz 的记录函数，不能用“查询与键”模式：已改为存下全部注意力"
                               "权重（eager）。",
    "capture.qk_bypasses": "`{name}` 并非所有注意力都经过 attnviz 的记录函数，“查询与键”模式无法重算：已改为存下全部"
                           "注意力权重（eager）。",
    "capture.softcap": "有些层对分数做了软截断（soft-cap），快速内核做不到：这些层改用 eager 注意力运行，其权重用同样的"
                       "截断值从查询和键重新算出。",
    "capture.positions.alibi": "`{name}` 在自己的注意力代码内部加上 ALiBi 偏置，钩子够不到那里，所以无法打乱或移除它的"
                               "位置信息。",
    "capture.positions.disentangled": "`{name}` 在自己的注意力代码内部加上 DeBERTa 的相对位置项，钩子够不到那里，所以无法"
                                      "打乱或移除它的位置信息。",
    "capture.positions.rotary": "`{name}` 在自己的注意力代码内部旋转查询和键，钩子够不到那里，所以无法打乱或移除它的"
                                "位置信息。",
    "capture.positions.none": "attnviz 在 `{name}` 中找不到位置编码模块，所以无法打乱或移除它的位置信息。",
    "capture.positions.relative": "`{name}` 使用相对位置偏置，它取决于两个词元之间的距离，而不是各自所在的位置：打乱在这里"
                                  "没有意义。请选择“移除”，看看没有它们时的注意力。",
    "capture.no_weights": "`{name}`（{model_type}）没有返回注意力权重。它的注意力在融合内核中运行，从不生成这些权重；"
                          "attnviz 需要 eager 注意力，而这种架构不提供。",
    "capture.batch.encoder_decoder": "`{name}` 是编码器-解码器模型；统计调查读取的是编码器和纯解码器模型的自注意力。",
    "capture.batch.no_weights": "`{name}` 在 eager 模式下没有返回注意力权重。",
    "capture.too_large": "这次捕获有 {n} 个词元，需要 {need}（{layers} 层 × {heads} 个头的{what}），{over}"
                         "要看到它，可以：{ways}。",
    "capture.too_large.eager": "全部权重",
    "capture.too_large.qk": "查询和键",
    "capture.too_large.budget": "超过了本服务器每次捕获的内存预算 {limit}。",
    "capture.too_large.memory": "超过了这台机器当时的空闲内存。",
    "capture.too_large.shorten_to": "把文本缩短到大约 {fits} 个词元",
    "capture.too_large.shorten": "缩短文本",
    "capture.too_large.use_qk": "改用“查询与键”模式捕获（模式 \"qk\" 或 \"auto\"），它只保存查询和键，在显示某个头时"
                                "才计算它",
    "capture.too_large.use_gpu": "在 GPU 上运行模型（侧边栏中的设备选 \"cuda\"），使用 float16，内存减半",
    "capture.too_large.use_gpu.present": "在 GPU 上运行模型（退出演示模式后把设备选为 \"cuda\"），使用 float16，内存减半",
    "capture.too_large.or": "{first}；或者{rest}",
    "capture.method.qk": "模型运行快速注意力（SDPA）时记录下的查询和键；每个头在需要时按 softmax(q·kᵀ·scale + mask) "
                         "计算",
    "capture.method.recorded": "经过 attnviz 记录注意力函数的 eager 注意力（保存了权重、查询和键）",
    "capture.method.eager": "eager 注意力（transformers，output_attentions）",
    "capture.method.scratch": "从零搭建模型中的钩子点",
    "capture.dense_too_large": "整个 {kind} 注意力堆栈 {shape} 需要 {mb} MB，超过了本服务器每次捕获的内存预算（{limit} "
                               "MB）。请改用 cap.head(kind, layer, head) 读取单个头，或使用汇总（attnviz.analysis.reduce）。",
}
