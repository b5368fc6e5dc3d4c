"""The worked example's state: its settings, its matrices (one editor and one last valid value each), its charts,
and a cell of the sidebar's model explained (toy_real_*)."""
from attnviz.app.state.base import Key, Pickers

PAGE = "worked_example"  # its name in attnviz.app.shell.navigation.PAGES
PREFIX = "toy"

PRESET = Key("toy_preset")
N_TOKENS, D_MODEL, LABELS = Key("toy_n_tokens"), Key("toy_d_model"), Key("toy_labels")
WEIGHTS, SEED, HEADS = Key("toy_weights"), Key("toy_seed"), Key("toy_heads")
MASK, PADDING, SCALE = Key("toy_mask"), Key("toy_pad"), Key("toy_scale")
SINUSOIDAL_PE = Key("toy_sin_pe")
LAST_GOOD = Key("toy_last_good")  # the last result that computed, shown while the inputs do not
SHOWN = Key("toy_shown")  # every intermediate shown in this run (tests read it)
CELL_QUERY, CELL_KEY, CELL_HEAD = Key("toy_cell_q"), Key("toy_cell_k"), Key("toy_cell_h")
MISTAKE = Key("toy_mistake")
REAL = Key("toy_real")
REAL_PICKERS = Pickers(Key("toy_real_kind"), Key("toy_real_layer"), Key("toy_real_head"))
REAL_QUERY, REAL_KEY = Key("toy_real_q"), Key("toy_real_k")


def value(matrix: str) -> Key:
    """A matrix's last valid value (settable by tests and presets)."""
    return Key(f"toy_value_{matrix}")


def editor(matrix: str) -> Key:
    return Key(f"toy_editor_{matrix}")


def step_chart(step: str) -> Key:
    return Key(f"toy_hm_{step}")


def peak_chart(metric: str) -> Key:
    return Key(f"toy_peak_{metric}")
