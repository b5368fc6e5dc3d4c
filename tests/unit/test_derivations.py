"""The worked example's and the positional page's derivations: the numbers they write are the maths' own."""
import math

import numpy as np
import pytest

from attnviz.core.positional import sinusoidal
from attnviz.lessons import derivations, worked_example


def _numbers(line: str) -> list[float]:
    return [float(x) for x in __import__("re").findall(r"-?\d+\.\d+", line)]


@pytest.mark.parametrize("pos,i,d", [(3, 1, 16), (0, 0, 4), (50, 7, 16)])
def test_sinusoidal_at_writes_the_tables_values(pos, i, d):
    lines = derivations.sinusoidal_at(pos, i, d)
    table = sinusoidal(pos + 1, d)
    assert _numbers(lines[0])[-1] == pytest.approx(table[pos, 2 * i], abs=1e-6)
    assert _numbers(lines[1])[-1] == pytest.approx(table[pos, 2 * i + 1], abs=1e-6)
    assert f"10000^{{{2 * i}/{d}}}" in lines[0]  # the formula as the paper writes it
    assert f"{10000 ** (2 * i / d):.6g}" in lines[0] or pos == 0 or i == 0


def test_a_toy_cell_is_written_term_by_term():
    """Q, K, V given (two tokens, d_k = 2): q0 = [0.5, 1], k1 = [0.5, 1]; q0·k1 = 0.25 + 1 = 1.25, over √2."""
    result = worked_example.run_toy(worked_example.preset("seed-000"))
    cell = worked_example.explain_toy_cell(result, 0, 1, 0)
    dot, scaled, weight, output = derivations.toy_cell(cell, 0, 1, True, result.heads[0].weights[0])
    assert dot.endswith("= 1.2500") and "(0.5000)(0.5000) + (1.0000)(1.0000)" in dot
    assert scaled.endswith(f"= {1.25 / math.sqrt(2):.4f}")
    w = result.heads[0].weights[0]
    assert weight.endswith(f"= {w[1]:.4f}") and w.sum() == pytest.approx(1)
    assert output.startswith(r"o_{0} = ") and f"{w[0]:.4f}" in output


def test_a_masked_cell_says_minus_infinity():
    spec = worked_example.preset("seed-000")
    spec.mask = "causal"
    result = worked_example.run_toy(spec)
    cell = worked_example.explain_toy_cell(result, 0, 1, 0)
    lines = derivations.toy_cell(cell, 0, 1, True, result.heads[0].weights[0])
    assert r"= -\infty \Rightarrow a_{01} = 0" in lines[2]
    assert np.isclose(result.heads[0].weights[0][1], 0)


def test_the_articles_claims_beside_the_recomputed_values():
    result = worked_example.run_toy(worked_example.preset("seed-000"))
    claims = worked_example.claims_checked("seed-000", result)
    assert [c for c, _ in claims][:2] == ["α₁₁ = 0.5", "α₁₂ = 0.5"]
    w = result.steps["weights"]
    assert claims[0][1] == f"α₁₁ = {w[0, 0]:.4f}" and claims[1][1] == f"α₁₂ = {w[0, 1]:.4f}"
    assert claims[0][1] != "α₁₁ = 0.5000"  # the article is wrong: softmax of unequal scores
    assert worked_example.claims_checked("seed-000", result, lang="zh")[2][1] == "没有第三个键（只给了两行）"
    assert worked_example.claims_checked("seed-001", result) == []
