"""AttentionWidget: the anywidget that draws a capture in a notebook; selections are traits, data goes on request.

The front end (widget.js, widget.css beside this file) asks for what it draws with a custom message
`{"type": "request", view, kind, measure, layer, head, token, window, heads}`; the kernel answers with
payload.answer(): a JSON header and binary buffers. Python changes the same traits (`w.layer = 3`), the front
end sees the change and asks again. Exports: the widget's buttons (SVG, PNG, HTML), and from code
save_html() (written here, no browser needed), save_svg() and save_png() (drawn by the displayed widget).
"""
from __future__ import annotations

import itertools
import logging
from pathlib import Path

import anywidget
import traitlets as t

from attnviz.core.types import AttentionCapture
from attnviz.notebook import measures, payload

HERE = Path(__file__).parent
log = logging.getLogger(__name__)
_ids = itertools.count(1)


class AttentionWidget(anywidget.AnyWidget):
    """One capture in a notebook: heatmap, head view and model view; layer, head, focus and view are traits."""

    _esm = (HERE / "widget.js").read_text(encoding="utf-8")
    _css = (HERE / "widget.css").read_text(encoding="utf-8")

    # the selection: read it, observe it, set it
    view = t.Enum(payload.VIEWS, default_value="heatmap").tag(sync=True)
    kind = t.Unicode("self").tag(sync=True)
    layer = t.Int(0).tag(sync=True)
    head = t.Int(0).tag(sync=True)
    token = t.Int(None, allow_none=True).tag(sync=True)  # the focused query position, or None
    measure = t.Unicode("weight").tag(sync=True)
    window = t.List(t.Int()).tag(sync=True)  # [q0, q1, k0, k1]: the zoomed region; [] is everything
    heads = t.List(t.Int()).tag(sync=True)  # head view: the heads drawn; [] is every head of the layer
    # what the capture offers (set once)
    kinds = t.List(t.Unicode()).tag(sync=True)
    measures = t.List(t.Unicode()).tag(sync=True)
    shapes = t.Dict().tag(sync=True)  # kind -> [layer, head, query_pos, key_pos]
    kv_heads = t.Dict().tag(sync=True)  # kind -> key/value heads, where the capture knows (grouped-query attention)
    tokens = t.List(t.Unicode()).tag(sync=True)
    target_tokens = t.List(t.Unicode()).tag(sync=True)
    title = t.Unicode("").tag(sync=True)
    notes = t.List(t.Unicode()).tag(sync=True)
    cells = t.Int(payload.MAX_CELLS)  # heatmap bins a side at most (not synced: the kernel pools)

    def __init__(self, cap: AttentionCapture, **selection) -> None:
        self.capture = cap
        self.sent: list[int] = []  # bytes of each answer sent (what an interaction costs)
        self._exports: dict[str, tuple[Path, str]] = {}
        kinds = cap.kinds
        kind = selection.pop("kind", None) or ("self" if "self" in kinds else kinds[0])
        super().__init__(kinds=kinds, kind=kind, measures=measures.available(cap, kind),
                         shapes={k: list(cap.shape(k)) for k in kinds}, kv_heads=_kv_heads(cap), tokens=list(cap.tokens),
                         target_tokens=list(cap.target_tokens or []), title=str(cap.model),
                         notes=[str(n) for n in cap.notes], **selection)
        self.on_msg(self._on_message)

    # ---- checks: a selection outside the capture is refused where it is set ----
    def _shape(self) -> list[int]:
        return self.shapes.get(self.kind) or list(self.capture.shape(self.kind))

    @t.validate("kind")
    def _valid_kind(self, proposal):
        if proposal.value not in self.capture.kinds:
            raise t.TraitError(f"kind must be one of {self.capture.kinds}, got {proposal.value!r}")
        return proposal.value

    @t.validate("layer", "head")
    def _valid_index(self, proposal):
        name, value = proposal.trait.name, proposal.value
        n = self._shape()[0 if name == "layer" else 1]
        if not 0 <= value < n:
            raise t.TraitError(f"{name} must be in 0..{n - 1}, got {value}")
        return value

    @t.validate("token")
    def _valid_token(self, proposal):
        n = self._shape()[2]
        if proposal.value is not None and not 0 <= proposal.value < n:
            raise t.TraitError(f"token must be a query position in 0..{n - 1} or None, got {proposal.value}")
        return proposal.value

    @t.validate("measure")
    def _valid_measure(self, proposal):
        if proposal.value not in measures.available(self.capture, self.kind):
            raise t.TraitError(measures.UNKNOWN_MEASURE.format(measure=proposal.value,
                                                               available=measures.available(self.capture, self.kind)))
        return proposal.value

    @t.validate("window")
    def _valid_window(self, proposal):
        _, _, n_q, n_k = self._shape()
        try:
            window = payload.clamp_window(proposal.value, n_q, n_k)
        except ValueError as exc:
            raise t.TraitError(str(exc)) from exc
        return list(window) if window else []

    @t.validate("heads")
    def _valid_heads(self, proposal):
        n = self._shape()[1]
        bad = [h for h in proposal.value if not 0 <= h < n]
        if bad:
            raise t.TraitError(f"heads must be in 0..{n - 1}, got {bad}")
        return proposal.value

    @t.observe("kind")
    def _kind_changed(self, change) -> None:
        """Another kind has its own layers, heads and positions: keep what still fits."""
        layers, heads, n_q, _ = self.capture.shape(change["new"])
        with self.hold_trait_notifications():
            self.measures = measures.available(self.capture, change["new"])
            if self.measure not in self.measures:
                self.measure = self.measures[0]
            self.set_trait("layer", min(self.layer, layers - 1))
            self.set_trait("head", min(self.head, heads - 1))
            self.set_trait("heads", [h for h in self.heads if h < heads])
            if self.token is not None and self.token >= n_q:
                self.set_trait("token", None)
            self.window = []

    # ---- what is drawn ----
    def request(self, **changes) -> payload.Request:
        """The request for the current selection (or with `changes`), as the front end would send it."""
        msg = {"view": self.view, "kind": self.kind, "measure": self.measure, "layer": self.layer, "head": self.head,
               "token": self.token, "window": self.window, "heads": self.heads, **changes}
        return payload.request(self.capture, msg)

    def answer(self, r: payload.Request) -> tuple[dict, list[bytes]]:
        """The header and buffers that draw request r (what is sent to the browser)."""
        return payload.answer(self.capture, r, self.cells)

    def _on_message(self, _widget, msg: dict, buffers: list) -> None:
        what = msg.get("type") if isinstance(msg, dict) else None
        if what == "request":
            self._answer(msg)
        elif what == "export_html":
            self.send({"type": "html", "html": self.to_html(), "name": self._file_name("html")})
        elif what == "exported":
            self._write_export(msg, buffers)

    def _answer(self, msg: dict) -> None:
        echo = {"seq": msg.get("seq"), "view_id": msg.get("view_id")}
        try:
            r = payload.request(self.capture, msg)
            content, buffers = self.answer(r)
        except Exception as exc:  # a bad request draws a message in the widget, never a traceback in the page
            log.exception("attnviz widget: request %s failed", msg)
            self.send({"type": "error", "message": str(exc), **echo})
            return
        content.update(echo)
        self.sent.append(payload.size(content, buffers))
        self.send(content, buffers)

    # ---- exports ----
    def _file_name(self, ext: str) -> str:
        """attnviz-heatmap-layer2-head5.svg, attnviz-head-view-layer2.svg, attnviz-model-view.svg (widget.js names alike)."""
        parts = ["attnviz", self.view.replace("_", "-")]
        if self.view != "model_view":
            parts.append(f"layer{self.layer}")
        if self.view == "heatmap":
            parts.append(f"head{self.head}")
        return "-".join(parts) + "." + ext

    def to_html(self, heads: list[tuple[int, int]] | None = None) -> str:
        """A standalone page of the current view that draws offline (the heads shown, plus `heads` as heatmaps)."""
        from attnviz.notebook.standalone import page

        return page(self, heads or [])

    def save_html(self, path: str | Path, heads: list[tuple[int, int]] | None = None) -> Path:
        """Write to_html() to `path`; works without a browser (scripts, CI)."""
        path = Path(path)
        path.write_text(self.to_html(heads), encoding="utf-8")
        return path

    def _request_export(self, path: str | Path, fmt: str) -> str:
        export_id = f"{fmt}-{next(_ids)}"
        self._exports[export_id] = (Path(path), fmt)
        self.send({"type": "export", "id": export_id, "format": fmt})
        return export_id

    def save_svg(self, path: str | Path) -> str:
        """Ask the displayed widget for its current drawing as SVG; the file is written when it answers, a moment
        after the cell ends (a running cell holds the kernel), and only where the widget is shown in a browser:
        `pending_exports` lists what is still unanswered. Returns the request's id."""
        return self._request_export(path, "svg")

    def save_png(self, path: str | Path) -> str:
        """As save_svg, as a PNG at twice the screen's pixels."""
        return self._request_export(path, "png")

    def _write_export(self, msg: dict, buffers: list) -> None:
        target = self._exports.pop(msg.get("id"), None)
        if target is None:  # already written (the widget shown twice answers twice), or not asked for
            return
        path, fmt = target
        if fmt == "svg":
            path.write_text(msg.get("svg", ""), encoding="utf-8")
        elif buffers:
            path.write_bytes(bytes(buffers[0]))
        log.info("attnviz widget: wrote %s", path)

    @property
    def pending_exports(self) -> list[str]:
        """Ids of save_svg()/save_png() requests no displayed widget has answered yet."""
        return list(self._exports)


def _kv_heads(cap: AttentionCapture) -> dict[str, int]:
    """Key/value heads per kind, read from the recorded keys `[layer, kv_head, key_pos, d_head]` where there are some."""
    return {kind: int(stack.k.shape[1]) for kind, stack in cap.qk.items() if kind in cap.kinds}
