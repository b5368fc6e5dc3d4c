"""What the compare page's downloads are called: the pane's model, the pane, the view, the layer and head
(minilm-pane-a-heatmap-L3-H9.csv), and both models for what both panes make (minilm-vs-glassllm-en-…), so no
download overwrites another."""
from __future__ import annotations

from attnviz.figures.export import export_name, export_stem

VIEW_FILES = {"Heatmap": "heatmap", "Head view": "head_view", "Model view": "model_view", "Aggregates": "aggregates",
              "Statistics": "statistics", "Query–key": "query_key"}
WHOLE_MODEL = ("Model view", "Statistics")  # every layer: no layer in the name
ONE_HEAD = ("Heatmap", "Query–key")  # one head: its number in the name


def pane_stem(model: str, side: str, view: str, layer: int, head: int, how: str | None = None) -> str:
    """A pane's figure (how: the aggregate drawn, which names the view)."""
    drawn = how if view == "Aggregates" and how else VIEW_FILES.get(view, view)
    return export_stem(model, f"pane-{side} {drawn}", None if view in WHOLE_MODEL else layer,
                       head if view in ONE_HEAD else None)


def pair(model_a: str, model_b: str, what: str) -> str:
    return f"{export_stem(model_a, 'vs')}-{export_stem(model_b, what)}"


def difference_stem(model_a: str, model_b: str, picks: tuple[int, int, int, int]) -> str:
    """B − A of one head of each: both heads in the name."""
    la, ha, lb, hb = picks
    return f"{pair(model_a, model_b, 'difference')}-A-L{la}-H{ha}-B-L{lb}-H{hb}"


def distances_stem(model_a: str, model_b: str) -> str:
    return pair(model_a, model_b, "head-distances")


def report_name(model_a: str, model_b: str) -> str:
    return pair(model_a, model_b, "compare-report") + ".html"


def capture_name(model: str, side: str) -> str:
    return export_name(model, f"pane-{side} capture", "npz")
