"""A plain `streamlit run app.py` and a visit to its pages make no DNS lookup and no connection
beyond loopback (#18). The server runs under tests/netguard/sitecustomize.py, which refuses and
logs every such attempt; the control shows the guard catches what Streamlit does unconfigured."""
import os
import subprocess
import sys
import time
from pathlib import Path

from pw import free_port
from pw import ROOT, wait_healthy, wait_heatmap

GUARD = ROOT / "tests" / "netguard"


def _start(cwd: Path, script: Path, log: Path, out: Path) -> tuple[subprocess.Popen, str]:
    """A server started as a person starts it: no --server.address, no offline variables."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "STREAMLIT_"))}
    env.update(PYTHONPATH=str(GUARD), ATTNVIZ_NETGUARD_LOG=str(log))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)],
                            cwd=cwd, env=env, stdout=out.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, str(out))
    except RuntimeError:
        proc.terminate()
        raise
    return proc, url


def _read(log: Path) -> str:
    return log.read_text() if log.exists() else ""


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=20)


def test_guard_sees_streamlit_unconfigured(tmp_path):
    """Control: without attnviz's config, Streamlit looks up checkip.amazonaws.com and 8.8.8.8."""
    script = tmp_path / "hello.py"
    script.write_text("import streamlit as st\nst.write('hello')\n")
    log = tmp_path / "net.log"
    proc, _ = _start(tmp_path, script, log, tmp_path / "out.txt")
    try:
        # the URL banner (and its lookups) comes after the health check answers: wait for both, not a fixed second
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(s in _read(log) for s in ("checkip.amazonaws.com", "8.8.8.8")):
            time.sleep(0.1)
    finally:
        _stop(proc)
    seen = _read(log)
    assert "checkip.amazonaws.com" in seen and "8.8.8.8" in seen


def test_start_and_visit_stay_on_loopback(browser, tmp_path):
    log = tmp_path / "net.log"
    proc, url = _start(ROOT, ROOT / "app.py", log, tmp_path / "out.txt")
    try:
        page = browser.new_page()
        for path in ("/", "/explorer"):
            page.goto(url + path)
            wait_heatmap(page, 180)
        page.close()
    finally:
        _stop(proc)
    out = (tmp_path / "out.txt").read_text()
    assert "External URL" not in out and "Network URL" not in out
    assert not log.exists(), "the server reached beyond loopback:\n" + log.read_text()
