"""Head types: what a census costs beside the capture it reads, what the type scores and probes add to a survey
batch, a survey census over a folder, and ranking changed heads (CPU, one torch thread).

python benchmarks/headtypes_speed.py [--repeats 3] [--survey-texts 100]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch

from attnviz.analysis.compare import compare
from attnviz.analysis.head_changes import head_changes
from attnviz.analysis.headtypes.measure import text_scores
from attnviz.analysis.headtypes.probe import induction_scores
from attnviz.capture.api import capture
from attnviz.models.loading import load_model
from attnviz.survey.builtin import builtin_corpus
from attnviz.survey.census import survey_census
from attnviz.survey.corpus import open_corpus
from attnviz.survey.rows import probes_table, survey_batch
from attnviz.survey.run import run_survey

SENTENCE = "the cat sat on the mat because it was warm and the dog slept by the door"


def timed(fn, repeats: int) -> float:
    """Median seconds of `repeats` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def text_of(model, tokens: int) -> str:
    vocabulary, words, text = SENTENCE.split(), [], ""
    while len(model.codec.encode(text)) < tokens:
        words.append(vocabulary[len(words) % len(vocabulary)])
        text = " ".join(words)
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--survey-texts", type=int, default=100)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = []
    for spec, lengths in (("minilm", (32, 128, 512)), ("glassllm-en", (32, 128))):
        model = load_model(spec, device="cpu")
        for n in lengths:
            text = text_of(model, n)
            cap = capture(model, text, mode="eager")
            tokens = len(cap.tokens)
            t_cap = timed(lambda m=model, t=text: capture(m, t, mode="eager"), args.repeats)
            t_types = timed(lambda c=cap: text_scores(c), args.repeats)
            beside = f"the eager capture it reads: {t_cap * 1e3:.0f} ms"
            rows.append((spec, f"text scores, {tokens} tokens", t_types, beside))
        t_probe = timed(lambda m=model: induction_scores(m), args.repeats)
        rows.append((spec, "induction, 4 probes of 2 × 32 tokens", t_probe, ""))
        items = list(builtin_corpus(16))
        t_batch = timed(lambda m=model, i=items: survey_batch(m, i, 0, None), args.repeats)
        t_probes = timed(lambda m=model: probes_table(m, list(range(8))), args.repeats)
        caps = [capture(model, item["text"], mode="eager") for item in items]
        t_scores = timed(lambda m=model, cs=caps: [text_scores(c, causal=m.info.causal) for c in cs], args.repeats)
        beside = (f"of which type scores about {t_scores * 1e3:.0f} ms; the survey's 8 probes "
                  f"{t_probes * 1e3:.0f} ms (with the first batch only)")
        rows.append((spec, "survey batch of 16 builtin texts (all tables)", t_batch, beside))
        if spec == "minilm":
            with tempfile.TemporaryDirectory() as tmp:
                run_survey(model, open_corpus(f"builtin:{args.survey_texts}"), Path(tmp) / "s", progress=False)
                t_census = timed(lambda folder=Path(tmp) / "s": survey_census(folder), args.repeats)
            rows.append((spec, f"survey census over builtin:{args.survey_texts}", t_census, "DuckDB medians, IQR"))
            a = capture(model, "The doctor said he would be late.")
            b = capture(model, "The doctor said she would be late.")
            result = compare(a, b)
            t_changes = timed(lambda r=result, a=a, b=b: head_changes(r, a, b), args.repeats)
            rows.append((spec, "rank changed heads (he/she, after compare)", t_changes, "72 heads"))
    print("| model | what | median ms | beside it |")
    print("|---|---|---:|---|")
    for spec, what, seconds, note in rows:
        print(f"| {spec} | {what} | {seconds * 1e3:.1f} | {note} |")


if __name__ == "__main__":
    main()
