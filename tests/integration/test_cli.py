"""The command line: help for every command, capture to .npz, the worked example as JSON."""
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from attnviz.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    return subprocess.run([sys.executable, "-m", "attnviz", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_help_lists_and_explains_every_command():
    out = run("--help")
    assert out.returncode == 0
    for command in ("capture", "toy", "models"):
        assert command in out.stdout
        sub = run(command, "--help")
        assert sub.returncode == 0 and "usage:" in sub.stdout


def test_capture_writes_stacks_tokens_and_metadata(tmp_path, capsys):
    out = tmp_path / "cap.npz"
    assert main(["capture", "minilm", "Attention is all you need.", "--out", str(out), "--device", "cpu"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["attention"] == {"self": [6, 12, 8, 8]}
    data = np.load(out)
    assert data["attention_self"].shape == (6, 12, 8, 8)
    assert list(data["tokens"]) == ["[CLS]", "attention", "is", "all", "you", "need", ".", "[SEP]"]
    meta = json.loads(str(data["metadata"]))
    assert meta["model"] == "all-MiniLM-L6-v2" and meta["dims"] == ["layer", "head", "query_pos", "key_pos"]
    assert meta["model_info"]["n_heads"] == 12 and meta["positional_kind"] == "learned"
    assert np.allclose(data["attention_self"].sum(-1), 1, atol=1e-5)


def test_capture_in_qk_mode_writes_the_same_stack(tmp_path, capsys):
    eager, qk = tmp_path / "eager.npz", tmp_path / "qk.npz"
    for mode, out in (("eager", eager), ("qk", qk)):
        assert main(["capture", "minilm", "Attention is all you need.", "--out", str(out), "--device", "cpu",
                     "--mode", mode]) == 0
        assert json.loads(capsys.readouterr().out)["mode"] == mode
    assert json.loads(str(np.load(qk)["metadata"]))["mode"] == "qk"
    assert np.allclose(np.load(qk)["attention_self"], np.load(eager)["attention_self"], atol=1e-6)


def test_capture_encoder_decoder_with_target(tmp_path, capsys):
    out = tmp_path / "s2s.npz"
    assert main(["capture", "scratch-seq2seq", "12345", "--target", "abc", "--out", str(out)]) == 0
    data = np.load(out)
    assert data["attention_cross"].shape == (2, 4, 4, 5)
    assert list(data["target_tokens"]) == ["<bos>", "a", "b", "c"]


def test_capture_bad_model_is_a_message_not_a_traceback(tmp_path):
    out = run("capture", str(tmp_path / "missing"), "hi", "--out", str(tmp_path / "x.npz"))
    assert out.returncode == 2 and "There is no folder" in out.stderr and "Traceback" not in out.stderr


def test_toy_json_has_every_intermediate_with_seed_numbers(capsys):
    assert main(["toy", "--example", "qkv-given", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["weights"][1] == [0.5, 0.5]
    assert data["weights"][0][0] == pytest.approx(0.37044, abs=1e-5)
    assert data["output"][1] == [0.25, 0.75]
    assert main(["toy", "--preset", "seed-001", "--weights", "random", "--seed", "3", "--heads", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["heads"]) == 3 and "final" in data and data["d_k"] == 1


def test_toy_examples_are_named_for_what_they_are(capsys):
    assert main(["toy"]) == 0  # the default: "Transformer is powerful"
    assert "tokens: Transformer, is, powerful" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["toy", "--help"])
    shown = capsys.readouterr().out
    assert "transformer-is-powerful" in shown and "qkv-given" in shown and "seed-00" not in shown


def test_toy_bad_settings_get_a_message(capsys):
    assert main(["toy", "--preset", "seed-001", "--heads", "2"]) == 2
    assert "do not divide" in capsys.readouterr().err


def test_export_writes_views_offline(tmp_path, capsys):
    out = tmp_path / "views"
    args = ["export", "minilm", "The cat sat.", "--out", str(out), "--views", "heatmap", "rollout", "model_view",
            "statistics", "--formats", "html", "csv", "--layer", "1", "--head", "3", "--npz", "--device", "cpu"]
    assert main(args) == 0
    written = json.loads(capsys.readouterr().out)["written"]
    names = {Path(p).name for p in written}
    # named by model, view, layer and head: two exports of two heads never overwrite each other
    assert {"minilm-heatmap-L1-H3.html", "minilm-heatmap-L1-H3.csv", "minilm-rollout-L5.csv", "minilm-model_view.html",
            "minilm-statistics.html", "minilm-capture.npz"} <= names
    html = (out / "minilm-heatmap-L1-H3.html").read_text()
    # plotly.js is inlined (about 4.8 MB) and no script is fetched from the network: the file opens offline
    assert "<script src=\"http" not in html and "<script src='http" not in html
    assert len(html) > 3_000_000 and "Plotly.newPlot" in html
    rows = (out / "minilm-heatmap-L1-H3.csv").read_text().splitlines()
    assert rows[0].startswith("query \\ key,0:[CLS]") and len(rows) == 7  # header + 6 tokens
    from attnviz import capture, load_model
    cap = capture(load_model("minilm", device="cpu"), "The cat sat.")
    first = [float(v) for v in rows[1].split(",")[1:]]
    assert np.allclose(first, cap.head("self", 1, 3)[0], atol=1e-5)


def test_export_png_and_svg_with_chromium(tmp_path, capsys):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("needs Debian's chromium for kaleido")
    out = tmp_path / "img"
    assert main(["export", "scratch-encoder", "abc", "--out", str(out), "--views", "heatmap",
                 "--formats", "png", "svg"]) == 0
    assert (out / "scratch-encoder-heatmap-L0-H0.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "scratch-encoder-heatmap-L0-H0.svg").read_text()[:4] == "<svg"
    err = capsys.readouterr().err  # it says what it is doing while the renderer starts (it took 37 s silently)
    assert "image 1/2: writing scratch-encoder-heatmap-L0-H0.png…" in err
    assert re.search(r"image 2/2: scratch-encoder-heatmap-L0-H0\.svg done after [\d.]+ s", err)


def test_export_bad_layer_is_a_message(capsys, tmp_path):
    out = tmp_path / "export"
    assert main(["export", "scratch-encoder", "abc", "--out", str(out), "--layer", "9"]) == 2
    assert "layer must be 0–1" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())  # nothing written for a refused export


def test_a_near_miss_of_a_bundled_name_is_answered_before_any_hub_talk(capsys, monkeypatch, tmp_path):
    from attnviz.models import hub

    monkeypatch.setattr(hub, "reachable", lambda *_a, **_k: pytest.fail("the hub was asked about a typo"))
    assert main(["capture", "minlm", "The cat sat.", "--out", str(tmp_path / "c.npz"), "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert "'minlm' is not a model attnviz knows. Did you mean 'minilm'?" in err and "download" not in err
