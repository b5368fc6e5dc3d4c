"""The words figures and tables share (a statistic, a column, an attention kind), marked for translation.

Values are English msgids: say them with t() where they are drawn. The keys stay English (tables, links, brushes).
"""
from __future__ import annotations

from attnviz.i18n import N_, t

STATISTICS = {"entropy": N_("entropy"), "mean distance": N_("mean distance"), "first token": N_("first token"),
              "self": N_("self"), "previous token": N_("previous token"), "special tokens": N_("special tokens")}
COLUMNS = {"head": N_("head"), "layer": N_("layer"), "query": N_("query"), "key": N_("key"), "weight": N_("weight"),
           "cluster": N_("cluster"), "role": N_("role"), "pos": N_("pos"), "token": N_("token"),
           "head_id": N_("head id"), "side": N_("side"), "depth": N_("relative depth")}
KINDS = {"self": N_("self-attention"), "decoder_self": N_("decoder self-attention"), "cross": N_("cross-attention")}


def statistic(name: str) -> str:
    """A head statistic's name as a person reads it (a name the table does not know: as it is)."""
    return t(STATISTICS[name]) if name in STATISTICS else name


def column(name: str) -> str:
    return t(COLUMNS[name])


def kind(name: str) -> str:
    """An attention kind (self, decoder_self, cross) in words."""
    return t(KINDS[name]) if name in KINDS else name
