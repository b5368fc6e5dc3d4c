"""Every session-state key of the app, in one place: widget keys are prefixed by their page.

Tests, links (urlstate) and callbacks set these keys from outside a page, so a key renamed here is
renamed everywhere. Keys built from a name (a matrix, a chart per head) are functions.
"""
from __future__ import annotations


class App:
    """State that is not a widget: what the sidebar chose, what was learnt, what ran once."""

    SELECTION = "attnviz_selection"  # the sidebar's Selection of this run
    ARCHITECTURES = "attnviz_architectures"  # spec -> architecture, learnt when a model loads
    URL_RESTORED = "attnviz_url_restored"  # the URL's parameters were copied in (once per session)
    URL_NOTES = "attnviz_url_notes"  # what restore() could not use from the link, said once on the page

    @staticmethod
    def link_text_file(name: str) -> str:
        """The download of a text too long for a link (explorer, compare), one per text."""
        return f"attnviz_link_text_{name.replace(' ', '_')}"


class Sidebar:
    MODEL = "sb_model"
    PATH = "sb_path"
    TEXT = "sb_text"
    TARGET = "sb_target"
    DEVICE = "sb_device"
    TRUST = "sb_trust"
    TRUST_FOR = "sb_trust_for"  # the model the remote-code opt-in was given for
    REFUSED = "sb_refused"  # the note for a model the server does not offer, until another is picked
    LANG = "sb_lang"  # "en" | "zh": the language of every string (kept in the link as lang=zh)
    PRESENT = "sb_present"  # presentation mode (kept in the link as present=1)
    PRESENT_LEAVE = "sb_present_leave"  # the button back from presentation mode (the sidebar is hidden then)
    TEXT_FILE = "sb_text_file"  # "Load the text from a file": its upload replaces the text


class Home:
    PREFIX = "home"  # kind / layer / head pickers: home_kind, home_layer, home_head
    LOG = "home_log"
    HEATMAP = "home_heatmap"


class Explorer:
    PREFIX = "ex"  # ex_kind, ex_layer, ex_head
    KIND, LAYER, HEAD = "ex_kind", "ex_layer", "ex_head"
    VIEW = "ex_view"
    FOCUS = "ex_focus"
    HIDE = "ex_hide"
    RENORM = "ex_renorm"
    WINDOW = "ex_window"
    IMAGE_FORMAT = "ex_img"
    LOG = "ex_log"
    HEADS = "ex_heads"
    TEXT_MEAN = "ex_text_mean"
    AGGREGATE = "ex_agg"
    FLOW_NORMALISE = "ex_flow_norm"
    STAT = "ex_stat"
    PROJECTION = "ex_proj"
    # charts (their selection lives in session state) and what a click last did
    HEATMAP_CHART = "ex_heatmap"
    HEADVIEW_CHART, HEADVIEW_SEEN = "ex_headview_chart", "ex_headview_seen"
    MODEL_CHART, MODEL_SEEN = "ex_model_chart", "ex_model_seen"
    AGGREGATE_CHART = "ex_aggregate"
    STAT_CHART, STAT_TABLE, STAT_CSV = "ex_stat_chart", "ex_stat_table", "ex_stat_csv"
    CLUSTER_CHART = "ex_cluster"
    QK_CHART = "ex_qk"
    GENERATE_CHART = "ex_generate"
    NPZ = "ex_npz"
    GEN_N, GEN_GREEDY, GEN_TEMPERATURE = "ex_gen_n", "ex_gen_greedy", "ex_gen_temp"
    GEN_TOP_K, GEN_SEED, GEN_STEP = "ex_gen_topk", "ex_gen_seed", "ex_gen_step"

    @staticmethod
    def csv(chart: str) -> str:
        return f"{chart}_csv"

    @staticmethod
    def html(chart: str) -> str:
        return f"{chart}_html"


