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
EXACT_PASS = Key("ex_exact_pass")  # a long input's estimated pass made exact (model view, statistics)
QK_CHART = Key("ex_qk")
GENERATE_CHART = Key("ex_generate")
NPZ = Key("ex_npz")
MEASURE_ALL = Key("ex_measure_all")  # the button that computes value zeroing of every layer
AGREEMENT_CHART, AGREEMENT_SEEN = Key("ex_agreement"), Key("ex_agreement_seen")
ABLATE_HOW, ABLATE_RUN = Key("ex_ablate_how", keep="page"), Key("ex_ablate_run")
ABLATION_CHART, ABLATION_SEEN = Key("ex_ablation"), Key("ex_ablation_seen")
DLA_CHART, DLA_SEEN, DLA_HEAD = Key("ex_dla"), Key("ex_dla_seen"), Key("ex_dla_head")
DLA_SOURCES_CHART = Key("ex_dla_sources")
DLA_RUN = Key("ex_dla_run")  # direct logit attribution on a long text, which runs on this button
GEN_N, GEN_GREEDY, GEN_TEMPERATURE = Key("ex_gen_n"), Key("ex_gen_greedy"), Key("ex_gen_temp")
GEN_TOP_K, GEN_SEED, GEN_STEP = Key("ex_gen_topk"), Key("ex_gen_seed"), Key("ex_gen_step")
# head types: the census (a click opens a head's card), the card, and its button to that head's heatmap
CENSUS_CHART, CENSUS_SEEN = Key("ex_census_chart"), Key("ex_census_seen")
CARD_CHART, CARD_TABLE, CARD_OPEN = Key("ex_card_chart"), Key("ex_card_table"), Key("ex_card_open")


def threshold(type_name: str) -> Key:
    """A head type's threshold slider (ex_threshold_induction, …), kept while other views are shown."""
    return Key(f"ex_threshold_{type_name}", keep="page")


# long inputs (issue 28): the zoomed head, documents, sinks
POOL = Key("ex_pool", "pool", default="max")  # zoom: "max" or "mean" over each cell's weights
REGION = Key("ex_region", "region")  # zoom: "q0-q1,k0-k1", first and last positions (both shown), from the link
ASIDE = Key("ex_aside", "aside", bool, default=False, keep="page")  # set the sinks aside, rows renormalised
UNIT = Key("ex_unit", "unit", default="sentence")  # the sentence map's units: "sentence" or "paragraph"
SENTENCE = Key("ex_sentence", "sentence", int, keep="page")  # the sentence map's row ("which sentences does it read")
TOKEN = Key("ex_token", "token", int, keep="page")  # the document's chosen query token
Q0, Q1 = Key("ex_q0", keep="page"), Key("ex_q1", keep="page")  # the zoomed region's first and last query
K0, K1 = Key("ex_k0", keep="page"), Key("ex_k1", keep="page")  # … and key positions
ZOOM_CHART, ZOOM_SEEN, ZOOM_RESET = Key("ex_zoom"), Key("ex_zoom_seen"), Key("ex_zoom_reset")
ZOOM_FOR = Key("ex_zoom_for")  # the (queries, keys) the region was chosen on: the whole head stays whole on another text
MINIMAP = Key("ex_minimap")
UNIT_MEAN = Key("ex_unit_mean")  # the sentence map: the mean of the layer's heads
UNIT_CHART, UNIT_SEEN, UNIT_ROW_CHART = Key("ex_unit_map"), Key("ex_unit_seen"), Key("ex_unit_row")
SHADE_BY = Key("ex_shade_by")  # the document: shaded by the token's row or by its sentence's rows
TOP_K = Key("ex_top_k")
DOCUMENT, DOC_SHADE = Key("ex_document"), Key("ex_doc_shade")  # the document's text, and its shading
TOP_TABLE = Key("ex_top_table")
