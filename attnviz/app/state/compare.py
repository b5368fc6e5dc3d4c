"""The compare page's state: two panes (cmp_a_*, cmp_b_*) kept while other pages are shown, the pickers, the charts
and what a click last did; the link carries both panes (a_model, b_text, …), the view (cview) and the heads."""
from attnviz.app.state.base import Key, TargetKeys

PAGE = "compare"  # its name in attnviz.app.shell.navigation.PAGES
PREFIX = "cmp"

FIELDS = ("model", "path", "text", "pos", "target")  # each pane's inputs (target: an encoder-decoder's decoder text)
DEFAULTS = {"pos": "normal", "target": ""}  # what a link leaves out


def pane(side: str, field: str) -> Key:
    """A pane's input (cmp_a_model, cmp_b_text, …), in the link as a_model, b_text, …; kept on other pages."""
    return Key(f"cmp_{side}_{field}", f"{side}_{field}", default=DEFAULTS.get(field), keep="session")


# in the link, in this order
PANES = tuple(pane(side, field) for side in "ab" for field in FIELDS)
VIEW = Key("cmp_view", "cview")
LAYER_A, HEAD_A = Key("cmp_la", "la", int), Key("cmp_ha", "ha", int)
LAYER_B, HEAD_B = Key("cmp_lb", "lb", int), Key("cmp_hb", "hb", int)  # in the link only when B is unlocked
LOCK = Key("cmp_lock", "lock", bool, default=True)

LOG, AGGREGATE, STAT = Key("cmp_log"), Key("cmp_agg"), Key("cmp_stat")
SETUP, SETUP_NOTE, COPY = Key("cmp_setup"), Key("cmp_setup_note"), Key("cmp_copy")
IMAGE_FORMAT = Key("cmp_img")
DIFFERENCE_CHART = Key("cmp_difference")
DISTANCE_CHART, DISTANCE_SEEN = Key("cmp_dist_chart"), Key("cmp_dist_seen")
STAT_PICK, STAT_CHART, STAT_TABLE = Key("cmp_chart_stat"), Key("cmp_stat_chart"), Key("cmp_stat_table")
REPORT = Key("cmp_report")
# activation patching (the same model in both panes): its target, its button, its grid and what a click last did
PATCH_TARGET = TargetKeys(Key("cmp_patch_token", keep="session"), Key("cmp_patch_other", keep="session"),
                          Key("cmp_patch_sentence", keep="session"))
PATCH_RUN, PATCH_TABLE = Key("cmp_patch_run"), Key("cmp_patch_table")
PATCHING_CHART, PATCHING_SEEN = Key("cmp_patching"), Key("cmp_patching_seen")
# what changed: the ranked heads (a bar or a row opens A's and B's side by side), the heads the table lists
CHANGES_CHART, CHANGES_SEEN = Key("cmp_changes_chart"), Key("cmp_changes_seen")
CHANGES_TABLE, CHANGES_ROWS, CHANGES_PICKED = Key("cmp_changes_table"), Key("cmp_changes_rows"), Key("cmp_changes_picked")
# the two censuses side by side (a head's point opens it in its pane)
STRIPS_CHART, STRIPS_SEEN = Key("cmp_strips_chart"), Key("cmp_strips_seen")


def figure(side: str, view: str) -> Key:
    """A pane's chart of a view: cmp_a_heatmap, cmp_b_head_view, …"""
    return Key(f"cmp_{side}_{view.lower().replace(' ', '_').replace('–', '_')}")


def npz(side: str) -> Key:
    return Key(f"cmp_{side}_npz")


def exact_pass(side: str) -> Key:
    """A pane's button that makes a long input's first look (its model view and statistics) exact."""
    return Key(f"cmp_exact_pass_{side}")