class Toy:
    PRESET = "toy_preset"
    N_TOKENS, D_MODEL, LABELS = "toy_n_tokens", "toy_d_model", "toy_labels"
    WEIGHTS, SEED, HEADS = "toy_weights", "toy_seed", "toy_heads"
    MASK, PADDING, SCALE = "toy_mask", "toy_pad", "toy_scale"
    SINUSOIDAL_PE = "toy_sin_pe"
    LAST_GOOD = "toy_last_good"  # the last result that computed, shown while the inputs do not
    SHOWN = "toy_shown"  # every intermediate shown in this run (tests read it)
    CELL_QUERY, CELL_KEY, CELL_HEAD = "toy_cell_q", "toy_cell_k", "toy_cell_h"
    MISTAKE = "toy_mistake"
    REAL = "toy_real"
    REAL_PREFIX = "toyreal"  # toyreal_kind, toyreal_layer, toyreal_head
    REAL_QUERY, REAL_KEY = "toyreal_q", "toyreal_k"

    @staticmethod
    def value(matrix: str) -> str:
        """A matrix's last valid value (settable by tests and presets)."""
        return f"toy_value_{matrix}"

    @staticmethod
    def editor(matrix: str) -> str:
        return f"toy_editor_{matrix}"

    @staticmethod
    def step_chart(step: str) -> str:
        return f"toy_hm_{step}"

    @staticmethod
    def peak_chart(metric: str) -> str:
        return f"toy_peak_{metric}"


class Positional:
    D_MODEL, LENGTH = "pe_d_model", "pe_length"
    SIN_CHART = "pe_sin_heat"
    WAVES, WAVES_CHART = "pe_waves", "pe_waves_plot"
    POS, PAIR_I = "pe_pos", "pe_i"
    SIM_CHART, SIM_DISTANCE_CHART = "pe_sim", "pe_sim_dist"
    SHIFT, PAIR, CIRCLE_CHART = "pe_shift", "pe_pair", "pe_circle"
    LEARNED_N, LEARNED_SKIP0 = "pe_learned_n", "pe_learned_skip0"
    LEARNED_CHART, LEARNED_SIM_CHART, LEARNED_PCA_CHART = "pe_learned_heat", "pe_learned_sim", "pe_learned_pca"
    ROPE_D, ROPE_POSITIONS, ROPE_SEED, ROPE_REAL = "rope_d", "rope_positions", "rope_seed", "rope_real"
    ROPE_PREFIX, ROPE_QUERY = "rope", "rope_q"  # rope_kind, rope_layer, rope_head
    ROPE_ANGLES_CHART, ROPE_DISTANCE_CHART = "rope_angles", "rope_dist"
    USED_BIAS_HEAD, USED_BIAS_CHART = "used_bias_head", "used_bias"
    USED_BIAS_BY_DISTANCE_CHART = "used_bias_by_distance"
    EFFECT_MODE, EFFECT_SEED, EFFECT_PREFIX = "fx_mode", "fx_seed", "fx"  # fx_kind, fx_layer, fx_head
    EFFECT_BASE, EFFECT_ALTERED, EFFECT_DIFF = "fx_base", "fx_alt", "fx_diff"

    @staticmethod
    def used_chart(name: str) -> str:
        return f"used_{name}"


class Train:
    JOB = "train_job"  # this session's TrainingJob (its worker process trains; the board queues it)
    FORM = "train_form"
    TASK, ARCHITECTURE, POSITIONAL = "train_task", "train_arch", "train_pos"
    LAYERS, HEADS, D_MODEL, LENGTH = "train_layers", "train_heads", "train_d_model", "train_length"
    STEPS, BATCH, LR, EVERY, SEED = "train_steps", "train_batch", "train_lr", "train_every", "train_seed"
    DEVICE = "train_device"
    STOP, RESUME, MORE = "train_stop", "train_resume", "train_more"
    LOSS_CHART, ACCURACY_CHART = "train_loss", "train_acc"
    FOLLOW, SNAPSHOT = "train_follow", "train_snap"
    KIND, LAYER = "train_kind", "train_layer"
    WAS_RUNNING = "train_was_running"  # to rerun the whole page once when a job ends
    TRY, SAVE, SAVED, OPEN = "train_try", "train_save", "train_saved", "train_open"  # SAVED: (name, folder)
    NAME = "train_name"  # the checkpoint name box
    SUGGESTED = "train_name_suggested"  # the free default name the page put in that box
    KEPT = "train_name_kept"  # the box's value, kept while other pages are shown
    ASK, REPLACE, SAVE_AS = "train_ask", "train_replace", "train_save_as"  # a taken name: replace it, or save as

    @staticmethod
    def head_chart(head: int) -> str:
        return f"train_head_{head}"


