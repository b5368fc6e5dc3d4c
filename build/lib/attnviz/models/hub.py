"""Is the model hub reachable? Decided at once (the offline switch, or one short connection try)."""
from __future__ import annotations

import os
import socket
import threading
from urllib.parse import urlsplit

from attnviz.i18n import Message

TRUE = ("1", "on", "yes", "true")
PROBE_S = 1.0  # one connection attempt; the hub client's own retries take ~30 s to give up


def offline_switch() -> str | None:
    """The environment variable that turns the hub off, if one is set."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(name, "").strip().lower() in TRUE:
            return name
    return None


def endpoint() -> tuple[str, int]:
    """(host, port) of the hub: HF_ENDPOINT when set, else huggingface.co."""
    url = urlsplit(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    return url.hostname or "huggingface.co", url.port or (80 if url.scheme == "http" else 443)


def reachable(host: str, port: int, timeout_s: float = PROBE_S) -> bool:
    """True when a TCP connection opens within timeout_s.

    The attempt runs in a thread because name resolution has no timeout of its own.
    """
    answer: list[bool] = []

    def probe() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout_s).close()
            answer.append(True)
        except OSError:
            answer.append(False)

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout_s)
    return bool(answer and answer[0])


def offline_reason() -> str | None:
    """Why the hub cannot be used now, in words for the page; None when it answers."""
    switch = offline_switch()
    if switch:
        return Message("the offline switch {switch} is set", switch=switch)
    host, port = endpoint()
    if not reachable(host, port):
        return Message("the model hub ({host}) cannot be reached from this machine", host=host)
    return None


def cached_locally(repo_id: str) -> bool:
    """True when the hub cache already holds this model's config (it then loads offline)."""
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(repo_id, "config.json"), str)
    except Exception:  # a malformed id is not cached; the loader's own message follows
        return False
