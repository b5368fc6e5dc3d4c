"""Concurrent visitors through nginx: N browser sessions (benchmarks/load_sessions.py) against one Streamlit
process and against two behind the proxy (deploy/proxy.py, deploy/nginx/attnviz.conf), the shared preset on.

    python benchmarks/proxy_sessions.py --sessions 20
    python benchmarks/proxy_sessions.py --sessions 20 --processes 2   # one layout only

Each browser context has its own cookies, so the proxy spreads the sessions over the processes; each session
must still see only its own tokens (load_sessions checks it).
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import load_sessions
import proxy


def run(processes: int, sessions: int) -> str:
    run_dir = Path(tempfile.mkdtemp(prefix=f"attnviz-proxy-{processes}-"))
    app_ports = [proxy.free_port() for _ in range(processes)]
    listen = proxy.free_port()
    env = proxy.app_environment(run_dir)
    env.update(ATTNVIZ_SHARED="1", HF_HUB_OFFLINE="1")
    procs = proxy.start_apps(app_ports, run_dir, env)
    try:
        for port in app_ports:
            proxy.wait_healthy(port)
        procs.append(proxy.start_nginx(listen, app_ports, run_dir))
        url = f"http://127.0.0.1:{listen}"
        time.sleep(1)
        # every process loads every model once, as a class's first minutes would (sessions spread by cookie)
        asyncio.run(load_sessions.run_sessions(url, len(load_sessions.MODELS) * processes))
        idle = sum(load_sessions.rss_mb(p.pid)[0] for p in procs[:processes])
        start = time.perf_counter()
        results, _ = asyncio.run(load_sessions.run_sessions(url, sessions))
        wall = time.perf_counter() - start
        peaks = [load_sessions.rss_mb(p.pid)[1] for p in procs[:processes]]
        head = (f"### {processes} Streamlit process{'es' if processes > 1 else ''} behind nginx\n\n"
                f"Memory of the app processes: {idle:.0f} MB idle in all, peak "
                f"{' + '.join(f'{p:.0f}' for p in peaks)} MB.\n\n")
        return head + load_sessions.report(results, [], None, None, wall)
    finally:
        proxy.stop(procs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    for n in args.processes:
        print(run(n, args.sessions), flush=True)
        print()


if __name__ == "__main__":
    main()
