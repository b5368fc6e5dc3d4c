"""The survey page's state: the survey opened, the rankings, one head's texts and its queries and keys."""
from attnviz.app.state.base import Key

PAGE = "survey"  # its name in attnviz.app.shell.navigation.PAGES
PREFIX = "sv"

LISTED, PATH = Key("sv_listed"), Key("sv_path")  # a survey under the configured directory, or a typed folder
STAT, TEMPLATE, LOW = Key("sv_stat"), Key("sv_template"), Key("sv_low")
RANK_CHART, RANK_SEEN = Key("sv_rank_chart"), Key("sv_rank_seen")  # a bar clicked fills LAYER, HEAD below
BEHAVIOUR = Key("sv_behaviour")
LAYER, HEAD, TEXTS_STAT = Key("sv_layer"), Key("sv_head"), Key("sv_texts_stat")
QK_LAYER, QK_HEAD, QK_METHOD = Key("sv_qk_layer"), Key("sv_qk_head"), Key("sv_qk_method")
QK_COLOUR, QK_TOKENS, QK_CHART = Key("sv_qk_colour"), Key("sv_qk_tokens"), Key("sv_qk_chart")
GOTO_EXPLORER = Key("sv_goto_explorer")  # a text's button was pressed: switch to the explorer on this run
# the survey's census: a click opens a head's card (its scores, the texts where it does its type most)
CENSUS_CHART, CENSUS_SEEN = Key("sv_census_chart"), Key("sv_census_seen")
CARD, CARD_CHART, CARD_TABLE, CARD_TYPE = Key("sv_card"), Key("sv_card_chart"), Key("sv_card_table"), Key("sv_card_type")


def open_button(side: str, text_id: int) -> Key:
    return Key(f"sv_open_{side}_{text_id}")


def threshold(type_name: str) -> Key:
    """A head type's threshold slider in the survey's census (sv_threshold_induction, …)."""
    return Key(f"sv_threshold_{type_name}")
