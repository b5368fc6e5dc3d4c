"""What the explorer sends and how fast it answers, against a bertviz-style page that embeds the capture.

    python benchmarks/explorer_speed.py [--tokens 128 512] [--long 2048] [--app] [--skip-browser]

1. Server side, in process: the work of one rerun after a head change (capture fetched from the app's
   shared cache, one head sliced or computed from queries and keys, the figure of the default 128-token
   window built and serialised), for MiniLM in both modes, and a GPT-2-small-sized random model in
   q/k mode at `--long` lengths; with `--app`, the explorer page's whole rerun (AppTest).
2. In Chromium against `streamlit run app.py`: bytes received over the WebSocket and seconds until
   the heatmap shows the new head, for a head change, a layer change and each view at 512 tokens.
3. A bertviz-style page: every layer × head × query × key value as JSON in the page (what bertviz
   does), its size and the time Chromium takes to load it and draw one head.
Needs Debian's Chromium at /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from attnviz import capture, load_model
from attnviz.figures.plots import head_heatmap

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def text_of(n_tokens: int) -> str:
    return " ".join(["word"] * (n_tokens - 2))  # MiniLM: one token a word, plus [CLS] and [SEP]


def server_side(model, n: int, mode: str = "auto", repeats: int = 5, ids: list[int] | None = None) -> dict:
    """One head change's server work: the capture fetched from the app's shared cache (the same object, no
    copy), one head computed or sliced, the explorer's default 128-token window, the figure built and serialised."""
    from attnviz.analysis.reduce import restrict
    from attnviz.app.pipeline.cache import SharedCache

    cache = SharedCache(lambda: 2**40, lambda cap: cap.nbytes())
    cache.get("key", lambda: capture(model, None if ids else text_of(n), ids=ids, mode=mode))
    times = {"fetch cached capture": [], "one head": [], "build figure": [], "serialise figure": []}
    for head in range(repeats):
        t = time.perf_counter()
        c = cache.get("key", lambda: None)
        times["fetch cached capture"].append(time.perf_counter() - t)
        t = time.perf_counter()
        m = c.head("self", 3, head)
        window = list(range(min(n, 128)))
        m = restrict(m, window, window, renormalise=False)
        times["one head"].append(time.perf_counter() - t)
        t = time.perf_counter()
        fig = head_heatmap(m, c.tokens[:128], c.tokens[:128], "x")
        times["build figure"].append(time.perf_counter() - t)
        t = time.perf_counter()
        payload = fig.to_json()
        times["serialise figure"].append(time.perf_counter() - t)
    out = {k: statistics.median(v) * 1000 for k, v in times.items()}
    out["total"] = sum(out.values())
    out["figure bytes"] = len(payload)
    out["mode"] = c.mode
    out["capture MB"] = c.nbytes() / 2**20
    out["whole stack MB"] = sum(c.source(k).dense_nbytes() for k in c.kinds) / 2**20
    return out


