"""A standalone HTML page of a widget's current view: the widget's own script, and only the answers it draws.

The page fetches nothing (its Content-Security-Policy forbids any connection): the ES module is inlined as a
data: URL, the answers as JSON in a script element with every "<" escaped, so a token such as "</script>" stays text.
"""
from __future__ import annotations

import base64
import html
import json
from typing import TYPE_CHECKING

from attnviz.notebook import payload

if TYPE_CHECKING:
    from attnviz.notebook.widget import AttentionWidget

STATE = ("view", "kind", "layer", "head", "token", "measure", "window", "heads", "kinds", "measures", "shapes", "kv_heads",
         "tokens", "target_tokens", "title", "notes")
CSP = ("default-src 'none'; script-src 'unsafe-inline' data:; style-src 'unsafe-inline'; img-src data: blob:; "
       "connect-src 'none'; base-uri 'none'; form-action 'none'")


def _entry(w: AttentionWidget, r: payload.Request) -> tuple[str, dict]:
    content, buffers = w.answer(r)
    return r.key(), {"content": content, "buffers": [base64.b64encode(b).decode("ascii") for b in buffers]}


def answers(w: AttentionWidget, heads: list[tuple[int, int]]) -> dict[str, dict]:
    """The answers the page can draw: the current view, and a heatmap of each (layer, head) in `heads`
    (the model view also gets its current head's heatmap, so a click on it opens)."""
    current = w.request()
    out = dict([_entry(w, current)])
    extra = list(heads)
    if current.view == "model_view":
        extra.append((current.layer, current.head))
    for layer, head in extra:
        key, entry = _entry(w, w.request(view="heatmap", layer=layer, head=head))
        out[key] = entry
    return out


def _script_json(data: object) -> str:
    """JSON safe inside <script>: no "<", ">" or "&" left to end the element or open a comment."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(w: AttentionWidget, heads: list[tuple[int, int]] | None = None) -> str:
    """The whole HTML document."""
    from attnviz.notebook.widget import HERE

    state = {name: getattr(w, name) for name in STATE}
    data = {"state": state, "answers": answers(w, heads or [])}
    module = base64.b64encode((HERE / "widget.js").read_bytes()).decode("ascii")
    style = (HERE / "widget.css").read_text(encoding="utf-8")
    title = html.escape(f"attnviz · {w.title}")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ margin: 16px; background: #fff; }}
{style}
</style>
</head>
<body>
<div id="attnviz"></div>
<script type="application/json" id="attnviz-data">{_script_json(data)}</script>
<script type="module">
import {{ standalone }} from "data:text/javascript;base64,{module}";
standalone(document.getElementById("attnviz"), JSON.parse(document.getElementById("attnviz-data").textContent));
</script>
</body>
</html>
"""
