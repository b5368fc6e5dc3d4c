"""attnviz.compare on real models, the compare command line, and a checkpoint's untrained start."""
import json

import numpy as np
import torch

import attnviz
from attnviz.cli import main

TEXT = "The doctor said he was late, 42 minutes."


def test_a_model_compared_with_itself_matches_every_head_to_itself(minilm):
    cap = attnviz.capture(minilm, TEXT)
    result = attnviz.compare(cap, cap)
    assert result.distances.shape == (72, 72)
    assert np.all(np.diag(result.distances) == 0.0)
    assert result.best_a == [(i // 12, i % 12, 0.0) for i in range(72)]
    assert np.all(result.difference == 0.0)
    assert [u.label for u in result.alignment.units][:3] == ["[CLS]", "The", "doctor"]


def test_two_models_with_two_tokenisers(minilm, glass):
    a, b = attnviz.capture(minilm, TEXT), attnviz.capture(glass, TEXT)
    result = attnviz.compare(a, b)
    units = result.alignment.units
    assert "doctor" in [u.label for u in units]
    assert len(next(u for u in units if u.label == "doctor").b) > 1  # glassllm splits it, MiniLM keeps it whole
    assert result.layers_b == [0, 1, 1, 2, 2, 3]  # 6 layers against 4, by relative depth
    assert result.distances.shape == (72, 16)
    assert np.all((result.distances >= 0) & (result.distances <= 1))
    assert result.difference.shape == (6, 12, len(units), len(units))
    # rows on the grid sum to at most 1 (special or unaligned tokens keep the rest)
    assert np.all(result.grid_a.sum(-1) <= 1 + 1e-5) and np.all(result.grid_b.sum(-1) <= 1 + 1e-5)


def test_shuffled_positions_move_the_positional_heads(minilm):
    intact, shuffled = attnviz.capture(minilm, TEXT), attnviz.capture(minilm, TEXT, positions="shuffled")
    result = attnviz.compare(intact, shuffled)
    same_head = np.diag(result.distances)
    assert same_head.max() > 0.5 and same_head.min() >= 0  # some head attends elsewhere once positions move


def test_cli_prints_alignment_distances_and_best_matches(capsys, tmp_path):
    report = tmp_path / "report.html"
    assert main(["compare", "minilm", "scratch-encoder", "Hi, café!", "--json", "--out", str(report),
                 "--device", "cpu"]) == 0
    out = json.loads(capsys.readouterr().out)
    pairs = out["alignment"]
    assert [p["label"] for p in pairs] == ["Hi", ",", "café", "!"]
    cafe = pairs[2]
    assert cafe["span_a"] == [4, 8] and len(cafe["b"]) == 4  # one MiniLM token, four characters
    assert np.array(out["head_distances"]).shape == (72, 8)
    assert len(out["best_match_a"]) == 72 and set(out["best_match_a"][0]["match"]) == {"layer", "head", "distance"}
    html = report.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and "cdn.plot.ly" not in html.split("</head>")[0]
    # plotly.js inlined exactly once (its licence banner), however many figures the report draws
    assert html.count("* plotly.js v") == 1 and html.count("Plotly.newPlot") >= 2


def test_cli_with_two_texts_and_nothing_in_common(capsys):
    assert main(["compare", "minilm", "minilm", "abc", "--text-b", "xyz", "--json", "--device", "cpu"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["comparable"] is False and "no characters in common" in out["reason"]
    assert "head_distances" not in out


def test_untrained_start_is_the_weights_training_began_from(tmp_path):
    from attnviz.models.untrained import untrained_start
    from attnviz.training.trainer import TrainConfig, Trainer

    trainer = Trainer(TrainConfig(task="reverse", steps=3, device="cpu"))
    start = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    trainer.run()
    trainer.save(tmp_path / "ckpt")
    fresh = untrained_start(str(tmp_path / "ckpt"), "cpu")
    assert all(torch.equal(start[k], v) for k, v in fresh.module.state_dict().items())
    trained = attnviz.load_model(str(tmp_path / "ckpt"), device="cpu")
    assert any(not torch.equal(start[k], v) for k, v in trained.module.state_dict().items())
    assert "untrained" in fresh.info.name


def test_truncated_text_keeps_one_span_per_token(minilm):
    cap = attnviz.capture(minilm, "word " * 600)
    assert len(cap.tokens) == 512 == len(cap.spans)
    assert cap.spans[0] is None and cap.spans[-1] is None and cap.tokens[-1] == "[SEP]"  # [CLS] … [SEP] kept
    assert cap.text[slice(*cap.spans[510])] == "word"
