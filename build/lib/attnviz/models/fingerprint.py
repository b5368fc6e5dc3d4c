"""A model folder's fingerprint: which files it holds, their sizes and modification times.

The app caches a loaded model by its folder and this fingerprint, so a folder whose weights were
rewritten while the app runs loads afresh, and an unchanged one is shared.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


def fingerprint(spec: str) -> str:
    """A short hash of the folder's files (name, size, modification time, inode); "" for a named model or hub id.

    Only the folder's own files are read (config, weights, tokenizer): a stat each, no reading of weights.
    """
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        return ""
    parts = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file():
                    st = entry.stat()
                    parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}")
    except OSError:
        return ""
    return hashlib.sha1("\n".join(sorted(parts)).encode()).hexdigest()[:16]
