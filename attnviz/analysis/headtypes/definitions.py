"""What each head type means: its one-sentence definition, its source, its threshold and why.

The labels, definitions, sources and reasons are person-facing English, marked N_ for the catalogues: say them
with t() where they are drawn (figures, pages); the JSON and the command line keep the English. The thresholds are the
census's defaults, each adjustable by argument. Every score is on a 0..1 scale where 1 is the type done
perfectly, so that one rule (how far past its threshold, as a share of the way to 1) compares them.
"""
from __future__ import annotations

from dataclasses import dataclass

from attnviz.i18n import N_


@dataclass(frozen=True)
class HeadType:
    name: str  # the key used in scores, JSON and survey columns
    label: str  # what a person reads (a msgid: t(label) says it)
    definition: str  # one sentence (a msgid)
    source: str  # the paper or code the score follows (a msgid; papers and authors stay in Latin)
    threshold: float  # default: a head is of this type when its score is at least this
    reason: str  # why that threshold (a msgid)


# Scores measured on the text itself (or on each text of a survey).
TEXT_TYPES = ("previous_token", "duplicate_token", "first_token", "delimiter", "local", "broad", "offset")
PROBE_TYPES = ("induction",)  # measured on repeated random token sequences built from the model's vocabulary
SUPPLIED_TYPES = ("retrieval",)  # given by the caller (the long-context work), never computed here

HEAD_TYPES: dict[str, HeadType] = {t.name: t for t in (
    HeadType(
        "induction", N_("induction"),
        N_("On a random token sequence repeated once, the mean attention from each token of the repeat to the "
           "token that followed its earlier occurrence (prefix matching)."),
        N_("Olsson et al. 2022, In-context Learning and Induction Heads (Transformer Circuits Thread), "
           "prefix-matching score on repeated random tokens."),
        0.4,
        N_("A uniform head gives that one token about 1/(1.5·L) of a repeat of length L (2% at L = 32): 0.4 "
           "means the head finds it 20 times more often than chance and gives it more than any other key.")),
    HeadType(
        "duplicate_token", N_("duplicate-token"),
        N_("The share of the head's attention that goes from each token to earlier copies of the same token."),
        N_("TransformerLens, transformer_lens/head_detector.py: duplicate_token_head detection pattern, "
           "error_measure \"mul\" (the sum of attention on the pattern divided by the sum of all attention)."),
        0.2,
        N_("The score divides by every query row, but only rows whose token occurred before can score: on texts "
           "where about half the tokens repeat an earlier one, a perfect duplicate head scores about 0.5, and 0.2 "
           "is 40% of that.")),
    HeadType(
        "previous_token", N_("previous-token"),
        N_("The share of the head's attention that goes from each token to the token just before it."),
        N_("TransformerLens, transformer_lens/head_detector.py: previous_token_head detection pattern, "
           "error_measure \"mul\"."),
        0.4,
        N_("40% of all the head's attention on one cell per row, four times what uniform attention puts there "
           "on a 10-token text and more than any other single key gets.")),
    HeadType(
        "offset", N_("fixed offset"),
        N_("The largest share of the head's attention that goes from each token to the token a fixed number of "
           "places away (the offset, key − query), the previous token (−1) excepted, which has its own type."),
        N_("The TransformerLens detection-pattern score (error_measure \"mul\") on the diagonal at that offset; "
           "positional heads: Voita et al. 2019, Analyzing Multi-Head Self-Attention (ACL); Clark et al. 2019, "
           "What Does BERT Look At? (BlackboxNLP)."),
        0.4,
        N_("The same measure as the previous-token score, so the same bar.")),
    HeadType(
        "retrieval", N_("retrieval"),
        N_("How often the head copies the token it attends to most from a long context (a needle), as the "
           "long-context analysis measures it; given to the census, not computed by it."),
        N_("Wu et al. 2024, Retrieval Head Mechanistically Explains Long-Context Factuality."),
        0.1,
        N_("Wu et al. 2024 count a head as a retrieval head when its retrieval score is above 0.1.")),
    HeadType(
        "first_token", N_("first-token (sink)"),
        N_("The mean attention each token gives to the first position ([CLS], <s> or the first word)."),
        N_("Clark et al. 2019, What Does BERT Look At? (BlackboxNLP), attention to [CLS]; Xiao et al. 2024, "
           "Efficient Streaming Language Models with Attention Sinks (ICLR)."),
        0.5,
        N_("More than half of all the head's attention on one position: the sink outweighs every other key "
           "together.")),
    HeadType(
        "delimiter", N_("delimiter"),
        N_("The mean attention each token gives to special tokens ([SEP], </s>, …) and punctuation, the first "
           "position excepted (the first-token score has it)."),
        N_("Clark et al. 2019, What Does BERT Look At? (BlackboxNLP): heads that attend to [SEP], periods and "
           "commas."),
        0.5,
        N_("More than half of all the head's attention on delimiters, which are a small share of the tokens of "
           "a sentence.")),
    HeadType(
        "local", N_("local"),
        N_("How much nearer than uniform attention the head looks: 1 − its mean attended distance / the mean "
           "distance of uniform attention over the same keys (0: as far as uniform, 1: only itself)."),
        N_("Mean attended distance: Clark et al. 2019 (BlackboxNLP); Vig & Belinkov 2019, Analyzing the "
           "Structure of Attention in a Transformer Language Model (BlackboxNLP). Dividing by the uniform "
           "distance is attnviz's, so that texts of any length compare."),
        0.7,
        N_("Its attention travels less than a third of the uniform distance: on a 30-token sentence, within "
           "about 3 tokens.")),
    HeadType(
        "broad", N_("broad"),
        N_("The mean entropy of the head's rows as a share of the largest entropy each row could have (the log "
           "of its open keys): 1 for uniform attention."),
        N_("Entropy of attention: Clark et al. 2019 (BlackboxNLP), broad heads. Dividing by the largest entropy "
           "is attnviz's, so that texts of any length compare."),
        0.85,
        N_("An entropy of 0.85 of the maximum spreads a row about as evenly as uniform attention over n^0.85 of "
           "its n keys (13 of 20): no key stands out.")),
)}

# The order of precedence when two types are equally far past their thresholds: specific before general.
ORDER = tuple(HEAD_TYPES)
THRESHOLDS: dict[str, float] = {name: t.threshold for name, t in HEAD_TYPES.items()}

# A few characters for a type where a whole label does not fit (a census cell, the command line's table).
SHORT: dict[str, str] = {
    "induction": N_("ind"), "duplicate_token": N_("dup"), "previous_token": N_("prev"), "offset": N_("off"),
    "retrieval": N_("retr"), "first_token": N_("sink"), "delimiter": N_("delim"), "local": N_("local"),
    "broad": N_("broad"),
}
