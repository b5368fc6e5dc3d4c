"""Fixtures the whole suite shares; the environment every test (and every server a test starts) runs in.

attnviz is imported as installed (`pip install -e .`, see the README); the helpers in tests/, tests/app and
tests/browser are importable through pytest's `pythonpath` (pyproject.toml).
"""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Tests never reach a model hub: a hub id must fail at once with the offline message.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
# The suite runs in two worker processes (pytest-xdist). Each torch would take every core, and two
# of them on two cores slow each other down twenty-fold (a 15 s training test took 300 s): one thread each, and
# the same for the servers and workers they start.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)

HF_KINDS = ("bert", "gpt2", "llama", "marian", "t5")


@pytest.fixture(scope="session")
def hf_folders(tmp_path_factory) -> dict[str, Path]:
    from builders import build

    base = tmp_path_factory.mktemp("hf")
    return {kind: build(kind, base / kind) for kind in HF_KINDS}


@pytest.fixture(scope="session")
def minilm():
    from attnviz import load_model
    return load_model("minilm", device="cpu")


@pytest.fixture(scope="session")
def glass():
    from attnviz import load_model
    return load_model("glassllm-en", device="cpu")


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """attnviz installed from a wheel of the checkout into a fresh virtual environment (tests/installed.py)."""
    from installed import install

    return install(tmp_path_factory.mktemp("installed"))


@pytest.fixture(scope="session")
def induction_checkpoint(tmp_path_factory) -> Path:
    """The training lab's induction task trained 200 steps (a few seconds on a CPU): its layer-1 heads are
    induction heads on the task's sample, which its untrained start lacks (tests/integration/test_headtypes_training)."""
    from attnviz.training.trainer import TrainConfig, Trainer

    trainer = Trainer(TrainConfig(task="induction", steps=200, seed=0, device="cpu", snapshot_every=200,
                                  eval_every=200))
    trainer.run()
    return Path(trainer.save(tmp_path_factory.mktemp("checkpoints") / "induction"))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole worker, shared by tests/browser and tests/notebook.

    One Playwright per process: a second `sync_playwright()` while the first runs fails ("Sync API inside
    the asyncio loop"). Skipped locally without Chromium, a failure in CI (CI=true).
    """
    from pw import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}: CI must install Debian's chromium")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
