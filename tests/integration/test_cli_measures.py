"""attnviz measure, ablate, patch and dla: the JSON holds what the library computes (same model, same text), the
filters cut the shape as --help says, exports carry the measure, and every refusal is `error: …` with exit 2."""
import json

import numpy as np
import pytest

from attnviz import load_model
from attnviz.analysis.causal import ablate_heads, direct_logit_attribution, patch_heads
from attnviz.analysis.measures import METHODS, agreement, measure
from attnviz.analysis.prompts import make_prompt, token_id
from attnviz.analysis.targets import NextToken, Similarity
from attnviz.cli import main
from attnviz.cli.measure import METHODS as CLI_METHODS

TEXT = "hello world"


@pytest.fixture(scope="module")
def models():
    cache = {}

    def get(spec):
        if spec not in cache:
            cache[spec] = load_model(spec, device="cpu")
        return cache[spec]
    return get


def run_json(capsys, *args):
    assert main([*args, "--json", "--device", "cpu"]) == 0
    return json.loads(capsys.readouterr().out)


def refused(capsys, *args) -> str:
    assert main([*args, "--device", "cpu"]) == 2
    return capsys.readouterr().err


def test_the_command_offers_every_measure():
    assert CLI_METHODS == tuple(METHODS)


def test_a_per_head_measure_is_the_librarys_grid(capsys, models):
    out = run_json(capsys, "measure", "scratch-decoder", TEXT, "--method", "norm")
    model = models("scratch-decoder")
    want = measure(model, make_prompt(model, TEXT), "norm")
    assert out["tokens"] == want.tokens and out["method"] == "norm" and out["kind"] == "self"
    assert out["dims"] == ["layer", "head", "query_pos", "key_pos"]
    assert np.asarray(out["values"]).shape == (2, 4, 11, 11)
    assert out["values"] == want.values.tolist()


def test_layer_and_head_filters_drop_their_dimensions(capsys, models):
    model = models("scratch-decoder")
    norm = measure(model, make_prompt(model, TEXT), "norm").values
    out = run_json(capsys, "measure", "scratch-decoder", TEXT, "--method", "norm", "--layer", "1")
    assert out["dims"] == ["head", "query_pos", "key_pos"] and out["values"] == norm[1].tolist()
    out = run_json(capsys, "measure", "scratch-decoder", TEXT, "--method", "norm", "--head", "2")
    assert out["dims"] == ["layer", "query_pos", "key_pos"] and out["values"] == norm[:, 2].tolist()
    out = run_json(capsys, "measure", "scratch-decoder", TEXT, "--method", "norm", "--layer", "0", "--head", "3")
    assert out["dims"] == ["query_pos", "key_pos"] and out["values"] == norm[0, 3].tolist()


def test_a_layer_level_measure_and_its_agreement(capsys, models):
    model = models("scratch-encoder")
    prompt = make_prompt(model, TEXT)
    out = run_json(capsys, "measure", "scratch-encoder", TEXT, "--method", "alti", "--layer", "1", "--agreement")
    alti = measure(model, prompt, "alti")
    assert out["dims"] == ["query_pos", "key_pos"] and out["values"] == alti.values[1].tolist()
    rho = agreement(alti.values, measure(model, prompt, "weight").values)
    assert np.allclose(out["agreement"], rho) and np.asarray(out["agreement"]).shape == (2,)


def test_value_zeroing_of_one_layer_computes_that_layer(capsys, models):
    model = models("scratch-decoder")
    out = run_json(capsys, "measure", "scratch-decoder", TEXT, "--method", "value-zeroing", "--layer", "1")
    want = measure(model, make_prompt(model, TEXT), "value-zeroing", layers=[1]).values[1]
    assert np.allclose(out["values"], want.numpy(), atol=1e-6)


