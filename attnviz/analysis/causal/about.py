"""Each causal tool in words: its name and one paragraph saying what it answers, what it cannot, and where it comes
from. English msgids: say them with t() where they are shown."""
from __future__ import annotations

from attnviz.i18n import N_

NAMES = {"ablation": N_("head ablation"), "dla": N_("direct logit attribution"),
         "patching": N_("activation patching")}

ABOUT = {
    "ablation": N_(
        "Head ablation: each head's output is set to zero (or to its mean over the text's positions), the model "
        "is run again, and the change in the target is read off: negative where the head helped the target, "
        "positive where it held it back. It answers which heads the output needs, one head at a time. It cannot "
        "see heads that stand in for each other (take one away and the other still does the job), and a head "
        "that outputs zero is something the model never saw in training, which the mean avoids. Michel, Levy and "
        "Neubig, NeurIPS 2019; as TransformerLens does it."),
    "dla": N_(
        "Direct logit attribution: the target token's logit, written as a sum of what each part of the model "
        "adds to the residual stream at the last position (the embeddings, each head, each MLP, the biases), read "
        "through the final layer norm with its scale frozen at this run and onto the token's unembedding. A "
        "head's part can be split further by the source token it came from. It answers which parts write the "
        "answer directly. It cannot see what a head does through the layers after it (ablation and patching see "
        "that), and it needs a model whose residual stream adds up, with the layer norm before each block "
        "(GPT-2, Llama, T5, glassllm). Elhage et al. 2021; as TransformerLens does it."),
    "patching": N_(
        "Activation patching: two texts that differ in one detail (he and she, say) go through the same model; "
        "each head's output on B is replaced by its output on A at the positions that match, and the share of the "
        "change in the target from B to A that this one head brings back is read off (1: all of it, 0: none). It "
        "answers which heads carry the difference between the two texts. Patched one at a time, heads that work "
        "together can each look small; positions are matched by their characters, so the two texts should differ "
        "in a word or two, not in their shape. Vig et al. 2020; Meng et al. 2022."),
}
