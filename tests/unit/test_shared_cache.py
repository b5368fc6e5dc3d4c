"""The app's capture cache hands out the same object, bounded by memory; folders are fingerprinted."""
from __future__ import annotations

import os
import time

from attnviz.models.fingerprint import fingerprint
from attnviz.app.pipeline.cache import SharedCache


class Blob:
    def __init__(self, size: int):
        self.size = size


def test_same_object_made_once():
    made = []
    cache = SharedCache(lambda: 100, lambda v: v.size)
    first = cache.get("a", lambda: made.append(1) or Blob(10))
    again = cache.get("a", lambda: made.append(1) or Blob(10))
    assert again is first and made == [1]


def test_bounded_by_memory_least_recently_used_first():
    cache = SharedCache(lambda: 25, lambda v: v.size)
    a = cache.get("a", lambda: Blob(10))
    cache.get("b", lambda: Blob(10))
    assert cache.get("a", lambda: Blob(10)) is a  # a is now the most recently used
    cache.get("c", lambda: Blob(10))  # 30 bytes > 25: b, the least recently used, goes
    assert len(cache) == 2 and cache.nbytes == 20
    assert cache.get("a", lambda: Blob(10)) is a
    big = cache.get("d", lambda: Blob(50))  # larger than the bound: kept alone, so the next rerun is served
    assert len(cache) == 1 and cache.get("d", lambda: Blob(1)) is big


def test_drop_forgets_matching_keys():
    cache = SharedCache(lambda: 100, lambda v: v.size)
    cache.get(("capture", "m", "old"), lambda: Blob(1))
    cache.get(("capture", "m", "new"), lambda: Blob(1))
    cache.drop(lambda key: key[2] != "new")
    assert len(cache) == 1


def test_fingerprint_changes_when_a_file_changes(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"0" * 10)
    before = fingerprint(str(tmp_path))
    assert before and fingerprint(str(tmp_path)) == before
    (tmp_path / "model.safetensors").write_bytes(b"1" * 10)  # same size, new contents
    later = time.time() + 5
    os.utime(tmp_path / "model.safetensors", (later, later))
    assert fingerprint(str(tmp_path)) != before
    assert fingerprint("minilm") == "" and fingerprint(str(tmp_path / "missing")) == ""