def test_gradient_times_input_toward_a_next_token(capsys, models):
    model = models("scratch-decoder")
    out = run_json(capsys, "measure", "scratch-decoder", TEXT, "--method", "grad-input", "--target", "a",
                   "--other", "b", "--layer", "1")
    target = NextToken(token_id(model, "a"), token_id(model, "b"))
    want = measure(model, make_prompt(model, TEXT), "grad-input", target=target)
    assert np.allclose(out["values"], want.values[1].numpy(), atol=1e-7)
    assert out["target"] == {**target.to_json(), "text": "a", "other_text": "b"}
    assert out["target_value"] == pytest.approx(want.target_value)


def test_gradient_times_input_toward_a_second_sentence(capsys, models):
    model = models("scratch-encoder")
    out = run_json(capsys, "measure", "scratch-encoder", TEXT, "--method", "grad-input", "--compare-with",
                   "goodbye", "--head", "0")
    want = measure(model, make_prompt(model, TEXT), "grad-input", target=Similarity(make_prompt(model, "goodbye")))
    assert np.allclose(out["values"], want.values[:, 0].numpy(), atol=1e-7)
    assert out["target"]["type"] == "similarity" and out["target"]["other_text"] == "goodbye"


def test_cross_attention_has_key_tokens(capsys, models):
    out = run_json(capsys, "measure", "scratch-seq2seq", "12345", "--decoder-text", "abc", "--kind", "cross",
                   "--method", "weight", "--layer", "0")
    assert out["tokens"] == ["<bos>", "a", "b", "c"] and out["key_tokens"] == list("12345")
    assert np.asarray(out["values"]).shape == (4, 4, 5)


