"""Concurrent visitors on one server: N browser sessions, each with its own text and model, switching
heads and pages at once. Each must see only its own tokens and no error; the server's memory is
sampled throughout. Prints a markdown table for benchmarks/RESULTS.md.

    python benchmarks/load_sessions.py --sessions 20          # starts its own server (ATTNVIZ_SHARED=1)
    python benchmarks/load_sessions.py --sessions 3 --url http://127.0.0.1:8501
    python benchmarks/load_sessions.py --sessions 1 --train 3    # head changes while training fills the limit

With --train N, N more browser sessions first start a long training job each on the training lab (the
shared preset runs 2 at once, so a third waits in the queue) and stay open, training, while the visitors
run; the server then allows long jobs (ATTNVIZ_MAX_TRAIN_STEPS) so that they outlast the measurement.

The suite runs a small version (tests/browser/test_shared_server_browser.py).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ATTNVIZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MODELS = ["minilm", "scratch-decoder", "glassllm-en", "scratch-encoder", "scratch-seq2seq"]
WORDS = ["apple", "bridge", "candle", "dolphin", "engine", "forest", "guitar", "hammer", "island", "jacket",
         "kettle", "lemon", "marble", "needle", "orange", "pepper", "quartz", "rabbit", "saddle", "tiger"]
STAGGER_S = 0.5  # between one session's first request and the next's
MARKS = ("[CLS]", "[SEP]", "␣", "##", "Ġ", "▁", "…", " ")  # "…": glassllm's word-continuation mark


def session_text(i: int) -> str:
    return f"my word is {WORDS[i % len(WORDS)]} today"


def joined(tokens: list[str]) -> str:
    """The tokens as one lower-case string without markers, to find a session's own word in."""
    text = "".join(tokens or [])
    for mark in MARKS:
        text = text.replace(mark, "")
    return text.lower()


@dataclass
class SessionResult:
    index: int
    model: str
    times: dict[str, float] = field(default_factory=dict)  # action -> seconds
    foreign: list[str] = field(default_factory=list)  # other sessions' words seen in this session's page
    errors: list[str] = field(default_factory=list)


FIGURE_JS = """() => {
    const gd = document.querySelector('.js-plotly-plot');
    if (!gd || !gd.layout || !gd.layout.xaxis) return null;
    const title = (gd.layout.title && gd.layout.title.text || '').replace(/<[^>]*>/g, '');
    return {title: title, x: gd.layout.xaxis.ticktext || []};
}"""


async def _wait_figure(page, predicate, timeout_s: float) -> dict:
    deadline = time.perf_counter() + timeout_s
    last = None
    while time.perf_counter() < deadline:
        try:
            last = await page.evaluate(FIGURE_JS)
            if last and predicate(last):
                return last
        except Exception:  # the page is being redrawn
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no matching figure in {timeout_s:.0f} s; last title: {last and last['title']!r}")


async def _problems(page) -> list[str]:
    found = await page.locator('[data-testid="stException"]').all_inner_texts()
    found += await page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    return found


async def _head_change(page, timeout_s: float) -> float:
    thumb = page.locator('input[type="range"][aria-label="Head"]').first
    await thumb.focus()
    start = time.perf_counter()
    await thumb.press("ArrowRight")
    await _wait_figure(page, lambda f: "head 1" in f["title"], timeout_s)
    return time.perf_counter() - start


async def one_session(browser, url: str, i: int, n: int, models: list[str] = MODELS,
                      timeout_s: float = 300, stagger_s: float = STAGGER_S) -> SessionResult:
    """Open the app with this session's model and text, change head, go to the explorer and back.

    Session i starts i × stagger_s seconds after the first (a class does not click within the same
    millisecond); all of them then run at once."""
    model = models[i % len(models)]
    own = WORDS[i % len(WORDS)]
    others = [WORDS[j % len(WORDS)] for j in range(n) if WORDS[j % len(WORDS)] != own]
    result = SessionResult(i, model)
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()

    def mine(fig: dict) -> bool:
        return own in joined(fig["x"])

    async def check(fig: dict, where: str) -> None:
        text = joined(fig["x"])
        result.foreign += [f"{where}: {w}" for w in others if w in text]
        result.errors += [f"{where}: {p[:200]}" for p in await _problems(page)]

    await asyncio.sleep(i * stagger_s)
    try:
        start = time.perf_counter()
        await page.goto(f"{url}/?{urlencode({'model': model, 'text': session_text(i)})}",
                        wait_until="commit", timeout=timeout_s * 1000)
        await check(await _wait_figure(page, mine, timeout_s), "home")
        result.times["first page"] = time.perf_counter() - start
        result.times["head change (home)"] = await _head_change(page, timeout_s)
        start = time.perf_counter()
        await page.locator('[data-testid="stSidebarNav"] a', has_text="Explorer").click()
        await check(await _wait_figure(page, lambda f: mine(f) and "head 0" in f["title"], timeout_s), "explorer")
        result.times["page switch"] = time.perf_counter() - start
        result.times["head change (explorer)"] = await _head_change(page, timeout_s)
        await page.locator('[data-testid="stSidebarNav"] a', has_text="Home").click()
        await check(await _wait_figure(page, mine, timeout_s), "home again")
    except Exception as exc:  # a session that never got its page is a failure to report, not a crash
        result.errors.append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        await context.close()
    return result


