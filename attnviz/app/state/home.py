"""The home page's state: one head's pickers and its heatmap."""
from attnviz.app.state.base import Key, Pickers

PAGE = "home"  # its name in attnviz.app.shell.navigation.PAGES
PREFIX = "home"

PICKERS = Pickers(Key("home_kind"), Key("home_layer"), Key("home_head"))
LOG = Key("home_log")
HEATMAP = Key("home_heatmap")
