"""docs/tutorial.ipynb runs headless from top to bottom (nbclient), offline, and says what it claims."""
from __future__ import annotations

import os
import shutil

from nbhelpers import ROOT

TUTORIAL = ROOT / "docs" / "tutorial.ipynb"


def _text(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        out.append(o.get("text", "") or o.get("data", {}).get("text/plain", ""))
    return "".join(out)


def test_tutorial_executes_headless(tmp_path):
    import nbclient
    import nbformat

    shutil.copy(TUTORIAL, tmp_path / "tutorial.ipynb")
    nb = nbformat.read(tmp_path / "tutorial.ipynb", as_version=4)
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), "HF_HUB_OFFLINE": "1"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits them: it imports this checkout's attnviz, and no hub
    try:
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    code = [c for c in nb.cells if c.cell_type == "code"]
    text = "\n".join(_text(c) for c in code)
    assert "'[CLS]', 'the', 'cat'" in text
    assert "row sums: [1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1.]" in text
    assert "0 5 2 heatmap" in text and "[('head', 5), ('token', 2)]" in text  # traits set from code, observed
    widgets = [c for c in code if any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                                      for o in c.get("outputs", []))]
    assert len(widgets) == 4  # w, the model view, the Hugging Face head view, the two side by side (one HBox)
    hf_check = next(c for c in code if "same weights" in c.source)
    assert float(_text(hf_check)) < 1e-6  # transformers' own weights equal attnviz's capture
    page = tmp_path / "attention.html"
    assert page.exists() and '<div id="attnviz">' in page.read_text(encoding="utf-8")
