"""Peak memory of refusing a folder whose config names a 0.67B-parameter BERT beside a small model's weights.

Each try runs in a fresh process; the figure is its peak resident memory (ru_maxrss) after importing attnviz
and transformers, and after the refusal.

    python benchmarks/refuse_memory.py [ROOT]   # ROOT: the checkout whose attnviz is measured (default: this one)
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
BIG = dict(hidden_size=2048, num_hidden_layers=12, num_attention_heads=16, intermediate_size=8192, vocab_size=30522,
           max_position_embeddings=512)
PROBE = """
import resource, sys, time
sys.path.insert(0, {root!r})
from attnviz import load_model
import transformers, torch
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
try:
    load_model({folder!r}, device="cpu")
    said = "loaded"
except Exception as exc:
    said = type(exc).__name__
print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.perf_counter() - t, said)
"""


def main() -> None:
    root = sys.argv[1] if len(sys.argv) > 1 else str(HERE)
    sys.path.insert(0, str(HERE / "tests"))
    from builders import build

    folder = build("bert", Path(tempfile.mkdtemp()) / "big")
    config = json.loads((folder / "config.json").read_text())
    config.update(BIG)
    (folder / "config.json").write_text(json.dumps(config))
    out = subprocess.run([sys.executable, "-c", PROBE.format(root=root, folder=str(folder))], capture_output=True,
                         text=True, check=True).stdout.split()
    before, after, seconds, said = float(out[0]), float(out[1]), float(out[2]), out[3]
    print("| attnviz from | peak MB after imports | peak MB after the refusal | s | outcome |")
    print("|---|---|---|---|---|")
    print(f"| {root} | {before:.0f} | {after:.0f} | {seconds:.2f} | {said} |")


if __name__ == "__main__":
    main()