def app_rerun(n: int, repeats: int = 7) -> tuple[float, float]:
    """The explorer page's rerun after a head change (AppTest, MiniLM), median ms: (the script's own run, as a
    server spends it; the whole AppTest round trip, which adds AppTest's polling)."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    script: list[float] = []
    original = script_runner.ScriptRunner._run_script

    def timed(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            script.append(time.perf_counter() - start)

    script_runner.ScriptRunner._run_script = timed
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.session_state["sb_text"] = text_of(n)
        at.run()
        at.switch_page("attnviz/app/pages/explorer.py").run()
        script.clear()
        times = []
        for head in range(1, repeats + 1):
            at.slider(key="ex_head").set_value(head % 12)
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
    finally:
        script_runner.ScriptRunner._run_script = original
    return statistics.median(script) * 1000, statistics.median(times) * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def long_model_folder() -> tuple[Path, str]:
    """A GPT-2-small-sized random model saved as a folder (8,192 positions), and a text of about 2,048 of its
    tokens' worth of words to cut from: the explorer opens it through the link like any model of your own."""
    import transformers as tf

    from tests.builders import _bpe_tokenizer

    folder = Path(tempfile.mkdtemp(prefix="attnviz-gpt2-random-"))
    tok = _bpe_tokenizer({"eos_token": "<|endoftext|>", "bos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"})
    tf.GPT2LMHeadModel(tf.GPT2Config(n_layer=12, n_head=12, n_embd=768, n_positions=8192, vocab_size=len(tok),
                                     bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder, "the cat sat on the mat and looked at the dog"


def words_for(folder: Path, sentence: str, n: int) -> str:
    """The sentence repeated and cut to exactly n tokens of the folder's tokenizer."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder)
    ids = tok(" ".join([sentence] * n))["input_ids"][:n]
    return tok.decode(ids)


def browser_side(n: int, link: dict | None = None) -> list[tuple[str, int, float]]:
    """Bytes over the WebSocket and seconds per interaction at n tokens: MiniLM, or the model the link names."""
    from playwright.sync_api import sync_playwright
    from urllib.parse import urlencode

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
                             "--server.address", "127.0.0.1"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = b.new_page(viewport={"width": 1400, "height": 1200})
            received = [0]

            def on_ws(ws):
                ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))

            warm = b.new_page()  # a fresh server's first deep link meets Streamlit's "Page not found" race
            warm.goto(url)
            warm.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=300000)
            warm.close()
            page.on("websocket", on_ws)
            query = {'text': text_of(n), **(link or {})}
            typed = query.pop("text") if len(query["text"]) > 30_000 else None  # past what a link holds: typed
            page.goto(f"{url}/explorer?{urlencode(query)}")
            try:
                if typed is not None:
                    box = page.locator('[data-testid="stSidebar"] textarea').first
                    box.wait_for(timeout=300000)
                    page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=600000)
                    box.fill(typed, timeout=120000)
                    box.press("Control+Enter")
                    # a long input's heatmap comes with its minimap ("where the region lies")
                    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .heatmaplayer').length >= 2",
                                           timeout=600000)
                page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=600000)
            except Exception:
                page.screenshot(path="/tmp/bench_fail.png")
                raise
            time.sleep(2)
            rows.append(("first load of the explorer (heatmap)" if typed is None else
                         "first load, the text typed in (heatmap)", received[0], float("nan")))

            def title():
                return page.evaluate("() => { const g = document.querySelector('.js-plotly-plot');"
                                     " return g && g.layout.title ? g.layout.title.text : ''; }")

            def measure(label, action, done):
                received[0] = 0
                t = time.perf_counter()
                action()
                deadline = t + 300
                while time.perf_counter() < deadline and not done():
                    time.sleep(0.01)
                took = time.perf_counter() - t
                if not done():
                    print(f"  ({label}: gave up after {took:.0f} s; the figure's title was {title()!r})", flush=True)
                time.sleep(1.0)  # let trailing messages arrive
                rows.append((label, received[0], took))

            thumb = page.locator('input[type="range"][aria-label="Head"]')
            for h in range(1, 4):
                measure(f"head change → head {h}", lambda: (thumb.focus(), thumb.press("ArrowRight")),
                        lambda h=h: re.search(rf"head {h}\b", title()) is not None)  # "… head 1 · max of …" too
            layer = page.locator('input[type="range"][aria-label="Layer"]')
            measure("layer change → layer 1", lambda: (layer.focus(), layer.press("ArrowRight")),
                    lambda: "layer 1" in title())
            for view, marker in (("Model view", "all heads"), ("Statistics", "per head"), ("Head view", "layer 1"),
                                 ("Aggregates", "over heads"), ("Heatmap", "head ")):
                measure(f"switch to {view}", lambda view=view: page.get_by_text(view, exact=True).first.click(),
                        lambda marker=marker: marker in title())
            b.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return rows


def bertviz_style(model, n: int) -> tuple[int, float]:
    """Bytes of a page embedding every attention value as JSON, and Chromium's time to load it and draw one head."""
    from playwright.sync_api import sync_playwright

    cap = capture(model, text_of(n))
    data = {"attention": [{"attn": cap.attention["self"].tolist(), "left_text": cap.tokens, "right_text": cap.tokens}]}
    html = ("<html><body><canvas id=c width=512 height=512></canvas><script>const PARAMS = " + json.dumps(data) +
            ";\nconst a = PARAMS.attention[0].attn[0][0]; const n = a.length; const ctx = "
            "document.getElementById('c').getContext('2d'); const s = 512 / n;"
            "for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { ctx.fillStyle = `rgba(0,0,255,${a[i][j]})`;"
            " ctx.fillRect(j * s, i * s, s, s); } window.done = true;</script></body></html>")
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
        f.write(html)
        path = f.name
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = b.new_page()
        t = time.perf_counter()
        page.goto("file://" + path, timeout=600000)
        page.wait_for_function("() => window.done === true", timeout=600000)
        took = time.perf_counter() - t
        b.close()
    Path(path).unlink()
    return len(html), took


def server_tables(args, model) -> None:
    """The server-side tables: one head change's work in process, and (--app) the page's rerun."""
    print("\n### Server work for one head change (ms, median of 5)\n")
    print("| model | tokens | mode | fetch cached capture | one head | build figure | serialise figure | total | "
          "figure KB | capture MB | whole stack MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    runs = [("MiniLM", model, n, mode, None) for n in args.tokens for mode in ("eager", "qk")]
    if args.long:
        import torch
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from qk_capture import _model

        gpt = _model("cpu")
        runs += [("GPT-2-small size, random", gpt, n, "qk", torch.randint(5, 250, (n,)).tolist()) for n in args.long]
    for name, m, n, mode, ids in runs:
        s = server_side(m, n, mode, ids=ids)
        print(f"| {name} | {n} | {s['mode']} | {s['fetch cached capture']:.3f} | {s['one head']:.1f} | "
              f"{s['build figure']:.1f} | {s['serialise figure']:.1f} | {s['total']:.1f} | "
              f"{s['figure bytes'] / 1e3:.0f} | {s['capture MB']:.1f} | {s['whole stack MB']:.1f} |", flush=True)
    if args.app:
        print("\n### The explorer page's rerun for a head change (AppTest, MiniLM, mode auto; median of 7)\n")
        print("| tokens | script run ms (server time) | AppTest round trip ms |")
        print("|---|---|---|")
        for n in args.tokens:
            script_ms, whole_ms = app_rerun(n)
            print(f"| {n} | {script_ms:.0f} | {whole_ms:.0f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", nargs="*", type=int, default=[128, 512])
    ap.add_argument("--skip-browser", action="store_true")
    ap.add_argument("--long", nargs="*", type=int, default=[2048],
                    help="lengths for a GPT-2-small-sized random model in q/k mode (MiniLM stops at 512)")
    ap.add_argument("--app", action="store_true", help="also time the explorer page's whole rerun (AppTest)")
    ap.add_argument("--browser-long", nargs="*", type=int, default=[],
                    help="also measure the browser side at these lengths with a GPT-2-small-sized random model folder")
    ap.add_argument("--browser-only", action="store_true", help="skip the server-side and bertviz-style parts")
    args = ap.parse_args()
    model = load_model("minilm", device="cpu")
    print(f"machine: {platform.machine()}, MiniLM on cpu, float32, load average {os.getloadavg()[0]:.1f}")
    if not args.browser_only:
        server_tables(args, model)
    if args.skip_browser:
        return
    sessions = [] if args.browser_only and args.browser_long else [(f"MiniLM, {max(args.tokens)} tokens", None)]
    if args.browser_long:
        folder, sentence = long_model_folder()
        sessions += [(f"GPT-2-small size, random, {n} tokens",
                      {"model": "custom", "path": str(folder), "text": words_for(folder, sentence, n), "_n": n})
                     for n in args.browser_long]
    for title, link in sessions:
        print(f"\n### In Chromium, {title}: bytes received and time until the new figure shows\n")
        print("| interaction | bytes received | seconds |")
        print("|---|---|---|")
        n = link.pop("_n") if link else max(args.tokens)
        for label, nbytes, took in browser_side(n, link):
            print(f"| {label} | {nbytes / 1e6:.2f} MB | {'—' if took != took else f'{took:.2f}'} |", flush=True)
    if args.browser_only:
        return
    print("\n### A bertviz-style page (every value as JSON in the page)\n")
    print("| tokens | page size | Chromium load + draw one head (s) |")
    print("|---|---|---|")
    for n in args.tokens:
        size, took = bertviz_style(model, n)
        print(f"| {n} | {size / 1e6:.1f} MB | {took:.2f} |")


if __name__ == "__main__":
    main()
