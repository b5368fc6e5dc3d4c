"""Survey speed: texts/s and peak memory per model on the built-in corpus (CPU), single process and under
a local Ray (--engine ray: 2 workers of 1 CPU each, the same 2 threads in all), then the page's queries
(a head ranking, the joint view at 10,000 tokens) over the MiniLM survey.

python benchmarks/survey_speed.py [N_TEXTS] [--engines=local,ray]   (each run in its own process;
SURVEY_THREADS=1 gives the single process 1 torch thread instead of 2)

Peak memory: the process's own peak RSS, and the peak of the summed PSS of it and every process it
started (Ray's GCS, raylet and workers), sampled every 0.2 s; PSS counts shared pages once.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _tree_pss_mb(root: int) -> float:
    """Summed PSS (MB) of root and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


class PeakSampler:
    """The largest _tree_pss_mb of this process seen while it runs."""

    def __init__(self) -> None:
        self.peak, self._stop = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _tree_pss_mb(os.getpid()))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(self.peak)


def one_model(spec: str, n: int, out: str, engine: str = "local") -> dict:
    import torch

    from attnviz.models.loading import load_model
    from attnviz.survey.corpus import open_corpus
    from attnviz.survey.run import run_survey

    torch.set_num_threads(int(os.environ.get("SURVEY_THREADS", "2")))  # the single process's torch threads
    sampler = PeakSampler()
    start = time.perf_counter()  # the model load counts: the Ray workers load theirs inside the run
    model = load_model(spec, device="cpu")
    if engine == "ray":
        from attnviz.survey.ray_engine import run_survey_ray

        summary = run_survey_ray(model, open_corpus(f"builtin:{n}"), out, batch_size=16, progress=False,
                                 workers=2, cpus_per_worker=1)
    else:
        summary = run_survey(model, open_corpus(f"builtin:{n}"), out, batch_size=16, progress=False)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in Path(out).rglob("*.parquet"))
    return {"model": spec, "engine": engine, "texts": summary.texts, "tokens": summary.tokens,
            "seconds": round(seconds, 1), "texts_per_s": round(summary.texts / seconds, 2),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "peak_tree_pss_mb": sampler.stop(), "parquet_mb": round(size / 2**20, 1)}


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
        print(json.dumps(one_model(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])))
        sys.exit(0)
    args = [a for a in sys.argv[1:] if not a.startswith("--engines")]
    engines = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--engines=")), "local,ray").split(",")
    n = int(args[0]) if args else 1000
    with tempfile.TemporaryDirectory() as tmp:
        for spec in ("minilm", "glassllm-en"):
            for engine in engines:
                out = subprocess.run([sys.executable, __file__, "--one", spec, str(n), f"{tmp}/{spec}-{engine}", engine],
                                     capture_output=True, text=True, check=True).stdout
                print(out.strip().splitlines()[-1], flush=True)
        print(json.dumps(page_queries(f"{tmp}/minilm-{engines[0]}")), flush=True)
