"""What gradient × input and the causal tools follow: a decoder's (or an encoder-decoder's) next token, a token the
visitor types or else the one the model predicts, perhaps set against a second token; or, for a sentence encoder
such as MiniLM, the similarity of its embedding to a second sentence the visitor types.

A page gives its own keys (TargetKeys). The inputs are drawn once a run (the explorer: by the measure's controls when
gradient × input is shown, else by the causal section); `chosen()` reads them wherever they were drawn."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from attnviz.analysis.prompts import token_id
from attnviz.analysis.targets import NextToken, Target
from attnviz.app.pipeline import measures as computed
from attnviz.app.widgets.literal import said
from attnviz.app.state.base import TargetKeys
from attnviz.core.errors import AttnvizError
from attnviz.figures.causal import target_label
from attnviz.i18n import t
from attnviz.models.forward import Prompt
from attnviz.models.loading import LoadedModel

# data, not words of the page: MiniLM reads English (the sidebar's default text is English too)
DEFAULT_SENTENCE = "A cat was sleeping on the rug."
SENTENCE_CHARS = 500


def kind_of(model: LoadedModel) -> str:
    """The target type this model gives: "similarity" for an encoder, else "next-token"."""
    return "similarity" if model.info.architecture == "encoder" else "next-token"


@dataclass(frozen=True)
class Chosen:
    target: Target
    words: str  # the target in a few words: log p(“ she”), similarity to “…”
    token: str | None = None  # the token's text (next-token targets)
    other: str | None = None


def inputs(model: LoadedModel, K: TargetKeys, where=None, sentence: str = DEFAULT_SENTENCE) -> None:
    """The target's inputs, in `where` (default: the page); `sentence`: the second sentence at first."""
    place = where or st
    if kind_of(model) == "similarity":
        st.session_state.setdefault(K.sentence, sentence)
        place.text_input(t("Compare with this sentence"), key=K.sentence, persist_state=K.sentence.keep,
                         max_chars=SENTENCE_CHARS, help=t("The target is the cosine similarity of the two sentences' "
                                                          "mean-pooled embeddings."))
        return
    c1, c2 = place.columns(2)
    c1.text_input(t("Target token"), key=K.token, persist_state=K.token.keep, max_chars=40,
                  placeholder=t("the token the model predicts"),
                  help=t("The log-probability of this token at the last position is the target (the first piece "
                         "the tokenizer makes of it; “ she” with a space and “she” may differ)."))
    c2.text_input(t("Against this token (optional)"), key=K.other, persist_state=K.other.keep,
                  max_chars=40, help=t("With a second token the target is the difference of their logits, "
                                       "logit(target) − logit(this one)."))


def chosen(model: LoadedModel, prompt: Prompt, K: TargetKeys, sentence: str = DEFAULT_SENTENCE) -> Chosen | str:
    """The target the inputs name, or why there is none (a sentence in the page's language)."""
    try:
        if kind_of(model) == "similarity":
            typed = st.session_state.get(K.sentence)
            target = computed.similarity_to(model, sentence if typed is None else typed)
            return Chosen(target, target_label(target))
        typed = st.session_state.get(K.token) or ""
        other = st.session_state.get(K.other) or ""
        first = token_id(model, typed) if typed.strip() else computed.predicted(model, prompt)
        second = token_id(model, other) if other.strip() else None
        token = model.codec.display([first])[0]  # the piece itself, as tokens are shown (a newline visible)
        other_text = model.codec.display([second])[0] if second is not None else None
        target = NextToken(first, second)
        return Chosen(target, target_label(target, token, other_text), token, other_text)
    except AttnvizError as exc:  # a token typed that the tokenizer does not make, an empty sentence
        return said(exc)


def link_values(K: TargetKeys) -> dict:
    """The target's inputs for the link (left out where empty, or the default sentence)."""
    s = st.session_state
    sentence = s.get(K.sentence)
    return {K.token: s.get(K.token) or None, K.other: s.get(K.other) or None,
            K.sentence: sentence if sentence and sentence != DEFAULT_SENTENCE else None}
