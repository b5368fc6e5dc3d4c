"""The needle-in-a-haystack page's state: the test (haystack, needle, question, answer), the grid of depths and
lengths, and which case and head are read."""
from attnviz.app.state.base import Key

PAGE = "needle"  # its name in attnviz.app.shell.navigation.PAGES
PREFIX = "nd"

# in the link, in this order (the user's own haystack is too long for a link: it travels as a file)
SOURCE = Key("nd_source", "hay", default="builtin")  # "builtin" or "own"
NEEDLE = Key("nd_needle", "needle")
QUESTION = Key("nd_question", "question")
ANSWER = Key("nd_answer", "answer")
DEPTHS = Key("nd_depths", "depths")  # "0, 0.5, 1"
LENGTHS = Key("nd_lengths", "lengths")  # "64, 120"
MAX_NEW = Key("nd_max_new", "max_new", int)

HAYSTACK = Key("nd_haystack", keep="session")
RUN = Key("nd_run")
RESULT = Key("nd_result")  # the last grid run in this session, with the inputs it was run on
CASE = Key("nd_case")  # (depth index, length index) of the case read
LAYER, HEAD = Key("nd_layer"), Key("nd_head")
GRID_CHART, SCORE_CHART, SCORE_SEEN = Key("nd_grid"), Key("nd_scores"), Key("nd_scores_seen")
STEPS = Key("nd_steps")
