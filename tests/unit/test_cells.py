import numpy as np

from attnviz.lessons.cells import format_number, parse_cell, parse_grid


def test_numbers_parse():
    assert parse_cell("0.5") == (0.5, None)
    assert parse_cell(" -2 ") == (-2.0, None)
    assert parse_cell("1e-3") == (0.001, None)
    assert parse_cell("0,25") == (0.25, None)  # a decimal comma is understood
    assert parse_cell("−1.5") == (-1.5, None)  # a typographic minus too


def test_bad_cells_say_why():
    assert parse_cell("abc")[1] == "'abc' is not a number"
    assert parse_cell("nan")[1].startswith("'nan' is not a number you can compute with")
    assert parse_cell("inf")[1].startswith("'inf' is infinite")
    assert parse_cell("-Infinity")[1].startswith("'-Infinity' is infinite")
    assert parse_cell("")[1] == "the cell is empty" and parse_cell(None)[1] == "the cell is empty"
    assert parse_cell(float("nan"))[1] == "the cell is empty"


def test_grid_reports_every_bad_cell_and_shape():
    values, problems = parse_grid([["1", "x"], ["", "2"]])
    assert values is None
    assert [(p.row, p.col) for p in problems] == [(0, 1), (1, 0)]
    values, problems = parse_grid([["1", "2"]], shape=(2, 2))
    assert values is None and problems[0].message == "it has 1×2 cells and needs 2×2"
    values, problems = parse_grid([["1", "2"], ["3", "4.5"]], shape=(2, 2))
    assert problems == [] and np.array_equal(values, [[1, 2], [3, 4.5]])


def test_format_round_trips_seed_values():
    for v in (0.5, 0.1, 0.3, -0.416147, 1.0, 0.0):
        assert float(format_number(v)) == v
