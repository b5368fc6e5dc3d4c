"""The notebook widget's cost: bytes sent to the browser per interaction and time to first draw, beside bertviz.

    python benchmarks/notebook_payload.py [--tokens 128 512 2048] [--browser] [--bertviz 128]

A BERT-base-sized encoder with random weights (12 layers × 12 heads, d_model 768, 2,048 positions) is captured
on the CPU (q/k mode where the whole stack would pass the eager budget), then shown with attnviz.notebook.show.
Each interaction is what the front end asks for (payload.answer): its bytes are the message's JSON plus its
binary buffers, as the kernel's comm sends them; "kernel ms" is the time to compute the answer.
"first display" adds the widget's synced state (tokens, shapes, the ES module and CSS) sent once per widget.
--browser opens each size's standalone page (the same drawing code, the same first answer) in Debian's
Chromium and reads when its first draw finished, counted from the start of navigation.
bertviz's page embeds every weight as JSON: its size is 12 × 12 × n² values × the bytes per value measured
with --bertviz N (bertviz's own head_view(html_action="return") on the same capture, bertviz importable),
else the 43.9 bytes per value measured so with bertviz 1.4.1 at 128 tokens: about 22 bytes of JSON per value, and
the JSON written twice (its head_view.js names the template marker PYTHON_PARAMS in a comment too, and both are
replaced).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

BERTVIZ_BYTES_PER_VALUE = 43.9  # bertviz 1.4.1, head_view(html_action="return"), BERT-base-sized random stack, 128 tokens


def _model():
    import torch
    import transformers as tf

    from attnviz.models.huggingface import hf_info
    from attnviz.models.loading import LoadedModel
    from attnviz.models.recording import install
    from attnviz.models.tokens import HFCodec
    from builders import _wordpiece_tokenizer

    torch.manual_seed(0)
    tok = _wordpiece_tokenizer()
    net = tf.BertModel(tf.BertConfig(vocab_size=len(tok), num_hidden_layers=12, num_attention_heads=12,
                                     hidden_size=768, intermediate_size=3072, max_position_embeddings=2048)).eval()
    install(net)
    return LoadedModel("bert-base-random", net, HFCodec(tok), hf_info(net, "bert-base-random"), torch.device("cpu"),
                       torch.float32, "hf")


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - t) * 1000


def _state_bytes(w) -> int:
    """The widget's synced state as the comm opens it: every synced trait as JSON (the ES module and CSS too)."""
    state = w.get_state()
    return len(json.dumps(state, separators=(",", ":"), default=str).encode())


