"""The survey page's state: the survey opened, the rankings, one head's texts and its queries and keys."""
from attnviz.app.state.base import Key

PAGE = "survey"  # its name in attnviz.app.shell.navigation.PAGES
PREFIX = "sv"

LISTED, PATH = Key("sv_listed"), Key("sv_path")  # a survey under the configured directory, or a typed folder
STAT, TEMPLATE, LOW = Key("sv_stat"), Key("sv_template"), Key("sv_low")
RANK_CHART = Key("sv_rank_chart")
BEHAVIOUR = Key("sv_behaviour")
LAYER, HEAD, TEXTS_STAT = Key("sv_layer"), Key("sv_head"), Key("sv_texts_stat")
QK_LAYER, QK_HEAD, QK_METHOD = Key("sv_qk_layer"), Key("sv_qk_head"), Key("sv_qk_method")
QK_COLOUR, QK_TOKENS, QK_CHART = Key("sv_qk_colour"), Key("sv_qk_tokens"), Key("sv_qk_chart")
GOTO_EXPLORER = Key("sv_goto_explorer")  # a text's button was pressed: switch to the explorer on this run


def open_button(side: str, text_id: int) -> Key:
    return Key(f"sv_open_{side}_{text_id}")
