"""attnviz installed as a user installs it works from any folder: the command, the API, the packaged app's files."""
import zipfile


def test_the_command_and_the_api_work_from_another_folder(installed):
    helped = installed.run(installed.attnviz, "--help")
    assert helped.returncode == 0 and "start the web app" in helped.stdout and "capture" in helped.stdout
    models = installed.run(installed.attnviz, "models")
    assert models.returncode == 0 and models.stdout.splitlines()[0].startswith("minilm")
    api = installed.run(installed.python, "-c", (
        "import sys, attnviz; assert 'torch' not in sys.modules, 'import attnviz loaded torch';"
        "print(attnviz.__file__); print(attnviz.capture.__module__); print('torch' in sys.modules)"))
    where, module, torch_loaded = api.stdout.split()
    assert api.returncode == 0, api.stderr
    assert "/venv/" in where and "somewhere-else" not in where  # the wheel's copy, not the checkout's
    assert module == "attnviz.capture.api" and torch_loaded == "True"  # the first use loaded it


def test_the_installed_command_runs_a_model(installed):
    out = installed.run(installed.attnviz, "toy", "--preset", "seed-000", "--json")
    assert out.returncode == 0, out.stderr
    assert '"weights"' in out.stdout


def test_the_wheel_carries_the_app_its_settings_and_the_catalogues(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for needed in ("attnviz/app/shell/main.py", "attnviz/app/streamlit.toml", "attnviz/app/pages/explorer/page.py",
                   "attnviz/app/pages/compare/page.py", "attnviz/i18n/locale/zh/LC_MESSAGES/attnviz.mo",
                   "attnviz/notebook/widget.js", "attnviz/models/zh_char/model.safetensors",
                   "attnviz/models/zh_char/MODEL_CARD.md"):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_the_app_settings_in_the_package_are_the_checkouts():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert (root / "attnviz/app/streamlit.toml").read_text() == (root / ".streamlit/config.toml").read_text()
