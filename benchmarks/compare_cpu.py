"""Server CPU of one compare (two captures and attnviz.compare) against the length of the pasted texts.

MiniLM reads 512 tokens of each text; what was pasted beyond them must cost nothing. Process CPU time
(every thread of this process) is what a class server's core spends on one visit to the compare page.

    python benchmarks/compare_cpu.py                       # 2,000 → 130,000 characters
    python benchmarks/compare_cpu.py --lengths 2000 65000  # some lengths only
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

import attnviz
import attnviz.analysis.align as align_module

WORDS = ("the doctor said that she would be late because the train was slow and the rain kept falling on "
         "the old station where nobody waited").split()
LENGTHS = (2_000, 8_000, 16_000, 32_000, 65_000, 130_000)


def text(n_chars: int, changed: str) -> str:
    """Words up to n_chars characters; every 7th word is `changed` (A and B differ there, as two drafts do)."""
    words, size, i = [], 0, 0
    while size < n_chars:
        word = changed if i % 7 == 3 else WORDS[i % len(WORDS)]
        words.append(word)
        size += len(word) + 1
        i += 1
    return " ".join(words)[:n_chars]


def walked_lengths() -> list:
    """Record the lengths of the sequences every character diff of the alignment walks."""
    seen: list = []
    base = align_module.SequenceMatcher

    class Counting(base):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            seen.append((len(a), len(b)))
            super().__init__(isjunk, a, b, autojunk)

    align_module.SequenceMatcher = Counting
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=list(LENGTHS))
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = attnviz.load_model("minilm", device="cpu")
    attnviz.compare(attnviz.capture(model, "warm up"), attnviz.capture(model, "warm it up"))
    seen = walked_lengths()
    print("| characters pasted (each text) | tokens A / B | characters the alignment walks (A / B) | "
          "capture CPU s (both) | alignment CPU s | compare CPU s (with the alignment) | total CPU s | wall s |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.lengths:
        a, b = text(n, "sick"), text(n, "ill")
        seen.clear()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        ca, cb = attnviz.capture(model, a), attnviz.capture(model, b)
        cpu1 = time.process_time()
        attnviz.compare(ca, cb)
        cpu2, wall2 = time.process_time(), time.perf_counter()
        align_module.align(ca.text, ca.spans, cb.text, cb.spans, ca.tokens, cb.tokens)  # compare's alignment alone
        cpu3 = time.process_time()
        walked = " / ".join(f"{x:,}" for x in seen[0]) if seen else "–"
        print(f"| {n:,} | {len(ca.tokens)} / {len(cb.tokens)} | {walked} | {cpu1 - cpu0:.2f} | {cpu3 - cpu2:.2f} | "
              f"{cpu2 - cpu1:.2f} | {cpu2 - cpu0:.2f} | {wall2 - wall0:.2f} |", flush=True)


if __name__ == "__main__":
    main()