class Compare:
    """The compare page: two panes (cmp_a_*, cmp_b_*), the pickers, the charts and what a click last did."""

    VIEW = "cmp_view"
    LAYER_A, HEAD_A, LAYER_B, HEAD_B = "cmp_la", "cmp_ha", "cmp_lb", "cmp_hb"
    LOCK = "cmp_lock"
    LOG, AGGREGATE, STAT = "cmp_log", "cmp_agg", "cmp_stat"
    SETUP, SETUP_NOTE, COPY = "cmp_setup", "cmp_setup_note", "cmp_copy"
    SAVED = "cmp_saved"  # pane values kept while the person is on another page
    IMAGE_FORMAT = "cmp_img"
    DIFFERENCE_CHART = "cmp_difference"
    DISTANCE_CHART, DISTANCE_SEEN = "cmp_dist_chart", "cmp_dist_seen"
    STAT_PICK, STAT_CHART, STAT_TABLE = "cmp_chart_stat", "cmp_stat_chart", "cmp_stat_table"
    REPORT = "cmp_report"
    FIELDS = ("model", "path", "text", "pos")  # each pane's inputs

    @staticmethod
    def pane(side: str, field: str) -> str:
        """A pane's input: cmp_a_model, cmp_b_text, …"""
        return f"cmp_{side}_{field}"

    @staticmethod
    def figure(side: str, view: str) -> str:
        return f"cmp_{side}_{view.lower().replace(' ', '_').replace('–', '_')}"

    @staticmethod
    def npz(side: str) -> str:
        return f"cmp_{side}_npz"


class Survey:
    LISTED, PATH = "sv_listed", "sv_path"  # a survey under the configured directory, or a typed folder
    STAT, TEMPLATE, LOW = "sv_stat", "sv_template", "sv_low"
    RANK_CHART = "sv_rank_chart"
    BEHAVIOUR = "sv_behaviour"
    LAYER, HEAD, TEXTS_STAT = "sv_layer", "sv_head", "sv_texts_stat"
    QK_LAYER, QK_HEAD, QK_METHOD, QK_COLOUR, QK_TOKENS, QK_CHART = (
        "sv_qk_layer", "sv_qk_head", "sv_qk_method", "sv_qk_colour", "sv_qk_tokens", "sv_qk_chart")
    GOTO_EXPLORER = "sv_goto_explorer"  # a text's button was pressed: switch to the explorer on this run

    @staticmethod
    def open_button(side: str, text_id: int) -> str:
        return f"sv_open_{side}_{text_id}"


class Lesson:
    STEP = "lesson_step"  # the step shown (kept in the link as step=)
    BACK, NEXT = "lesson_back", "lesson_next"
    ORDER, ORDER_PE = "lesson_order", "lesson_order_pe"
    QUERY, KEY = "lesson_query", "lesson_key"
    D_K, METRIC = "lesson_d_k", "lesson_metric"
    HEADS, HEAD, HEADS_SEED = "lesson_heads", "lesson_head", "lesson_heads_seed"
    SIN_D, SIN_LENGTH = "lesson_sin_d", "lesson_sin_len"
    ROPE_D, ROPE_SEED = "lesson_rope_d", "lesson_rope_seed"
    REAL_MODEL, REAL_PATTERN, REAL_TEXT = "lesson_real_model", "lesson_real_pattern", "lesson_real_text"
    WORDS_TEXT, WORDS_HEAD, WORDS_LAYER = "lesson_words_text", "lesson_words_head", "lesson_words_layer"
    TRAIN_STEPS, TRAIN_RUN, TRAINER, TRAIN_AT = "lesson_train_steps", "lesson_train_run", "lesson_trainer", "lesson_train_at"

    @staticmethod
    def chart(step: str) -> str:
        return f"lesson_chart_{step}"
