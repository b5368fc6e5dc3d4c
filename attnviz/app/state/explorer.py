"""The explorer's state: its widgets, its link (view=Heatmap&layer=2&head=5…), and the pickers and filters that a
view hides and keeps (keep="page")."""
from attnviz.app.state.base import Key, Pickers, TargetKeys

PAGE = "explorer"  # its name in attnviz.app.shell.navigation.PAGES
PREFIX = "ex"

# in the link, in this order
VIEW = Key("ex_view", "view")
KIND = Key("ex_kind", "kind")
LAYER = Key("ex_layer", "layer", int, keep="page")  # hidden by the overviews
HEAD = Key("ex_head", "head", int, keep="page")
FOCUS = Key("ex_focus", "focus", int, default=-1, keep="page")  # -1: every query token
HIDE = Key("ex_hide", "hide", bool, default=False, keep="page")
RENORM = Key("ex_renorm", "renorm", bool, default=False, keep="page")
LOG = Key("ex_log", "log", bool, default=False)
AGGREGATE = Key("ex_agg", "agg")
STAT = Key("ex_stat", "stat")
MEASURE = Key("ex_measure", "measure", default="weight", keep="page")  # what the views draw: weight, norm, ...
# the target of gradient × input and of the causal tools: a next token (and one to set against it), or a sentence
TARGET_TOKEN = Key("ex_target_token", "mtarget", keep="page")  # empty: the token the model predicts
TARGET_OTHER = Key("ex_target_other", "mversus", keep="page")
TARGET_SENTENCE = Key("ex_target_sentence", "msentence", keep="page")

PICKERS = Pickers(KIND, LAYER, HEAD)
TARGET = TargetKeys(TARGET_TOKEN, TARGET_OTHER, TARGET_SENTENCE)
WINDOW = Key("ex_window", keep="page")
IMAGE_FORMAT = Key("ex_img")
HEADS = Key("ex_heads")
TEXT_MEAN = Key("ex_text_mean")
FLOW_NORMALISE = Key("ex_flow_norm")
PROJECTION = Key("ex_proj")
# charts (their selection lives in session state) and what a click last did
HEATMAP_CHART = Key("ex_heatmap")
HEADVIEW_CHART, HEADVIEW_SEEN = Key("ex_headview_chart"), Key("ex_headview_seen")
MODEL_CHART, MODEL_SEEN = Key("ex_model_chart"), Key("ex_model_seen")
AGGREGATE_CHART = Key("ex_aggregate")
STAT_CHART, STAT_TABLE, STAT_CSV = Key("ex_stat_chart"), Key("ex_stat_table"), Key("ex_stat_csv")
CLUSTER_CHART = Key("ex_cluster")
QK_CHART = Key("ex_qk")
GENERATE_CHART = Key("ex_generate")
NPZ = Key("ex_npz")
MEASURE_ALL = Key("ex_measure_all")  # the button that computes value zeroing of every layer
AGREEMENT_CHART, AGREEMENT_SEEN = Key("ex_agreement"), Key("ex_agreement_seen")
ABLATE_HOW, ABLATE_RUN = Key("ex_ablate_how", keep="page"), Key("ex_ablate_run")
ABLATION_CHART, ABLATION_SEEN = Key("ex_ablation"), Key("ex_ablation_seen")
DLA_CHART, DLA_SEEN, DLA_HEAD = Key("ex_dla"), Key("ex_dla_seen"), Key("ex_dla_head")
DLA_SOURCES_CHART = Key("ex_dla_sources")
GEN_N, GEN_GREEDY, GEN_TEMPERATURE = Key("ex_gen_n"), Key("ex_gen_greedy"), Key("ex_gen_temp")
GEN_TOP_K, GEN_SEED, GEN_STEP = Key("ex_gen_topk"), Key("ex_gen_seed"), Key("ex_gen_step")
# head types: the census (a click opens a head's card), the card, and its button to that head's heatmap
CENSUS_CHART, CENSUS_SEEN = Key("ex_census_chart"), Key("ex_census_seen")
CARD_CHART, CARD_TABLE, CARD_OPEN = Key("ex_card_chart"), Key("ex_card_table"), Key("ex_card_open")


def threshold(type_name: str) -> Key:
    """A head type's threshold slider (ex_threshold_induction, …), kept while other views are shown."""
    return Key(f"ex_threshold_{type_name}", keep="page")
