"""Is the model hub reachable? Decided at once (the offline switch, or one short connection try)."""
from __future__ import annotations

import os
import socket
import threading
from urllib.parse import urlsplit

from attnviz.i18n import Message, N_

TRUE = ("1", "on", "yes", "true")
# huggingface-hub 1.x ships the `hf` command only (no `huggingface-cli`): the advice names what is installed
FETCH_INSTRUCTIONS = N_("On a machine that is online, download the model (for example with `{command}`), copy the "
                        "folder here, and enter its path instead.")
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


def cli_name() -> str:
    """The hub client's command as the installed huggingface-hub declares it: `hf` (1.x), else `huggingface-cli`."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        scripts = {e.name for e in distribution("huggingface_hub").entry_points if e.group == "console_scripts"}
    except PackageNotFoundError:
        return "hf"  # not installed here: name the current client
    return "hf" if "hf" in scripts or "huggingface-cli" not in scripts else "huggingface-cli"


def download_command(spec: str) -> str:
    """The command that downloads hub id `spec` into a folder named after it, on a machine that is online."""
    folder = spec.rstrip("/").rsplit("/", 1)[-1] or "my-model"
    return f"{cli_name()} download {spec} --local-dir ./{folder}"


def fetch_instructions(spec: str) -> str:
    """How to bring `spec` onto an offline machine, in a sentence."""
    return Message(FETCH_INSTRUCTIONS, command=download_command(spec))


def cached_locally(repo_id: str) -> bool:
    """True when the hub cache already holds this model's config (it then loads offline)."""
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(repo_id, "config.json"), str)
    except Exception:  # a malformed id is not cached; the loader's own message follows
        return False
