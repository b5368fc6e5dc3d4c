"""The guided lesson's story, in order: each step's name, its title and its text (said in the page's language)."""
from attnviz.i18n import N_

STEPS = ("order", "by_hand", "scaling", "heads", "sinusoidal", "rotary", "real_heads", "looks_not_moves", "words",
         "training")
STEP_TITLES = {
    "order": N_("Why word order matters"),
    "by_hand": N_("One attention weight by hand"),
    "scaling": N_("Scaling by √d_k and the softmax"),
    "heads": N_("Several heads"),
    "sinusoidal": N_("Positional encodings: sinusoidal"),
    "rotary": N_("Positional encodings: rotary"),
    "real_heads": N_("Real heads in trained models"),
    "words": N_("The sentence itself"),
    "training": N_("Train a small model and watch a head form"),
    "looks_not_moves": N_("Where a head looks is not what it does"),
}
STEP_TEXTS = {
    "order": N_("Attention compares every word with every other word, but by itself it does not know where a word stands. Reorder the sentence: without positional encodings each word gives the other words exactly the same weights, only in another row. Add the encodings and the weights change with the order."),
    "by_hand": N_("The worked example of the articles: “Transformer is powerful”, three dimensions, identity weights. A weight is the dot product of a query and a key, divided by √d_k, then passed through a softmax over the query's row. Pick a query and a key."),
    "scaling": N_("The dot product of two random vectors grows with their width d_k, and a softmax of large numbers puts almost all the weight on one key. Dividing by √d_k keeps the scores in a range where the softmax still spreads its weight."),
    "heads": N_("Multi-head attention splits d_model into heads of d_k = d_model / heads dimensions, each with its own projections, so each head can look for something else. Change the number of heads and flip through them."),
    "sinusoidal": N_("The original Transformer adds a vector to each word that depends only on its position: sines and cosines of many frequencies. The first dimensions change fast, the last ones slowly, so every position gets its own pattern."),
    "rotary": N_("Rotary encodings add nothing: they turn each pair of dimensions of a query and a key by an angle proportional to the position. Then q·k depends only on how far apart two words are, not where they stand."),
    "real_heads": N_("Trained models grow heads with recognisable jobs: some look at the previous word, some rest on the first token, and induction heads (in decoders such as glassllm) look at what followed the last time the current word appeared. The page finds the head that shows the pattern most in MiniLM, glassllm or zh-char (a small decoder that reads Chinese one character at a time)."),
    "words": N_("The same weights on the words: each word is shaded by how much the chosen word (outlined in red) attends to it. Hover a word to choose it."),
    "looks_not_moves": N_("The weights say where a head looks, not what it takes from there. Many heads put most of their weight on [CLS] or [SEP] (in a decoder, on the first token), yet the vectors they fetch from those tokens are so short that almost nothing arrives. Below, one such head twice: its weights, and the length of what it really moves from each token (the norm of Kobayashi et al. 2020). The bright column on the special token all but disappears. A heatmap of weights is a picture of where attention goes, not an explanation of what the model does (Jain and Wallace 2019)."),
    "training": N_("A one-layer model with two heads learns to write a digit string backwards. To do it, position i must look at position n − 1 − i: watch that anti-diagonal appear as it trains."),
}
