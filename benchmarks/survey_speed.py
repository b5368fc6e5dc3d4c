"""Survey speed: texts/s and peak memory per model on the built-in corpus (CPU), then the page's queries
(a head ranking, the joint view at 10,000 tokens) over the MiniLM survey.

python benchmarks/survey_speed.py [N_TEXTS]   (each model runs in its own process, so peaks are its own)
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def one_model(spec: str, n: int, out: str) -> dict:
    import torch

    from attnviz.models.loading import load_model
    from attnviz.survey.corpus import open_corpus
    from attnviz.survey.run import run_survey

    torch.set_num_threads(2)
    model = load_model(spec, device="cpu")
    start = time.perf_counter()
    summary = run_survey(model, open_corpus(f"builtin:{n}"), out, batch_size=16, progress=False)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in Path(out).rglob("*.parquet"))
    return {"model": spec, "texts": summary.texts, "tokens": summary.tokens, "seconds": round(seconds, 1),
            "texts_per_s": round(summary.texts / seconds, 1), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "parquet_mb": round(size / 2**20, 1)}


def page_queries(folder: str) -> dict:
    from attnviz.figures.survey import joint_figure, ranking_figure
    from attnviz.survey.joint import joint_points
    from attnviz.survey.query import Survey

    def timed(fn, repeat=3):
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            value = fn()
            best = min(best, time.perf_counter() - t)
        return value, round(best * 1000)

    survey, open_ms = timed(lambda: Survey(folder))
    _, rank_ms = timed(lambda: ranking_figure(survey.ranking("previous_token"), "previous token"))
    _, find_ms = timed(lambda: survey.find_heads("antecedent"))
    points, joint_ms = timed(lambda: joint_points(survey, 3, 5, 10_000))
    _, fig_ms = timed(lambda: joint_figure(points, "role").to_json())
    return {"open_ms": open_ms, "ranking_ms": rank_ms, "find_heads_ms": find_ms, "joint_tokens": len(points) // 2,
            "joint_query_and_pca_ms": joint_ms, "joint_figure_json_ms": fig_ms,
            "joint_figure_kb": len(joint_figure(points, "role").to_json()) // 1024}


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(one_model(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
        sys.exit(0)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        for spec in ("minilm", "glassllm-en"):
            out = subprocess.run([sys.executable, __file__, "--one", spec, str(n), f"{tmp}/{spec}"],
                                 capture_output=True, text=True, check=True).stdout
            print(out.strip(), flush=True)
        print(json.dumps(page_queries(f"{tmp}/minilm")), flush=True)
