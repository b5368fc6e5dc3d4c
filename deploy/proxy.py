"""Run attnviz as several Streamlit processes behind nginx (sticky sessions, WebSockets passed through).

    python deploy/proxy.py --port 8080 --apps 8501 8502 --run-dir run/proxy

Starts one `streamlit run app.py` per app port (bound to 127.0.0.1: only nginx reaches them), writes
RUN_DIR/nginx.conf from deploy/nginx/attnviz.conf, and runs nginx in the foreground as the current user; Ctrl-C
stops all of them. The processes share what must be shared: ATTNVIZ_CHECKPOINT_DIR and ATTNVIZ_SURVEY_DIR
(default: under RUN_DIR) and Streamlit's cookie secret (STREAMLIT_SERVER_COOKIE_SECRET, made once per start
unless set), and every ATTNVIZ_* setting of this environment (set ATTNVIZ_SHARED=1 for a class).
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx" / "attnviz.conf"
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")


def render(listen_port: int, app_ports: list[int], run_dir: Path, listen_address: str = "127.0.0.1",
           debug_header: bool = False) -> str:
    """The nginx configuration for these ports (debug_header: say which process answered, for tests)."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in app_ports)
    values = dict(
        RUN_DIR=str(run_dir), LISTEN_PORT=listen_port, LISTEN_ADDRESS=listen_address, UPSTREAM_SERVERS=servers,
        # nginx started by root would run its workers as `nobody`, who cannot write into RUN_DIR
        USER_LINE="user root;" if os.geteuid() == 0 else "",
        DEBUG_HEADER="            add_header X-Attnviz-Upstream $upstream_addr always;" if debug_header else "")
    text = TEMPLATE.read_text()
    for name, value in values.items():  # ${NAME} only: nginx's own $variables stay as they are
        text = text.replace("${" + name + "}", str(value))
    if "${" in text:
        raise ValueError(f"{TEMPLATE.name}: a placeholder was left unfilled")
    return text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_environment(run_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("ATTNVIZ_CHECKPOINT_DIR", str(run_dir / "checkpoints"))
    env.setdefault("ATTNVIZ_SURVEY_DIR", str(run_dir / "surveys"))
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))  # the same in every process
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def start_apps(app_ports: list[int], run_dir: Path, env: dict[str, str], entry: str = "app.py") -> list[subprocess.Popen]:
    """One `streamlit run` per port, each logging to RUN_DIR/app-PORT.log."""
    procs = []
    for port in app_ports:
        log = open(run_dir / f"app-{port}.log", "wb")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", entry, "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL))
    return procs


def wait_healthy(port: int, timeout_s: float = 180) -> None:
    """Until the Streamlit process on port answers its health check."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"no Streamlit process answered on port {port} within {timeout_s:.0f} s")


def start_nginx(listen_port: int, app_ports: list[int], run_dir: Path, debug_header: bool = False,
                listen_address: str = "127.0.0.1") -> subprocess.Popen:
    """nginx in the foreground with RUN_DIR/nginx.conf (its test of the file first, so a mistake is said at once)."""
    (run_dir / "tmp").mkdir(parents=True, exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(render(listen_port, app_ports, run_dir, listen_address, debug_header))
    subprocess.run([NGINX, "-t", "-q", "-p", str(run_dir), "-c", str(conf)], check=True)
    return subprocess.Popen([NGINX, "-p", str(run_dir), "-c", str(conf), "-g", "daemon off;"],
                            stdin=subprocess.DEVNULL)


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="where nginx listens")
    parser.add_argument("--address", default="127.0.0.1", help="the address nginx listens on (0.0.0.0: every one)")
    parser.add_argument("--apps", type=int, nargs="+", default=[8501, 8502], help="one Streamlit process per port")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "run" / "proxy")
    args = parser.parse_args()
    run_dir = args.run_dir.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    apps = start_apps(args.apps, run_dir, app_environment(run_dir))
    procs = list(apps)
    try:
        for port in args.apps:
            wait_healthy(port)
        nginx = start_nginx(args.port, args.apps, run_dir, listen_address=args.address)
        procs.append(nginx)
        print(f"attnviz: http://{args.address}:{args.port} -> {len(apps)} processes; logs in {run_dir}", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        nginx.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop(procs)


if __name__ == "__main__":
    main()
