"""The guided lesson's state: the step shown (in the link as step=), the buttons the arrow keys press, and each
step's widgets."""
from attnviz.app.state.base import Key

PAGE = "lesson"  # its name in attnviz.app.shell.navigation.PAGES
PREFIX = "lesson"

STEP = Key("lesson_step", "step", int, default=1)  # the number shown: "Step 3 of 9" is step=3
BACK, NEXT = Key("lesson_back"), Key("lesson_next")
SHOWN = "lesson_shown_"  # the navigation's container, its class ending in the step shown: "lesson_shown_3"
ORDER, ORDER_PE = Key("lesson_order"), Key("lesson_order_pe")
QUERY, KEY = Key("lesson_query"), Key("lesson_key")
D_K, METRIC = Key("lesson_d_k"), Key("lesson_metric")
HEADS, HEAD, HEADS_SEED = Key("lesson_heads"), Key("lesson_head"), Key("lesson_heads_seed")
SIN_D, SIN_LENGTH = Key("lesson_sin_d"), Key("lesson_sin_len")
ROPE_D, ROPE_SEED = Key("lesson_rope_d"), Key("lesson_rope_seed")
REAL_MODEL, REAL_PATTERN, REAL_TEXT = Key("lesson_real_model"), Key("lesson_real_pattern"), Key("lesson_real_text")
LOOKS_MODEL, LOOKS_TEXT, LOOKS_SHOW = Key("lesson_looks_model"), Key("lesson_looks_text"), Key("lesson_looks_show")
WORDS_TEXT, WORDS_HEAD, WORDS_LAYER = Key("lesson_words_text"), Key("lesson_words_head"), Key("lesson_words_layer")
TRAIN_STEPS, TRAIN_RUN = Key("lesson_train_steps"), Key("lesson_train_run")
TRAINER, TRAIN_AT = Key("lesson_trainer"), Key("lesson_train_at")


def chart(step: str) -> Key:
    return Key(f"lesson_chart_{step}")
