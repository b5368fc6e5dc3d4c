"""How far a measure agrees with the attention weights (analysis.measures.agreement): a layer × head chart of
Spearman's ρ, and the badge a view wears, one short sentence with the value."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from attnviz.figures.head_grid import head_grid
from attnviz.figures.measured import measure_label
from attnviz.i18n import N_, speaks, t

# ρ from this value up, down to the next: the badge's words (the last: below every bound)
BADGES = ((0.7, N_("agrees with the weights: ρ = {rho}")),
          (0.3, N_("agrees in part with the weights: ρ = {rho}")),
          (-0.3, N_("does not follow the weights: ρ = {rho}")),
          (-math.inf, N_("runs against the weights: ρ = {rho}")))
NO_AGREEMENT = N_("no agreement to measure: every row has fewer than two keys or ties")


@speaks
def agreement_chart(rho: np.ndarray, method: str) -> go.Figure:
    """ρ [layer, head] (or [layer] for a measure of whole layers) on a scale from −1 to 1; a click opens that head
    (customdata [layer, head])."""
    title = t("{measure}: agreement with the weights, per head (Spearman ρ)", measure=measure_label(method))
    if np.asarray(rho).ndim == 1:
        title = t("{measure}: agreement with the heads' mean weight, per layer (Spearman ρ)",
                  measure=measure_label(method))
    return head_grid(rho, title, "ρ", reach=1.0)


@speaks
def agreement_badge(rho: float) -> str:
    """One short sentence: "agrees with the weights: ρ = 0.82" (its words by the value; NaN: none to measure)."""
    if rho is None or not math.isfinite(rho):
        return t(NO_AGREEMENT)
    words = next(words for bound, words in BADGES if rho >= bound)
    return t(words, rho=f"{rho:.2f}".replace("-", "−"))


def rho_at(rho: np.ndarray, layer: int, head: int) -> float:
    """The agreement of one head ([layer, head] grid) or of its layer (a measure of whole layers: [layer])."""
    grid = np.asarray(rho, dtype=np.float64)
    return float(grid[layer] if grid.ndim == 1 else grid[layer, head])
