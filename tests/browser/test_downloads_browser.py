"""Download buttons clicked one after the other each deliver their file."""
import io
import zipfile

from apphelpers import link_query
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from pw import ARTIFACTS, wait_heatmap

from attnviz.app.state import explorer, sidebar
from attnviz.figures.export import export_name

# named by the model, the view, the layer and the head drawn
CSV, HTML, NPZ = (export_name("minilm", "heatmap", "csv", 0, 0), export_name("minilm", "heatmap", "html", 0, 0),
                  export_name("minilm", "capture", "npz"))
BUTTONS = {"Matrix as CSV": CSV, "Figure as HTML": HTML, "Whole capture as NPZ": NPZ}


def _collect(page, labels: list[str], pause_ms: int) -> dict[str, bytes]:
    """Click each button in turn, pause_ms apart; the files that arrive, by name."""
    got: dict[str, bytes] = {}

    def keep(download) -> None:
        got[download.suggested_filename] = open(download.path(), "rb").read()

    page.on("download", keep)
    try:
        for label in labels:
            page.get_by_role("button", name=label).click()
            page.wait_for_timeout(pause_ms)  # a person's tempo between clicks, part of what is tested
        while len(got) < len(labels):
            try:  # the listener above keeps each file; this only waits for the next one to arrive
                page.wait_for_event("download", timeout=90_000)
            except PlaywrightTimeout:
                break
    finally:
        page.remove_listener("download", keep)
    return got


def test_downloads_clicked_back_to_back_all_arrive(server, page):
    page.goto(f"{server}/explorer?" + link_query({explorer.VIEW: "Heatmap", sidebar.TEXT: "Dogs bark loudly."}))
    wait_heatmap(page)
    for rounds in range(2):  # the second round clicks buttons drawn before the first round's clicks
        got = _collect(page, list(BUTTONS), pause_ms=0 if rounds == 0 else 400)
        assert sorted(got) == sorted(BUTTONS.values()), f"round {rounds}: only {sorted(got)} arrived"
    csv = got[CSV].decode()
    assert csv.splitlines()[0].split(",")[1:] == ["0:[CLS]", "1:dogs", "2:bark", "3:loudly", "4:.", "5:[SEP]"]
    assert b"plotly" in got[HTML][:200_000]
    assert "tokens.npy" in zipfile.ZipFile(io.BytesIO(got[NPZ])).namelist()
    (ARTIFACTS / "downloads-ok.txt").write_text("\n".join(sorted(got)))
