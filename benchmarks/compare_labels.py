"""Compare's figures as Chromium draws them: each figure's width, its plot area and colour bar, and any tick labels
whose boxes overlap, on the he/she set-up (or two texts of your own) at 1400×1000 and 1280×720.

    python benchmarks/compare_labels.py [--views Heatmap,Statistics] [--text-a ... --text-b ...]

Starts `streamlit run app.py` on a free port and drives Debian's Chromium (Playwright). The numbers behind
figures.plots.FIGURE_PX, figures.compare_plots.PANE_PX and plots.plot_width come from this script; run it again
after a layout change and compare (tests/unit/test_compare_labels.py pins them).
"""
from __future__ import annotations

import argparse
import sys
import time
from itertools import combinations
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

READ = """() => Array.from(document.querySelectorAll('.js-plotly-plot'), gd => {
  const r = gd.getBoundingClientRect(), fl = gd._fullLayout, cb = gd.querySelector('.colorbar');
  const boxes = ax => Array.from(gd.querySelectorAll('.' + ax + 'tick text'), t => {
    const b = t.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom, t.textContent]; });
  return {title: ((gd.layout.title && gd.layout.title.text) || '').replace(/<[^>]*>/g, ''), width: r.width,
          plot: fl.xaxis ? fl.xaxis._length : null, bar: cb ? cb.getBoundingClientRect().width : null,
          x: boxes('x'), y: boxes('y')};
})"""


def overlapping(boxes: list) -> list:
    return [(a[4], b[4]) for a, b in combinations(boxes, 2)
            if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", default="Heatmap", help="compare views, comma-separated (Heatmap, Statistics, …)")
    parser.add_argument("--text-a", default="The doctor said he would be late.")
    parser.add_argument("--text-b", default="The doctor said she would be late.")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, streamlit_server
    from pw import CHROMIUM_ARGS

    print("| screen | view | figure | width px | plot px | colour bar px | overlapping labels |")
    print("|---|---|---|---|---|---|---|")
    with streamlit_server("compare-labels.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for (w, h) in ((1400, 1000), (1280, 720)):
            for view in args.views.split(","):
                page = browser.new_page(viewport={"width": w, "height": h})
                query = urlencode({"a_model": "minilm", "b_model": "minilm", "a_text": args.text_a,
                                   "b_text": args.text_b, "cview": view})
                page.goto(f"{url}/compare?{query}")
                deadline, figs = time.time() + 240, []
                while time.time() < deadline and not any("A heads" in f["title"] for f in figs):
                    time.sleep(1)
                    figs = page.evaluate(READ)
                time.sleep(2)
                for f in page.evaluate(READ):
                    clash = overlapping(f["x"]) + overlapping(f["y"])
                    print(f"| {w}×{h} | {view} | {f['title'][:48]} | {f['width']:.0f} | {f['plot'] or 0:.0f} | "
                          f"{f['bar'] or 0:.0f} | {len(clash)} {clash[:3] if clash else ''} |")
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
