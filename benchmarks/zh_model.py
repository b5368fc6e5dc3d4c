"""zh-char's figures: held-out loss and bits per character against the unigram baseline, size, training
time (from the metrics its build wrote), and the survey's best head of each kind on builtin-zh.

    python benchmarks/zh_model.py [--texts 200]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from attnviz.models.loading import PACKAGED, load_model
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.run import run_survey
from attnviz.training.zh.build import METRICS_FILE

BEHAVIOURS = ("previous token", "induction", "punctuation", "word", "first token")


def best_heads(texts: int) -> dict[str, tuple[int, int, float, float]]:
    """behaviour -> (layer, head, score, the median head's score) over builtin-zh:texts."""
    model = load_model("zh-char", device="cpu")
    with tempfile.TemporaryDirectory() as tmp:
        run_survey(model, open_corpus(f"builtin-zh:{texts}"), Path(tmp) / "s", batch_size=32, dims=2, progress=False)
        survey = Survey(Path(tmp) / "s")
        out = {}
        for name in BEHAVIOURS:
            table = survey.find_heads(name)
            top = table.iloc[0]
            out[name] = (int(top["layer"]), int(top["head"]), float(top["score"]), float(table["score"].median()))
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=200)
    args = parser.parse_args()
    m = json.loads((PACKAGED["zh-char"] / METRICS_FILE).read_text(encoding="utf-8"))
    print("| held-out text | model bits/char | unigram bits/char | margin |")
    print("|---|---:|---:|---:|")
    print(f"| all held-out ({m['heldout_chars']:,} chars) | {m['heldout_bits_per_char']:.3f} | "
          f"{m['unigram_bits_per_char']:.3f} | {m['unigram_bits_per_char'] - m['heldout_bits_per_char']:.3f} |")
    ship = m["shipped_heldout_nats_per_char"] / 0.6931471805599453
    uni = m["shipped_heldout_unigram_nats_per_char"] / 0.6931471805599453
    print(f"| shipped sample (heldout.txt) | {ship:.3f} | {uni:.3f} | {uni - ship:.3f} |")
    print(f"\nparameters {m['n_params']:,}; weights {m['weights_bytes'] / 2**20:.2f} MiB (float16); "
          f"{m['steps_trained']} steps in {m['seconds'] / 60:.1f} min training, {m['build_seconds'] / 60:.1f} min "
          f"build, {m['threads']} thread(s)")
    start = time.perf_counter()
    heads = best_heads(args.texts)
    print(f"\nsurvey of builtin-zh:{args.texts} ({time.perf_counter() - start:.1f} s)\n")
    print("| behaviour | layer | head | score | median head |")
    print("|---|---:|---:|---:|---:|")
    for name, (layer, head, score, median) in heads.items():
        print(f"| {name} | {layer} | {head} | {score:.3f} | {median:.3f} |")


if __name__ == "__main__":
    main()