def rss_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) memory of a process in MB, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    values = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith(("VmRSS", "VmHWM"))}
    return values["VmRSS"] / 1024, values["VmHWM"] / 1024


TRAIN_STEPS = 100_000  # far more than the measurement lasts: the jobs train throughout


async def start_training(browser, url: str, timeout_s: float = 300) -> tuple[object, str]:
    """A browser session that starts a long training job on the training lab and stays open (a job stops
    when its session ends). Returns the context and what the page said: running, or waiting in the queue."""
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    await page.goto(f"{url}/training", wait_until="commit", timeout=timeout_s * 1000)
    steps = page.locator('input[aria-label="Steps (0: task default)"]')
    await steps.wait_for(timeout=timeout_s * 1000)
    await steps.fill(str(TRAIN_STEPS))
    await page.get_by_role("button", name="Start training").click()
    state = page.locator('[data-testid="stProgress"], [data-testid="stAlertContentInfo"]:has-text("Waiting")')
    await state.first.wait_for(timeout=timeout_s * 1000)
    said = (await state.first.inner_text()).strip().splitlines()
    return context, (said[0] if said else "")[:80]


async def run_sessions(url: str, n: int, server_pid: int | None = None,
                       models: list[str] = MODELS, train: int = 0) -> tuple[list[SessionResult], list[float]]:
    """n concurrent browser contexts in one Chromium, after `train` sessions started training jobs; the
    server's RSS sampled every 0.5 s."""
    from playwright.async_api import async_playwright

    samples: list[float] = []
    done = asyncio.Event()

    async def sample():
        while server_pid and not done.is_set():
            samples.append(rss_mb(server_pid)[0])
            await asyncio.sleep(0.5)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sampler = asyncio.create_task(sample())
        trainers = []
        try:
            for _ in range(train):  # one after the other: the queue's order is the order they were asked
                trainers.append(await start_training(browser, url))
                print(f"training session {len(trainers)}: {trainers[-1][1]}", flush=True)
            results = await asyncio.gather(*(one_session(browser, url, i, n, models) for i in range(n)))
        finally:
            done.set()
            await sampler
            for context, _ in trainers:
                await context.close()
            await browser.close()
    return list(results), samples


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
                             str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("streamlit did not start")


def report(results: list[SessionResult], samples: list[float], idle_mb: float | None, peak_mb: float | None,
           wall_s: float) -> str:
    ok = [r for r in results if not r.errors and not r.foreign]
    lines = [f"{len(results)} sessions at once (started {STAGGER_S} s apart), {len(ok)} saw only their own "
             f"tokens with no error; wall time {wall_s:.0f} s.", ""]
    if samples:
        lines.append(f"Server memory (RSS): {idle_mb:.0f} MB idle before, {max(samples):.0f} MB at most while "
                     f"sampled, {samples[-1]:.0f} MB at the end; peak (VmHWM) {peak_mb:.0f} MB.")
        lines.append("")
    lines += ["| action | median s | p90 s | max s |", "|---|---|---|---|"]
    actions = list(dict.fromkeys(a for r in results for a in r.times))
    for action in actions:
        xs = sorted(r.times[action] for r in results if action in r.times)
        p90 = xs[min(len(xs) - 1, int(0.9 * len(xs)))]
        lines.append(f"| {action} | {statistics.median(xs):.2f} | {p90:.2f} | {xs[-1]:.2f} |")
    for r in results:
        for problem in [*r.errors, *r.foreign]:
            lines.append(f"- session {r.index} ({r.model}): {problem}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--url", default=None, help="a running server (default: start one with ATTNVIZ_SHARED=1)")
    parser.add_argument("--train", type=int, default=0, help="sessions that start a training job first and keep it "
                        "running (the shared preset runs 2 jobs at once: 3 fills the limit and queues one)")
    args = parser.parse_args()
    proc = None
    url = args.url
    if url is None:
        env = {"ATTNVIZ_SHARED": "1"}
        if args.train:
            env["ATTNVIZ_MAX_TRAIN_STEPS"] = str(TRAIN_STEPS)
        proc, url = start_server(env)
    try:
        pid = proc.pid if proc else None
        if proc:  # load every model once, as a class's first minutes would, before counting memory
            asyncio.run(run_sessions(url, len(MODELS), pid))
        idle = rss_mb(pid)[0] if pid else None
        start = time.perf_counter()
        results, samples = asyncio.run(run_sessions(url, args.sessions, pid, train=args.train))
        wall = time.perf_counter() - start
        print(report(results, samples, idle, rss_mb(pid)[1] if pid else None, wall))
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
