"""Attention and positions worked out in LaTeX from the numbers: what the worked example and the positional page
write beside their live values (pure functions of numbers: no page, no Streamlit)."""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from attnviz.core.positional import frequencies
from attnviz.lessons.cells import step_number as num

# each step of the worked example as a formula (its words: the worked-example page's STEP_WORDS)
STEP_FORMULAS = {
    "X": r"X", "PE": r"PE", "X_plus_PE": r"X + PE", "W_Q": r"W_Q", "W_K": r"W_K", "W_V": r"W_V",
    "Q": r"Q = (X + PE)\,W_Q", "K": r"K = (X + PE)\,W_K", "V": r"V = (X + PE)\,W_V",
    "scores": r"S = Q K^\top", "scaled_scores": r"S / \sqrt{d_k}", "mask": r"M",
    "masked_scores": r"S / \sqrt{d_k} + M",
    "weights": r"A = \mathrm{softmax}_{\text{row}}\!\left(S/\sqrt{d_k} + M\right)", "output": r"O = A\,V",
}
MULTI_HEAD = (r"\mathrm{head}_i = \mathrm{softmax}\!\left(\frac{Q_i K_i^\top}{\sqrt{d_k}} + M\right) V_i,\quad "
              r"\mathrm{MultiHead} = \mathrm{Concat}(\mathrm{head}_1, \dots, \mathrm{head}_h)\,W_O")
SINUSOIDAL = (r"PE_{(pos,\,2i)} = \sin\!\left(\frac{pos}{10000^{2i/d_{model}}}\right),\qquad "
              r"PE_{(pos,\,2i+1)} = \cos\!\left(\frac{pos}{10000^{2i/d_{model}}}\right)")


def toy_cell(cell, qi: int, kj: int, scaled: bool, weights_row: Sequence[float]) -> list[str]:
    """One weight of the worked example, term by term: q·k, the scaling, the softmax (or the mask), the output.

    cell: worked_example.explain_toy_cell's result; weights_row: the head's weights of query qi (for the output).
    """
    terms = " + ".join(f"({num(a)})({num(b)})" for a, b in zip(cell.q, cell.k))
    lines = [rf"q_{{{qi}}} \cdot k_{{{kj}}} = {terms} = {num(cell.dot)}",
             rf"s_{{{qi}{kj}}} = \frac{{{num(cell.dot)}}}{{{num(cell.divisor)}}} = {num(cell.scaled)}" if scaled
             else rf"s_{{{qi}{kj}}} = {num(cell.dot)}"]
    if not np.isfinite(cell.row[kj]):
        lines.append(rf"s_{{{qi}{kj}}} + M_{{{qi}{kj}}} = -\infty \Rightarrow a_{{{qi}{kj}}} = 0")
    else:
        denom = " + ".join(num(x) for x in cell.exps)
        lines.append(rf"a_{{{qi}{kj}}} = \frac{{e^{{s_{{{qi}{kj}}} - \max}}}}{{\sum_j e^{{s_{{{qi}j}} - \max}}}} = "
                     rf"\frac{{{num(cell.exps[kj])}}}{{{denom}}} = {num(cell.weight)}")
    out_terms = " + ".join(rf"{num(w)}\,v_{{{j}}}" for j, w in enumerate(weights_row))
    lines.append(rf"o_{{{qi}}} = {out_terms} = [{', '.join(num(x) for x in cell.output)}]")
    return lines


def model_cell(ex, kpos: int) -> list[str]:
    """A real model's cell recomputed (analysis.explain.explain_cell's result): q·k, scaled plus bias, softmax."""
    bias = "-\\infty" if ex.bias == -np.inf else f"{ex.bias:+.6f}"
    return [rf"q \cdot k = \sum_d q_d k_d = {ex.dot:.6f}",
            rf"s = q\cdot k \times {ex.scaling:.6f} + ({bias}) = {ex.score:.6f}" if np.isfinite(ex.score)
            else r"s = -\infty",
            rf"\mathrm{{softmax}}(s)_{{{kpos}}} = {ex.weight:.6f}"]


def sinusoidal_at(pos: int, i: int, d_model: int) -> list[str]:
    """PE(pos, 2i) and PE(pos, 2i + 1) worked out (Vaswani et al. 2017's formula, the frequencies core computes)."""
    omega = float(frequencies(d_model)[i])  # 1 / 10000^(2i/d_model)
    angle = pos * omega
    lines = [rf"PE_{{({pos},\,{2 * i})}} = \sin\!\left(\frac{{{pos}}}{{10000^{{{2 * i}/{d_model}}}}}\right)"
             rf" = \sin\!\left(\frac{{{pos}}}{{{1 / omega:.6g}}}\right) = \sin({angle:.6g}) = {math.sin(angle):.6f}"]
    if 2 * i + 1 < d_model:
        lines.append(rf"PE_{{({pos},\,{2 * i + 1})}} = \cos({angle:.6g}) = {math.cos(angle):.6f}")
    return lines
