"""Each measure in words: its name (pickers, titles), what one value is (a colour bar's title), and one paragraph
saying what it answers, what it cannot, and its paper. English msgids: say them with t() where they are shown."""
from __future__ import annotations

from attnviz.i18n import N_

# the measure's name, as a picker and a figure's title say it
NAMES = {
    "weight": N_("weight"),
    "norm": N_("norm"),
    "norm-layer": N_("norm of the layer"),
    "alti": N_("ALTI"),
    "alti-rollout": N_("ALTI, rolled out"),
    "value-zeroing": N_("value zeroing"),
    "value-zeroing-rollout": N_("value zeroing, rolled out"),
    "grad-input": N_("gradient × input"),
}

# what one value of the measure is: a colour bar's title, a table's column
UNITS = {
    "weight": N_("weight"),
    "norm": N_("‖α·f(x)‖"),
    "norm-layer": N_("‖Σ α·f(x)‖"),
    "alti": N_("share of the output"),
    "alti-rollout": N_("share of the output"),
    "value-zeroing": N_("share of the change"),
    "value-zeroing-rollout": N_("share of the change"),
    "grad-input": N_("α·∂target/∂α"),
}

ABOUT = {
    "weight": N_(
        "Weight (α): how much a query attends to each key, the softmax of their scaled dot products, the number "
        "every attention tool draws. It answers where a head looks. It cannot say what the head takes from there: "
        "a key whose value vector is short adds almost nothing to the output however large its weight, and the "
        "weights alone do not explain a prediction (Jain and Wallace 2019; Wiegreffe and Pinter 2019). "
        "Bahdanau et al. 2015; Vaswani et al. 2017."),
    "norm": N_(
        "Norm (Kobayashi et al., EMNLP 2020): the length of what a head really moves from key j into query i, "
        "‖α_ij·f(x_j)‖, where f(x) = (x·W_V + b_V)·W_O is the key's value vector passed through the head's part of "
        "the output projection. It answers how much a head moves, not only where it looks: heads that rest on "
        "[CLS], [SEP] or the first token usually move almost nothing from there, because those tokens' vectors are "
        "short. It cannot see the residual connection, the layer norm or the feed-forward layer, nor whether what "
        "is moved matters for the output."),
    "norm-layer": N_(
        "Norm of the layer (Kobayashi et al., EMNLP 2020): the length of what all the heads of a layer move "
        "together from key j into query i, ‖Σ_h α^h_ij·f_h(x_j)‖. Heads can cancel or reinforce each other, so this "
        "is not the sum of the heads' norms. It answers how much the attention block as a whole mixes token j into "
        "token i; like the norm of one head, it leaves out the residual connection, the layer norm and the "
        "feed-forward layer."),
    "alti": N_(
        "ALTI (Ferrando, Gállego and Costa-jussà, EMNLP 2022): the attention block's output for token i, with its "
        "residual connection and layer norm, is split into one part per input token, and token j's share is how "
        "much its part brings the output closer (in Manhattan distance); each row sums to 1. It answers how much "
        "of a layer's output for a token comes from each token, the token's own residual included (often most of "
        "it). It looks at one attention block at a time and leaves out the feed-forward layer; cross-attention "
        "needs ALTI+, which is not offered here."),
    "alti-rollout": N_(
        "ALTI, rolled out (Ferrando, Gállego and Costa-jussà, EMNLP 2022): the layers' ALTI maps multiplied "
        "through the model, so that layer l shows how much each position's output there draws on each input "
        "token. It answers which input tokens a representation is built from, across layers. It keeps ALTI's "
        "limits: the feed-forward layers are left out, and a product of per-layer approximations is not a run of "
        "the model."),
    "value-zeroing": N_(
        "Value zeroing (Mohebbi, Zuidema, Chrupała and Alishahi, EACL 2023): in one layer, token j's value "
        "vectors are set to zero in every head, the layer is run again, and how far each output token moves from "
        "its clean output (the cosine distance) is j's score; each row sums to 1. It answers how much a layer's "
        "output for a token depends on each token, with that layer's residual connection, layer norm and "
        "feed-forward layer all included. It costs about one run of the layer per token, and it says nothing of "
        "the layers after the one zeroed."),
    "value-zeroing-rollout": N_(
        "Value zeroing, rolled out (Mohebbi, Zuidema, Chrupała and Alishahi, EACL 2023): the layers' "
        "value-zeroing maps multiplied through the model, as the authors do, so that layer l shows how much each "
        "position's output there depends on each input token. It answers which input tokens a representation "
        "rests on, across layers. It needs every layer (about one forward pass per token), and it treats the "
        "layers' maps as if they combined like matrices, which the model does not promise."),
    "grad-input": N_(
        "Gradient × input (the one-step form of Hao, Dong, Wei and Xu, AAAI 2021): each weight α times the "
        "gradient of a target with respect to it. The target is the log-probability of a next token you choose "
        "or, for a sentence encoder such as MiniLM, the similarity of its sentence embedding to a second sentence. "
        "It answers, to first order, how much the target would change if that one weight were taken away: "
        "positive where the weight helps the target, negative where it works against it. It is a local, linear "
        "estimate: large changes, saturated softmaxes and weights acting together can make it wrong (integrated "
        "gradients, the paper's full method, is steadier)."),
}

AGREEMENT_ABOUT = N_(
    "Agreement with the weights: for each query, Spearman's rank correlation between the measure and the "
    "attention weights over the keys that query can see, averaged over the queries of a head (of a layer, against "
    "the heads' mean weight, for a measure of the whole layer). Near 1, the measure puts the keys in the same order "
    "as the weights; near 0 or below, in another order. It compares orders, not sizes: a head that gives [CLS] nine "
    "tenths of its weight and moves almost nothing from it can still order the other tokens as its weights do, and "
    "score high. Look at the measure itself, or at the share of it that goes to the special tokens, before trusting "
    "a high value.")
