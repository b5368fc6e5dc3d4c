"""Two `streamlit run app.py` processes behind nginx (deploy/nginx/attnviz.conf): the page is served through the
proxy, a browser's cookie keeps it on one process, different browsers spread over both, and the WebSocket
(/_stcore/stream) upgrades through the proxy, on the same process as its page."""
from __future__ import annotations

import base64
import os
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import proxy  # noqa: E402

if not Path(proxy.NGINX).is_file() and os.environ.get("CI"):
    pytest.fail("nginx is missing: CI must install Debian's nginx (see .ci/run)", pytrace=False)
pytestmark = pytest.mark.skipif(not Path(proxy.NGINX).is_file(), reason="nginx is not installed (apt-get install nginx)")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("proxy")
    app_ports = [proxy.free_port(), proxy.free_port()]
    listen = proxy.free_port()
    env = proxy.app_environment(run_dir)
    env.update(OMP_NUM_THREADS="1", ATTNVIZ_SHARED="1")
    procs = proxy.start_apps(app_ports, run_dir, env)
    try:
        for port in app_ports:
            proxy.wait_healthy(port)
        procs.append(proxy.start_nginx(listen, app_ports, run_dir, debug_header=True))
        yield listen, app_ports, run_dir
    finally:
        proxy.stop(procs)


def _get(port: int, path: str = "/", cookie: str | None = None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie} if cookie else {})
    for _ in range(50):  # nginx may take a moment to listen
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, dict(r.headers), r.headers.get_all("Set-Cookie") or [], r.read().decode()
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError):
                raise
            time.sleep(0.2)
    raise AssertionError("the proxy did not answer")


def test_the_page_is_served_through_the_proxy_with_a_route_cookie(served):
    listen, app_ports, _ = served
    status, headers, cookies, body = _get(listen)
    assert status == 200 and "<title>streamlit</title>" in body.lower()  # Streamlit's page, before its script runs
    route = [c for c in cookies if c.startswith("attnviz_route=")]
    assert len(route) == 1 and "HttpOnly" in route[0] and "Path=/" in route[0]
    assert headers["X-Attnviz-Upstream"] in {f"127.0.0.1:{p}" for p in app_ports}
    # a browser that has the cookie is not given another
    assert not [c for c in _get(listen, cookie=route[0].split(";")[0])[2] if c.startswith("attnviz_route=")]


def test_a_browser_stays_on_its_process_and_browsers_spread_over_both(served):
    listen, app_ports, _ = served
    for n in range(4):
        cookie = f"attnviz_route=browser-{n}"
        seen = {_get(listen, "/_stcore/health", cookie)[1]["X-Attnviz-Upstream"] for _ in range(5)}
        assert len(seen) == 1  # every request of one browser reaches the same process
    spread = {_get(listen, "/_stcore/health", f"attnviz_route=browser-{n}")[1]["X-Attnviz-Upstream"]
              for n in range(24)}
    assert spread == {f"127.0.0.1:{p}" for p in app_ports}


def _upgrade(port: int, cookie: str) -> tuple[str, dict[str, str]]:
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Cookie: {cookie}\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    return head[0], {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:] if ":" in line)}


def test_the_websocket_upgrades_through_the_proxy_on_the_pages_process(served):
    listen, _, _ = served
    cookie = "attnviz_route=one-browser"
    page_process = _get(listen, "/", cookie)[1]["X-Attnviz-Upstream"]
    status, headers = _upgrade(listen, cookie)
    assert status == "HTTP/1.1 101 Switching Protocols"
    assert headers["upgrade"].lower() == "websocket" and headers["connection"].lower() == "upgrade"
    assert "sec-websocket-accept" in headers
    assert headers["x-attnviz-upstream"] == page_process


def test_the_processes_share_the_checkpoint_and_survey_folders(served):
    _, _, run_dir = served
    env = proxy.app_environment(run_dir)
    assert env["ATTNVIZ_CHECKPOINT_DIR"] == str(run_dir / "checkpoints")
    assert env["ATTNVIZ_SURVEY_DIR"] == str(run_dir / "surveys")
    conf = (run_dir / "nginx.conf").read_text()
    assert "hash $attnviz_route consistent;" in conf and "proxy_set_header Upgrade $http_upgrade;" in conf