def measure(cap, n: int) -> dict:
    from attnviz.notebook import payload, show

    w, init_ms = _timed(lambda: show(cap))
    steps = {
        "first draw: heatmap, layer 0 head 0": dict(view="heatmap", layer=0, head=0),
        "another head (layer 5, head 7)": dict(view="heatmap", layer=5, head=7),
        "another layer (layer 11, head 7)": dict(view="heatmap", layer=11, head=7),
        "focus on a token": dict(view="heatmap", layer=11, head=7, token=n // 2),
        "zoom into 128 × 128 positions": dict(view="heatmap", layer=11, head=7, window=[0, 128, 0, 128]),
        "head view (layer 5, every head)": dict(view="head_view", layer=5, head=0),
        "model view, first time": dict(view="model_view"),
        "model view, again": dict(view="model_view"),
    }
    rows = {}
    first = None
    for name, req in steps.items():
        r = w.request(**req)
        (content, buffers), ms = _timed(lambda r=r: w.answer(r))
        rows[name] = (payload.size(content, buffers), ms)
        first = first or (content, buffers)
    return {"widget": w, "state": _state_bytes(w), "init_ms": init_ms, "rows": rows}


def browser_first_draw(w, n: int) -> float | None:
    """ms from navigation start to the first draw of the standalone page (the same answer, the same script)."""
    chromium = os.environ.get("ATTNVIZ_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return None
    from playwright.sync_api import sync_playwright

    from tests.notebook.nbhelpers import CHROMIUM_ARGS

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        path = w.save_html(Path(tmp) / f"first-{n}.html")
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        times = []
        for _ in range(3):
            page.goto(path.resolve().as_uri())
            page.wait_for_selector(".attnviz:not([data-drawn='0'])", timeout=60000)
            times.append(float(page.get_attribute(".attnviz", "data-first-draw-ms")))
        browser.close()
    return sorted(times)[1]


def bertviz_bytes_per_value(cap) -> float:
    """bertviz's own head view page for this capture, divided by the weights it embeds."""
    import torch
    from bertviz import head_view

    stack = cap.source("self").dense()  # [layer, head, query_pos, key_pos]
    attention = tuple(stack[i][None] for i in range(stack.shape[0]))
    page = head_view(attention, list(cap.tokens), html_action="return")
    return len(page.data.encode()) / torch.numel(stack)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, nargs="+", default=[128, 512, 2048])
    ap.add_argument("--browser", action="store_true", help="time the first draw in Chromium")
    ap.add_argument("--bertviz", type=int, default=0, metavar="N", help="measure bertviz's bytes per value at N tokens")
    args = ap.parse_args()
    import torch

    from attnviz import capture

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, CPU, "
          f"load average {os.getloadavg()[0]:.1f} at start (a shared machine: timings are indicative)")
    model = _model()
    results, per_value = {}, BERTVIZ_BYTES_PER_VALUE
    for n in sorted(set(args.tokens + ([args.bertviz] if args.bertviz else []))):
        ids = torch.randint(5, model.module.config.vocab_size, (n,), generator=torch.Generator().manual_seed(n)).tolist()
        cap, cap_ms = _timed(lambda ids=ids: capture(model, None, ids=ids, max_tokens=0))
        if n == args.bertviz:
            per_value = bertviz_bytes_per_value(cap)
            print(f"bertviz 1.4 head_view at {n} tokens: {per_value:.1f} bytes per attention value (measured)")
        if n not in args.tokens:
            continue
        out = measure(cap, n)
        out["capture_ms"], out["mode"] = cap_ms, cap.mode
        out["browser_ms"] = browser_first_draw(out["widget"], n) if args.browser else None
        results[n] = out
    sizes = list(results)
    print()
    print("Bytes sent to the browser per interaction (KB) and the kernel's time to answer (ms):")
    print()
    print("| interaction | " + " | ".join(f"{n} tokens" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    print("| widget state, once (tokens, shapes, ES module, CSS) | "
          + " | ".join(f"{results[n]['state'] / 1e3:.1f} KB" for n in sizes) + " |")
    for name in results[sizes[0]]["rows"]:
        print(f"| {name} | " + " | ".join(f"{results[n]['rows'][name][0] / 1e3:.1f} KB, {results[n]['rows'][name][1]:.0f} ms"
                                         for n in sizes) + " |")
    print()
    print("Time to first draw, and bertviz's page at the same length:")
    print()
    print("| tokens | capture (mode) | kernel: show() + first answer | browser: first draw | first display, total bytes "
          f"| bertviz page (12 × 12 × n² × {per_value:.1f} B) | ratio |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        r = results[n]
        first_bytes, first_ms = r["rows"]["first draw: heatmap, layer 0 head 0"]
        total = r["state"] + first_bytes
        bertviz = 12 * 12 * n * n * per_value
        browser = f"{r['browser_ms']:.0f} ms" if r["browser_ms"] is not None else "—"
        print(f"| {n} | {r['capture_ms'] / 1000:.2f} s ({r['mode']}) | {r['init_ms'] + first_ms:.0f} ms | {browser} "
              f"| {total / 1e3:.0f} KB | {bertviz / 1e6:,.0f} MB | {bertviz / total:,.0f}× |")


if __name__ == "__main__":
    main()
