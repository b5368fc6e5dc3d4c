"""The positional encodings page's state: sinusoidal, learned and rotary encodings, what the model used, and the
effect of shuffling or removing positions."""
from attnviz.app.state.base import Key, Pickers

PAGE = "positions"  # its name in attnviz.app.shell.navigation.PAGES
PREFIX = "pe"

D_MODEL, LENGTH = Key("pe_d_model"), Key("pe_length")
SIN_CHART = Key("pe_sin_heat")
WAVES, WAVES_CHART = Key("pe_waves"), Key("pe_waves_plot")
POS, PAIR_I = Key("pe_pos"), Key("pe_i")
SIM_CHART, SIM_DISTANCE_CHART = Key("pe_sim"), Key("pe_sim_dist")
SHIFT, PAIR, CIRCLE_CHART = Key("pe_shift"), Key("pe_pair"), Key("pe_circle")
LEARNED_N, LEARNED_SKIP0 = Key("pe_learned_n"), Key("pe_learned_skip0")
LEARNED_CHART, LEARNED_SIM_CHART, LEARNED_PCA_CHART = Key("pe_learned_heat"), Key("pe_learned_sim"), Key("pe_learned_pca")
ROPE_D, ROPE_POSITIONS, ROPE_SEED, ROPE_REAL = Key("pe_rope_d"), Key("pe_rope_positions"), Key("pe_rope_seed"), Key("pe_rope_real")
ROPE_PICKERS = Pickers(Key("pe_rope_kind"), Key("pe_rope_layer"), Key("pe_rope_head"))
ROPE_QUERY = Key("pe_rope_q")
ROPE_ANGLES_CHART, ROPE_DISTANCE_CHART = Key("pe_rope_angles"), Key("pe_rope_dist")
USED_BIAS_HEAD, USED_BIAS_CHART = Key("pe_used_bias_head"), Key("pe_used_bias")
USED_BIAS_BY_DISTANCE_CHART = Key("pe_used_bias_by_distance")
EFFECT_MODE, EFFECT_SEED = Key("pe_fx_mode"), Key("pe_fx_seed")
EFFECT_PICKERS = Pickers(Key("pe_fx_kind"), Key("pe_fx_layer"), Key("pe_fx_head"))
EFFECT_BASE, EFFECT_ALTERED, EFFECT_DIFF = Key("pe_fx_base"), Key("pe_fx_alt"), Key("pe_fx_diff")


def used_chart(name: str) -> Key:
    """The chart of one encoding the model used (its name from the capture)."""
    return Key(f"pe_used_{name}")
