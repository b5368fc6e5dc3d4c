"""What the explorer sends and how fast it answers, against a bertviz-style page that embeds the capture.

    python benchmarks/explorer_speed.py [--tokens 64 128 512]

1. Server side, in process: the work of one rerun after a head change (cached capture fetched,
   one head sliced, figure built and serialised), for MiniLM on this machine's device.
2. In Chromium against `streamlit run app.py`: bytes received over the WebSocket and seconds until
   the heatmap shows the new head, for a head change, a layer change and each view at 512 tokens.
3. A bertviz-style page: every layer × head × query × key value as JSON in the page (what bertviz
   does), its size and the time Chromium takes to load it and draw one head.
Needs Debian's Chromium at /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import json
import pickle
import platform
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

from attnviz import capture, load_model  # noqa: E402
from attnviz.figures.plots import head_heatmap  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def text_of(n_tokens: int) -> str:
    return " ".join(["word"] * (n_tokens - 2))  # MiniLM: one token a word, plus [CLS] and [SEP]


def server_side(model, n: int, repeats: int = 5) -> dict:
    cap = capture(model, text_of(n))
    blob = pickle.dumps(cap)
    times = {"unpickle cached capture": [], "slice one head": [], "build figure": [], "serialise figure": []}
    for head in range(repeats):
        t = time.perf_counter()
        c = pickle.loads(blob)  # st.cache_data hands each run its own copy
        times["unpickle cached capture"].append(time.perf_counter() - t)
        t = time.perf_counter()
        m = c.head("self", 3, head)
        times["slice one head"].append(time.perf_counter() - t)
        t = time.perf_counter()
        fig = head_heatmap(m, c.tokens, c.tokens, "x")
        times["build figure"].append(time.perf_counter() - t)
        t = time.perf_counter()
        payload = fig.to_json()
        times["serialise figure"].append(time.perf_counter() - t)
    out = {k: statistics.median(v) * 1000 for k, v in times.items()}
    out["total"] = sum(out.values())
    out["figure bytes"] = len(payload)
    out["stack MB"] = cap.attention["self"].numel() * 4 / 1e6
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_side(n: int) -> list[tuple[str, int, float]]:
    from playwright.sync_api import sync_playwright

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
            from urllib.parse import quote
            page.goto(f"{url}/explorer?text={quote(text_of(n))}")
            try:
                page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=120000)
            except Exception:
                page.screenshot(path="/tmp/bench_fail.png")
                raise
            time.sleep(2)
            rows.append(("first load of the explorer (heatmap)", received[0], float("nan")))

            def title():
                return page.evaluate("() => { const g = document.querySelector('.js-plotly-plot');"
                                     " return g && g.layout.title ? g.layout.title.text : ''; }")

            def measure(label, action, done):
                received[0] = 0
                t = time.perf_counter()
                action()
                deadline = t + 120
                while time.perf_counter() < deadline and not done():
                    time.sleep(0.01)
                took = time.perf_counter() - t
                time.sleep(1.0)  # let trailing messages arrive
                rows.append((label, received[0], took))

            thumb = page.locator('input[type="range"][aria-label="Head"]')
            for h in range(1, 4):
                measure(f"head change → head {h}", lambda: (thumb.focus(), thumb.press("ArrowRight")),
                        lambda h=h: title().endswith(f"head {h}</b></b>") or title().endswith(f"head {h}"))
            layer = page.locator('input[type="range"][aria-label="Layer"]')
            measure("layer change → layer 1", lambda: (layer.focus(), layer.press("ArrowRight")),
                    lambda: "layer 1" in title())
            for view, marker in (("Model view", "all heads"), ("Statistics", "per head"), ("Head view", "layer 1"),
                                 ("Aggregates", "over heads"), ("Heatmap", "head 3")):
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", nargs="*", type=int, default=[64, 128, 512])
    ap.add_argument("--skip-browser", action="store_true")
    args = ap.parse_args()
    model = load_model("minilm", device="cpu")
    print(f"machine: {platform.machine()}, MiniLM on cpu, float32")
    print("\n### Server work for one head change (ms, median of 5)\n")
    print("| tokens | unpickle cached capture | slice one head | build figure | serialise figure | total | figure KB | stack MB |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.tokens:
        s = server_side(model, n)
        print(f"| {n} | {s['unpickle cached capture']:.1f} | {s['slice one head']:.2f} | {s['build figure']:.1f} | "
              f"{s['serialise figure']:.1f} | {s['total']:.1f} | {s['figure bytes'] / 1e3:.0f} | {s['stack MB']:.1f} |")
    if args.skip_browser:
        return
    print("\n### In Chromium, 512 tokens: bytes received and time until the new figure shows\n")
    print("| interaction | bytes received | seconds |")
    print("|---|---|---|")
    for label, nbytes, took in browser_side(max(args.tokens)):
        print(f"| {label} | {nbytes / 1e6:.2f} MB | {'—' if took != took else f'{took:.2f}'} |")
    print("\n### A bertviz-style page (every value as JSON in the page)\n")
    print("| tokens | page size | Chromium load + draw one head (s) |")
    print("|---|---|---|")
    for n in args.tokens:
        size, took = bertviz_style(model, n)
        print(f"| {n} | {size / 1e6:.1f} MB | {took:.2f} |")


if __name__ == "__main__":
    main()
