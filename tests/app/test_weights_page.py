"""The page refuses a folder whose weights do not match its config, naming the tensors (#19.1)."""
import shutil

from safetensors.torch import load_file, save_file

from apphelpers import assert_clean, messages, open_app
from attnviz.app.state import sidebar


def test_page_names_the_missing_tensors(hf_folders, tmp_path):
    folder = tmp_path / "partial"
    shutil.copytree(hf_folders["bert"], folder)
    weights = load_file(str(folder / "model.safetensors"))
    save_file({k: v for k, v in weights.items() if "layer.1." not in k}, str(folder / "model.safetensors"))
    at = open_app({sidebar.MODEL: "custom", sidebar.PATH: str(folder)})
    assert_clean(at)
    error = " ".join(messages(at, "error"))  # as read: the markdown escapes undone
    assert "not in its weights file" in error and "encoder.layer.1.attention.self.key.bias" in error
    assert not at.get("plotly_chart")  # no heatmap of random weights
