"""The documentation site builds with warnings as errors (mkdocs build --strict), offline, as CI builds it."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_docs_site_builds_strictly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    pages = {p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("index.html")}
    for page in ("index.html", "install/index.html", "operators/index.html", "cli/index.html",
                 "architecture/index.html", "translating/index.html", "tutorial/index.html"):
        assert page in pages, sorted(pages)

    tutorial = (tmp_path / "site" / "tutorial" / "index.html").read_text()
    assert "attnviz.show" in tutorial or "show(" in tutorial  # the notebook's code is on the page