def test_the_summary_says_where_the_largest_values_are(capsys):
    assert main(["measure", "scratch-decoder", TEXT, "--method", "norm", "--agreement", "--device", "cpu"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("norm of scratch-decoder's self-attention on 11 tokens: values [layer 2, head 4")
    assert lines[1].startswith("layer 0: largest") and "←" in lines[1]
    assert lines[-1].startswith("agreement with the weights, layer 1: mean ρ")


@pytest.mark.parametrize("args, words", [
    (("measure", "scratch-decoder", TEXT, "--method", "alti", "--head", "1"), "has no heads"),
    (("measure", "scratch-decoder", TEXT, "--method", "norm", "--layer", "7"), "--layer must be 0–1"),
    (("measure", "scratch-decoder", TEXT, "--method", "grad-input"), "needs a target"),
    (("measure", "scratch-decoder", TEXT, "--method", "norm", "--other", "b"), "give --target TOKEN as well"),
    (("measure", "scratch-seq2seq", "12345", "--method", "alti", "--kind", "cross"), "ALTI+"),
    (("measure", "scratch-decoder", "   ", "--method", "norm"), "There is no text to run"),
    (("ablate", "scratch-decoder", TEXT, "--target", ""), "is not a token"),
    (("ablate", "scratch-decoder", TEXT, "--compare-with", "goodbye"), "is not a sentence encoder"),
    (("patch", "scratch-encoder", TEXT, "hello wxrld", "--target", "a", "--kind", "cross"), "has no cross-attention"),
])
def test_refusals_are_a_message_and_exit_2(capsys, args, words):
    err = refused(capsys, *args)
    assert err.startswith("error: ") and words in err, err


def test_ablate_is_the_librarys_ablation(capsys, models):
    model = models("scratch-decoder")
    out = run_json(capsys, "ablate", "scratch-decoder", TEXT, "--target", "a", "--how", "mean")
    want = ablate_heads(model, make_prompt(model, TEXT), NextToken(token_id(model, "a")), how="mean")
    assert out["tokens"] == want.tokens and out["baseline"] == pytest.approx(want.baseline)
    assert np.allclose(out["delta"], want.delta) and np.asarray(out["delta"]).shape == (2, 4)
    assert out["target"]["text"] == "a" and out["target"]["token_id"] == token_id(model, "a")
    assert out["how"] == "mean"


def test_ablate_a_real_decoders_next_word(capsys, models):
    model = models("glassllm-en")
    text = "The doctor said that"
    out = run_json(capsys, "ablate", "glassllm-en", text, "--target", " she", "--other", " he")
    target = NextToken(token_id(model, " she"), token_id(model, " he"))
    want = ablate_heads(model, make_prompt(model, text), target)
    assert np.allclose(out["delta"], want.delta, atol=1e-6) and out["target"]["other_text"] == " he"
    assert main(["ablate", "glassllm-en", text, "--target", " she", "--device", "cpu"]) == 0
    summary = capsys.readouterr().out.splitlines()
    assert "log p(“ she”)" in summary[0] and len(summary) == 6 and summary[1].startswith("  L")


def test_patch_is_the_librarys_patching(capsys, models):
    model = models("scratch-decoder")
    out = run_json(capsys, "patch", "scratch-decoder", TEXT, "hello wxrld", "--target", "a", "--other", "b")
    target = NextToken(token_id(model, "a"), token_id(model, "b"))
    want = patch_heads(model, make_prompt(model, TEXT), make_prompt(model, "hello wxrld"), target)
    assert out["value_a"] == pytest.approx(want.value_a) and out["value_b"] == pytest.approx(want.value_b)
    assert np.allclose(out["restored"], want.restored) and np.allclose(out["delta"], want.delta)
    assert out["ranked"][0][:2] == list(want.ranked()[0][:2]) and out["pairs"] == [list(p) for p in want.pairs]
    same = run_json(capsys, "patch", "scratch-decoder", TEXT, TEXT, "--target", "a")
    assert all(v is None for row in same["restored"] for v in row)  # nothing to restore: null, not NaN


def test_dla_is_the_librarys_attribution(capsys, models):
    model = models("scratch-decoder")
    out = run_json(capsys, "dla", "scratch-decoder", TEXT, "--target", "a")
    want = direct_logit_attribution(model, make_prompt(model, TEXT), NextToken(token_id(model, "a")))
    assert out["logit"] == pytest.approx(want.logit)
    assert np.allclose(out["heads"]["self"], want.heads["self"])
    assert np.allclose(out["per_source"]["self"], want.per_source["self"])
    total = out["embeddings"] + out["final_bias"] + np.sum(out["mlp"]) + np.sum(out["heads"]["self"]) \
        + np.sum(out["attention_bias"]["self"])
    assert total == pytest.approx(out["logit"], abs=1e-4) and out["key_tokens"]["self"] == want.tokens
    assert main(["dla", "scratch-decoder", TEXT, "--target", "a", "--device", "cpu"]) == 0
    assert "the sum of 14 parts" in capsys.readouterr().out


def test_export_draws_and_saves_the_measure(tmp_path, capsys, models):
    out = tmp_path / "views"
    assert main(["export", "scratch-decoder", TEXT, "--out", str(out), "--measure", "norm", "--views", "heatmap",
                 "model_view", "--formats", "csv", "html", "--layer", "1", "--head", "2", "--npz"]) == 0
    names = {p.split("/")[-1] for p in json.loads(capsys.readouterr().out)["written"]}
    assert {"scratch-decoder-norm-heatmap-L1-H2.csv", "scratch-decoder-norm-heatmap-L1-H2.html",
            "scratch-decoder-norm-model_view.html", "scratch-decoder-capture.npz"} <= names
    model = models("scratch-decoder")
    norm = measure(model, make_prompt(model, TEXT), "norm").values.numpy()
    rows = (out / "scratch-decoder-norm-heatmap-L1-H2.csv").read_text().splitlines()
    assert np.allclose([float(v) for v in rows[3].split(",")[1:]], norm[1, 2, 2], atol=1e-5)
    assert json.dumps("norm · self-attention · layer 1 · head 2")[1:-1] in (out / "scratch-decoder-norm-heatmap-L1-H2.html").read_text()
    data = np.load(out / "scratch-decoder-capture.npz")
    assert np.allclose(data["measure_norm"], norm) and data["attention_self"].shape == (2, 4, 11, 11)
    assert json.loads(str(data["metadata"]))["measures"]["norm"]["paper"] == "Kobayashi et al., EMNLP 2020"
    err = refused(capsys, "export", "scratch-decoder", TEXT, "--out", str(tmp_path / "x"), "--measure", "grad-input")
    assert "needs a target" in err
