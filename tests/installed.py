"""attnviz as a user installs it: a wheel built from the checkout, installed into a fresh virtual environment.

The new environment gets its dependencies from the test's own (a .pth file names its site-packages), so the test
needs no network and no second copy of torch; attnviz itself comes only from the wheel. Every command runs from a
folder outside the checkout.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Installed:
    python: Path
    attnviz: Path  # the console script
    elsewhere: Path  # a folder outside the checkout to run from
    wheel: Path

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([str(a) for a in args], cwd=self.elsewhere, capture_output=True, text=True,
                              timeout=timeout, env=environment())


def environment() -> dict[str, str]:
    """The test's environment without anything that would put the checkout on sys.path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "HF_HUB_OFFLINE": "1"}


def install(base: Path) -> Installed:
    # a copy of the checkout, as a user would have one: building leaves build/ and *.egg-info in the tree it builds
    source = base / "checkout"
    shutil.copytree(ROOT / "attnviz", source / "attnviz", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    wheels = base / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(wheels), str(source)], check=True, capture_output=True, text=True)
    wheel = next(wheels.glob("attnviz-*.whl"))
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "attnviz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True, text=True, env=environment())
    elsewhere = base / "somewhere-else"
    elsewhere.mkdir()
    return Installed(python, env_dir / "bin" / "attnviz", elsewhere, wheel)
