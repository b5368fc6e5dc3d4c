"""English: every string a person reads, by key (zh.py has the same keys)."""

STRINGS: dict[str, str] = {
    # ---- navigation and the shared sidebar ----
    "nav.home": "Home",
    "nav.lesson": "Guided lesson",
    "nav.explorer": "Explorer",
    "nav.worked_example": "Worked example",
    "nav.positions": "Positional encodings",
    "nav.training": "Training lab",
    "sidebar.header": "Model and text",
    "sidebar.model": "Model",
    "sidebar.model_line": "{name} — {what}",
    "sidebar.custom": "Your own: a local folder or a hub id…",
    "sidebar.server_folder": "A model folder on this server…",
    "sidebar.folder": "Model folder",
    "sidebar.folder_help": "The model folders the operator of this server offers, and the training lab's checkpoints.",
    "nav.compare": "Compare",
    "nav.survey": "Survey",
    "sidebar.path": "Folder or hub id",
    "sidebar.path_placeholder": "/path/to/model or org/name",
    "sidebar.path_help": "A folder with config.json, weights and tokenizer files (Hugging Face), or an attnviz "
                         "checkpoint folder. A hub id needs a machine that is online.",
    "sidebar.text_file": "Load the text from a file",
    "sidebar.text_file_label": "A text file (UTF-8)",
    "sidebar.text_file_help": "For texts too long for a link: the text replaces what the box above holds.",
    "sidebar.text": "Text",
    "sidebar.target": "Decoder text",
    "sidebar.target_help": "What the decoder reads. Leave it empty and the model writes its own.",
    "sidebar.options": "Device and options",
    "sidebar.device": "Device",
    "sidebar.device_help": "auto picks CUDA, then Apple MPS, then the CPU.",
    "sidebar.trust": "Allow remote code for this model",
    "sidebar.trust_help": "Some models ship their own Python code. It runs on this machine: turn this on only for "
                          "sources you trust. It turns itself off when you pick another model.",
    "model.minilm": "all-MiniLM-L6-v2: a trained 6-layer, 12-head BERT encoder with learned positions",
    "model.glassllm-en": "glassllm (English): a trained 4-layer decoder LM, rotary positions, 4 query heads sharing "
                         "2 key/value heads",
    "model.scratch-encoder": "From scratch: 2-layer encoder, sinusoidal positions, random weights",
    "model.scratch-decoder": "From scratch: 2-layer causal decoder, rotary positions, random weights",
    "model.scratch-seq2seq": "From scratch: 2+2-layer encoder-decoder with cross-attention, learned positions, "
                             "random weights",
    "present.toggle": "Presentation mode",
    "present.help": "Hides the sidebar and enlarges text and figures for a projector (kept in the link as present=1).",
    "present.leave": "Leave presentation mode",
    # ---- home and the shared pickers and facts ----
    "home.intro": "See what attention does inside a Transformer. Pick a model and type a text in the sidebar.",
    "home.intro.present": "See what attention does inside a Transformer.",
    "home.present.facts": "The model: {name}",
    "home.log": "Log colour scale",
    "home.log_help": "Shows small weights that a linear scale hides.",
    "home.caption": "{q} query × {k} key tokens · each row sums to 1 over the keys it may see · captured by {mode} "
                    "on {device} ({dtype}).",
    "home.caption_causal": "{q} query × {k} key tokens · each row sums to 1 over the keys it may see (a causal model "
                           "sees only earlier tokens) · captured by {mode} on {device} ({dtype}).",
    "pick.attention": "Attention",
    "pick.only_kind": "**{kind}**",
    "pick.layer": "Layer",
    "pick.head": "Head",
    "kind.self": "self-attention",
    "kind.decoder_self": "decoder self-attention",
    "kind.cross": "cross-attention",
    "facts.architecture": "Architecture",
    "facts.layers": "Layers",
    "facts.heads": "Heads",
    "facts.heads_shared": "{q} query, {kv} key/value",
    "facts.positional": "Positional encoding",
    "facts.parameters": "Parameters",
    "facts.unbounded": "unbounded",
    "facts.caption": "{name} · {family} · model type {model_type} · max positions {max_positions} · runs on "
                     "**{device}** in **{dtype}**",
    "facts.multi_query": "Multi-query attention: all {n} query heads read one key/value head; their patterns differ "
                         "only through their queries.",
    "facts.grouped_query_alone": "Grouped-query attention: {n} query heads share {kv} key/value heads. Query head "
                                 "{head} reads key/value head {group}.",
    "facts.grouped_query_one": "Grouped-query attention: {n} query heads share {kv} key/value heads. Query head {head} "
                               "reads key/value head {group}, and so does query head {names}: their patterns differ "
                               "only through their queries.",
    "facts.grouped_query_many": "Grouped-query attention: {n} query heads share {kv} key/value heads. Query head "
                                "{head} reads key/value head {group}, and so do query heads {names}: their patterns "
                                "differ only through their queries.",
    "facts.list_and": "{first} and {last}",
    "facts.memory": "Memory: model {model} on {device} · this capture {capture}, {how} · captures cached for every "
                    "visitor {cached} of {limit}",
    "facts.memory_eager": "every weight stored (eager)",
    "facts.memory_qk": "queries and keys, each head computed on demand (the whole stack would be {whole})",
    "state.need_model": "Enter the path of a model folder (or a hub id) in the sidebar, or pick an offline model.",
    "state.loading_model": "Loading the model…",
    "state.need_model.present": "No model is chosen: leave presentation mode (the button at the top) to pick one.",
    "state.empty_text.present": "The text is empty: leave presentation mode (the button at the top) to type a sentence.",
    "state.empty_text": "The text is empty: type a sentence in the sidebar to see its attention.",
    "state.running": "Running the model…",
    # ---- the guided lesson ----
    "lesson.progress": "Step {n} of {total}",
    "lesson.back": "Back",
    "lesson.next": "Next",
    "lesson.running": "Running the model…",
    "lesson.empty_text": "The text is empty: type a sentence to see its attention.",
    "lesson.no_model": "Could not run {model}: {why}",
    "lesson.order.title": "Why word order matters",
    "lesson.order.text": "Attention compares every word with every other word, but by itself it does not know where "
                         "a word stands. Reorder the sentence: without positional encodings each word gives the "
                         "other words exactly the same weights, only in another row. Add the encodings and the "
                         "weights change with the order.",
    "lesson.order.pick": "Word order",
    "lesson.order.original": "original",
    "lesson.order.reversed": "reversed",
    "lesson.order.shuffled": "shuffled",
    "lesson.order.pe": "Add positional encodings",
    "lesson.order.figure": "Attention weights (query rows, key columns)",
    "lesson.order.caption": "“Transformer” → “powerful”: {w}. Without positional encodings this number is the same "
                            "in every order.",
    "lesson.by_hand.title": "One attention weight by hand",
    "lesson.by_hand.text": "The worked example of the articles: “Transformer is powerful”, three dimensions, "
                           "identity weights. A weight is the dot product of a query and a key, divided by √d_k, "
                           "then passed through a softmax over the query's row. Pick a query and a key.",
    "lesson.by_hand.query": "Query word",
    "lesson.by_hand.key": "Key word",
    "lesson.by_hand.sum": "q·k = **{dot}**, divided by √d_k = {divisor} gives **{scaled}**; the softmax of the row "
                          "turns it into the weight **{weight}**.",
    "lesson.by_hand.figure": "Weights of the worked example",
    "lesson.scaling.title": "Scaling by √d_k and the softmax",
    "lesson.scaling.text": "The dot product of two random vectors grows with their width d_k, and a softmax of "
                           "large numbers puts almost all the weight on one key. Dividing by √d_k keeps the scores "
                           "in a range where the softmax still spreads its weight.",
    "lesson.scaling.d_k": "Largest d_k",
    "lesson.scaling.metric": "Measure",
    "lesson.scaling.max": "Largest weight in a row",
    "lesson.scaling.entropy": "Entropy of a row (nats)",
    "lesson.scaling.scaled": "scaled by √d_k",
    "lesson.scaling.unscaled": "unscaled",
    "lesson.scaling.uniform": "uniform (ln 16)",
    "lesson.scaling.caption": "At d_k = {d}, the largest of 16 weights is {scaled} on average with scaling and "
                              "{unscaled} without.",
    "lesson.heads.title": "Several heads",
    "lesson.heads.text": "Multi-head attention splits d_model into heads of d_k = d_model / heads dimensions, each "
                         "with its own projections, so each head can look for something else. Change the number "
                         "of heads and flip through them.",
    "lesson.heads.count": "Heads",
    "lesson.heads.seed": "Random weights (seed)",
    "lesson.heads.head": "Head shown",
    "lesson.heads.figure": "Head {head} (d_k = {d_k})",
    "lesson.heads.caption": "{n} heads of d_k = {d_k}: the weights of two heads differ by up to {spread}.",
    "lesson.sinusoidal.title": "Positional encodings: sinusoidal",
    "lesson.sinusoidal.text": "The original Transformer adds a vector to each word that depends only on its "
                              "position: sines and cosines of many frequencies. The first dimensions change fast, "
                              "the last ones slowly, so every position gets its own pattern.",
    "lesson.sinusoidal.d": "d_model",
    "lesson.sinusoidal.length": "Positions",
    "lesson.sinusoidal.x": "dimension",
    "lesson.sinusoidal.y": "position",
    "lesson.sinusoidal.caption": "{n} positions × {d} dimensions: each row is what is added to the word at that "
                                 "position.",
    "lesson.rotary.title": "Positional encodings: rotary",
    "lesson.rotary.text": "Rotary encodings add nothing: they turn each pair of dimensions of a query and a key by "
                          "an angle proportional to the position. Then q·k depends only on how far apart two "
                          "words are, not where they stand.",
    "lesson.rotary.d_head": "d_head",
    "lesson.rotary.seed": "Random q and k (seed)",
    "lesson.rotary.figure": "q·k against the distance between the two words",
    "lesson.rotary.caption": "Without rotation q·k = {plain}; 63 positions apart it is {far}.",
    "lesson.real_heads.title": "Real heads in trained models",
    "lesson.real_heads.text": "Trained models grow heads with recognisable jobs: some look at the previous word, "
                              "some rest on the first token, and induction heads (in decoders such as glassllm) look at what followed the last "
                              "time the current word appeared. The page finds the head that shows the pattern "
                              "most in MiniLM or glassllm.",
    "lesson.real_heads.model": "Model",
    "lesson.real_heads.pattern": "Pattern",
    "lesson.real_heads.previous": "previous token",
    "lesson.real_heads.first": "first token",
    "lesson.real_heads.induction": "induction",
    "lesson.real_heads.text_input": "Text",
    "lesson.real_heads.default_text": "The cat sat on the mat. The cat sat on the mat.",
    "lesson.real_heads.found_previous": "Layer {layer}, head {head} gives {score} of its weight to the previous "
                                        "token on average.",
    "lesson.real_heads.found_first": "Layer {layer}, head {head} gives {score} of its weight to the first token on "
                                     "average.",
    "lesson.real_heads.found_induction": "Layer {layer}, head {head}: from a repeated word, {score} of the weight "
                                         "goes to the word that followed its first occurrence.",
    "lesson.words.title": "The sentence itself",
    "lesson.words.text": "The same weights on the words: each word is shaded by how much the chosen word (outlined "
                         "in red) attends to it. Hover a word to choose it.",
    "lesson.words.layer": "Layer",
    "lesson.words.head": "Head",
    "lesson.words.mean": "mean of the heads",
    "lesson.words.caption": "MiniLM; darker is more weight. Hover a word to see where it looks.",
    "lesson.training.title": "Train a small model and watch a head form",
    "lesson.training.text": "A one-layer model with two heads learns to write a digit string backwards. To do it, "
                            "position i must look at position n − 1 − i: watch that anti-diagonal appear as it "
                            "trains.",
    "lesson.training.steps": "Training steps",
    "lesson.training.run": "Train",
    "lesson.training.building": "Building the model…",
    "lesson.training.figure": "Step {step}: head {head}",
    "lesson.training.running": "Training… step {step}; attention on the anti-diagonal: {mass}.",
    "lesson.training.idle": "Step {step}; attention on the anti-diagonal: {mass}. Press Train to go on.",
}
