"""The commands for long documents: attnviz zoom, sentences, sinks, needle and capture --window-start/--centre, their
JSON equal to the library's and their summaries as a person reads them, on a tiny GPT-2 with 2,048 positions
(tests/long_docs.py) and the planted retrieval model (tests/needle_model.py)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from long_docs import build_long, long_text
from needle_model import ANSWER, HAYSTACK, NEEDLE, QUESTION, planted

from attnviz import capture, load_model
from attnviz.analysis import needle as nh
from attnviz.analysis.documents import unit_attention, units_read
from attnviz.analysis.sinks import sinks
from attnviz.analysis.zoom import region
from attnviz.capture.window import capture_window
from attnviz.cli import main
from attnviz.core.sentences import sentences

TEXT = long_text(40)  # about 830 tokens


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return build_long(tmp_path_factory.mktemp("long") / "gpt2-2048")


@pytest.fixture(scope="module")
def text_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("text") / "doc.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cap(folder):
    return capture(load_model(str(folder), device="cpu"), TEXT)


def printed(capsys, argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_zoom_json_is_the_librarys_region(folder, text_file, cap, capsys):
    src = cap.source("self")
    out = printed(capsys, ["zoom", str(folder), "--text-file", str(text_file), "--layer", "1", "--head", "3",
                           "--rows", "100-163", "--cols", "40-87", "--json", "--device", "cpu"])
    z = region(src, 1, 3, (100, 164), (40, 88), (None, None), "max")
    assert out["rows"] == [100, 163] and out["cols"] == [40, 87] and out["how"] == "max" and out["aside"] == []
    assert out["row_edges"] == list(range(100, 165)) and out["col_edges"] == list(range(40, 89))
    assert np.allclose(out["values"], z.values, atol=1e-6)
    # pooled: at most 16 cells a side, mean of each; the sinks set aside first
    out = printed(capsys, ["zoom", str(folder), "--text-file", str(text_file), "--layer", "0", "--head", "0",
                           "--size", "16", "--how", "mean", "--aside", "--json", "--device", "cpu"])
    aside = tuple(int(p) for p in sinks(src).overall)
    z = region(src, 0, 0, (0, len(cap.tokens)), (0, len(cap.tokens)), (16, 16), "mean", aside)
    assert out["aside"] == list(aside) and np.array(out["values"]).shape == (16, 16)
    assert np.allclose(out["values"], z.values, atol=1e-6) and out["col_edges"][-1] == len(cap.tokens)


def test_zoom_summary_and_its_errors(folder, capsys):
    assert main(["zoom", str(folder), "The cat sat on the mat.", "--layer", "0", "--head", "1", "--device",
                 "cpu"]) == 0
    out = capsys.readouterr().out.splitlines()
    n = len(capture(load_model(str(folder), device="cpu"), "The cat sat on the mat.").tokens)
    assert out[0] == (f"{folder} · layer 0 · head 1: queries 0–{n - 1} × keys 0–{n - 1} in {n} × {n} cells of 1 × 1 "
                      "positions (max)")
    assert out[1].startswith("  1. queries 0 ← keys 0: 1.0000 “")  # causal: the first token reads only itself
    assert len(out) == 11  # the ten strongest cells
    assert main(["zoom", str(folder), "The cat.", "--layer", "0", "--head", "9"]) == 2
    assert "--head must be 0–3" in capsys.readouterr().err
    assert main(["zoom", str(folder), "The cat.", "--layer", "0", "--head", "0", "--rows", "5-2"]) == 2
    assert "--rows takes FIRST-LAST" in capsys.readouterr().err
    assert main(["zoom", str(folder), "--layer", "0", "--head", "0"]) == 2
    assert "Give the text as TEXT or with --text-file FILE." in capsys.readouterr().err


def test_zoom_writes_the_cells_as_csv(folder, tmp_path, capsys):
    path = tmp_path / "cells.csv"
    assert main(["zoom", str(folder), "The cat sat on the mat.", "--layer", "0", "--head", "0", "--out", str(path),
                 "--device", "cpu"]) == 0
    assert json.loads(capsys.readouterr().out) == {"written": [str(path)]}
    lines = path.read_text().splitlines()
    n = len(lines) - 1
    assert lines[0] == "query \\ key," + ",".join(map(str, range(n))) and lines[1] == "0,1" + ",0" * (n - 1)


def test_sentences_json_is_the_librarys_map(folder, text_file, cap, capsys):
    out = printed(capsys, ["sentences", str(folder), "--text-file", str(text_file), "--layer", "1", "--head", "2",
                           "--json", "--device", "cpu"])
    units, spans = units_read(cap, "sentence")
    expect = unit_attention(cap.source("self"), 1, units, len(spans), heads=[2])[0]
    assert len(out["units"]) == 40 and np.allclose(out["values"], expect, atol=1e-5)
    assert out["units"][0]["text"] == "The cat sat on the mat because it was tired."
    assert out["units"][0]["tokens"][0] == 0 and out["units"][-1]["tokens"][1] == len(cap.tokens) - 1
    out = printed(capsys, ["sentences", str(folder), "--text-file", str(text_file), "--layer", "0", "--level",
                           "paragraph", "--json", "--device", "cpu"])
    punits, pspans = units_read(cap, "paragraph")
    assert len(out["units"]) == 10 and out["head"] is None
    assert np.allclose(out["values"], unit_attention(cap.source("self"), 0, punits, len(pspans)).mean(0), atol=1e-5)


def test_sentences_lists_only_the_sentences_read(folder, capsys):
    """A text longer than the model reads: the map has the sentences its tokens reach, not every one of the text."""
    short = load_model(str(build_long(folder.parent / "gpt2-128", positions=128)), device="cpu")
    assert main(["sentences", str(folder.parent / "gpt2-128"), TEXT, "--layer", "0", "--top", "2", "--device",
                 "cpu"]) == 0
    captured = capsys.readouterr()
    cut = capture(short, TEXT)
    n = len(units_read(cut, "sentence")[1])
    assert n < 10
    assert captured.out.splitlines()[0].endswith(f"layer 0, the mean of its heads: {n} sentences; each reads most:")
    assert "note: The text is " in captured.err


def test_sinks_json_is_the_librarys(folder, text_file, cap, capsys):
    out = printed(capsys, ["sinks", str(folder), "--text-file", str(text_file), "--k", "3", "--json", "--device",
                           "cpu"])
    found = sinks(cap.source("self"), k=3)
    assert np.allclose(out["first_token"], found.first_token, atol=1e-6) and out["tokens"] == len(cap.tokens)
    assert out["positions"] == found.positions.tolist() and out["overall"] == found.overall.tolist()
    assert out["overall_tokens"] == [cap.tokens[p] for p in found.overall] and out["rate"] == found.rate
    assert main(["sinks", str(folder), "--text-file", str(text_file), "--epsilon", "0.01", "--device", "cpu"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rate = sinks(cap.source("self"), epsilon=0.01).rate
    assert lines[0] == f"{folder} on {len(cap.tokens)} tokens: sink rate (Gu et al. 2024) {rate:.0%} of 8 heads have α₁ > 0.01"
    assert lines[1].startswith("over every head the keys that receive most: ")
    assert lines[2] == "α₁, the mean weight on the first token, per layer × head:" and lines[4].startswith("L0 ")


def test_capture_reads_the_window_it_is_told(folder, text_file, tmp_path, capsys):
    short = folder.parent / "gpt2-256"
    build_long(short, positions=256)
    model = load_model(str(short), device="cpu")
    out = printed(capsys, ["capture", str(short), "--text-file", str(text_file), "--window-start", "300", "--out",
                           str(tmp_path / "w.npz"), "--device", "cpu"])
    _, window = capture_window(model, TEXT, start=300)
    assert out["window"] == {"first_token": 300, "tokens": window.n_tokens, "tokens_before": 300,
                             "tokens_after": window.tokens_after, "chars": [window.start_char, window.end_char]}
    assert out["tokens"] == 256
    centre = sentences(TEXT)[20]
    out = printed(capsys, ["capture", str(short), "--text-file", str(text_file), "--centre", "20", "--out",
                           str(tmp_path / "c.npz"), "--device", "cpu"])
    _, window = capture_window(model, TEXT, centre=centre)
    assert out["window"]["first_token"] == window.start_token and window.start_char <= centre[0] < centre[1] <= \
        window.end_char
    assert main(["capture", str(short), "--text-file", str(text_file), "--centre", "99", "--out",
                 str(tmp_path / "x.npz")]) == 2
    assert "--centre 99: the text has 40 sentences (numbered from 0)." in capsys.readouterr().err
    assert main(["capture", str(short), "--text-file", str(text_file), "--centre", "1", "--window-start", "3",
                 "--out", str(tmp_path / "x.npz")]) == 2
    assert "Give --window-start or --centre, not both." in capsys.readouterr().err


def test_needle_json_is_the_librarys_grid(tmp_path, capsys):
    model_dir = planted(tmp_path / "planted")
    hay = tmp_path / "hay.txt"
    hay.write_text(HAYSTACK, encoding="utf-8")
    out = printed(capsys, ["needle", str(model_dir), "--haystack", str(hay), "--needle", NEEDLE, "--question",
                           QUESTION, "--answer", ANSWER, "--depths", "0", "0.5", "1", "--lengths", "40", "90",
                           "--max-new", "4", "--json", "--device", "cpu"])
    expect = nh.grid(load_model(str(model_dir), device="cpu"), HAYSTACK, NEEDLE, QUESTION, ANSWER, [0.0, 0.5, 1.0],
                     [40, 90], 4)
    assert out["right"] == [[True, True]] * 3 and out["recall"] == [[1.0, 1.0]] * 3
    assert np.allclose(out["retrieval"], expect.retrieval, atol=1e-4) and out["retrieval"][0] == [0.5, 0.25, 0, 0]
    assert out["answers"][0][0].split() == ANSWER.split() and out["placed"][0][0] == 0.0
    assert main(["needle", str(model_dir), "--haystack", str(hay), "--needle", NEEDLE, "--question", QUESTION,
                 "--answer", ANSWER, "--depths", "0.5", "--lengths", "40", "--max-new", "4", "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(": 1 of 1 cases right (✓: recall > 0.5); " + lines[0].rsplit("; ", 1)[1])
    assert lines[-1] == ("retrieval heads (Wu et al. 2024, mean over the cases answered right): L0 h0 0.50, "
                         "L0 h1 0.25")
    assert main(["needle", str(model_dir), "--depths", "2", "--lengths", "40"]) == 2
    assert "--depths are numbers from 0" in capsys.readouterr().err
    assert main(["needle", "minilm", "--lengths", "40"]) == 2
    assert "needs a causal language model" in capsys.readouterr().err
