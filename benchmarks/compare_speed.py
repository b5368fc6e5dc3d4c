"""attnviz.compare: time to align, project and measure every pair of heads, and the distance matrix's payload.

    python benchmarks/compare_speed.py
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import attnviz
from attnviz.figures.compare_plots import distance_matrix

WORDS = "the doctor said that she would be late because the train was slow and the rain kept falling".split()


def text(n_words: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] for i in range(n_words))


def main() -> None:
    a = attnviz.load_model("minilm", device="cpu")
    b = attnviz.load_model("glassllm-en", device="cpu")
    print("| pair | tokens A / B | aligned units | compare() s | distance figure JSON |")
    print("|---|---|---|---|---|")
    for n_words in (10, 100, 120):
        t = text(n_words)
        for name, model_b in (("MiniLM vs MiniLM", a), ("MiniLM vs glassllm", b)):
            ca, cb = attnviz.capture(a, t), attnviz.capture(model_b, t)
            start = time.perf_counter()
            result = attnviz.compare(ca, cb)
            seconds = time.perf_counter() - start
            fig = distance_matrix(result.distances, result.shape_a, result.shape_b, result.best_a)
            size = len(fig.to_json()) / 1e6
            print(f"| {name} | {len(ca.tokens)} / {len(cb.tokens)} | {len(result.alignment.units)} | "
                  f"{seconds:.2f} | {size:.2f} MB |")


if __name__ == "__main__":
    main()
