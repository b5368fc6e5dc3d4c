"""A whole document in the page, shaded by one query's attention: the text goes to the browser once, each choice after
it only the shading (a number a token).

Two mounts of one component (Streamlit's components v2, no iframe, nothing fetched): `text()` draws the document's
tokens in their own characters (its data is the same on every rerun, so Streamlit's message cache sends it once and
then a reference to it), `shade()` colours the tokens of the document it names, outlines the chosen ones, marks the
sinks and scrolls the strongest key into view. Clicking a token chooses it. Tokens are data: the script only ever
sets them as text (textContent), never as HTML.
"""
from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

import numpy as np
import streamlit as st

from attnviz.core.types import AttentionCapture

HEIGHT_PX = 420

CSS = f"""
.attnviz-doc {{ position: relative; max-height: {HEIGHT_PX}px; overflow-y: auto; white-space: pre-wrap; line-height: 1.9;
  font-family: sans-serif; padding: 6px 10px; border: 1px solid #ddd; border-radius: 6px; color: #1a1a1a; }}
.attnviz-doc [data-k] {{ border-radius: 3px; cursor: pointer; }}
.attnviz-doc .special {{ font-size: 0.75em; color: #666; border: 1px solid #bbb; padding: 0 2px; }}
.attnviz-doc .chosen {{ outline: 2px solid #d62728; }}
.attnviz-doc .sink {{ text-decoration: underline dotted #d62728 2px; }}
"""

JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const docs = (window.__attnvizDocs = window.__attnvizDocs || {});
  // a shading that arrives before its document's text (the two mounts draw in either order) waits for it here
  const waiting = (window.__attnvizWaiting = window.__attnvizWaiting || {});
  if (data.role === "text") {
    let root = parentElement.querySelector(".attnviz-doc");
    if (!root || root.dataset.doc !== data.doc) {
      root = document.createElement("div");
      root.className = "attnviz-doc";
      root.dataset.doc = data.doc;
      root.style.fontSize = data.font + "px";
      data.pieces.forEach((piece, k) => {
        if (data.gaps[k]) root.appendChild(document.createTextNode(data.gaps[k]));
        const span = document.createElement("span");
        span.dataset.k = k;
        span.textContent = piece;
        if (data.special.includes(k)) span.className = "special";
        root.appendChild(span);
      });
      root.addEventListener("click", (e) => {
        const span = e.target.closest("[data-k]");
        if (span) setTriggerValue("token", Number(span.dataset.k));
      });
      const old = parentElement.querySelector(".attnviz-doc");
      if (old) old.remove();
      parentElement.appendChild(root);  // beside the component's own <style>, which must stay
    }
    docs[data.doc] = root;
    const pending = waiting[data.doc];
    if (pending) { delete waiting[data.doc]; pending(); }
    return;
  }
  const apply = () => {
    const root = docs[data.doc];
    if (!root || !root.isConnected) return false;
    const bytes = Uint8Array.from(atob(data.values), (c) => c.charCodeAt(0));
    const w = new Float32Array(bytes.buffer);
    let top = 1e-9;
    w.forEach((v) => { if (v > top) top = v; });
    const spans = root.querySelectorAll("[data-k]");
    spans.forEach((s) => {
      const k = Number(s.dataset.k);
      const v = k < w.length ? w[k] : 0;
      const shade = v / top;
      s.style.background = "rgba(31,119,180," + shade.toFixed(3) + ")";
      s.style.color = shade > 0.55 ? "white" : "";
      s.title = v.toFixed(4);
      s.classList.toggle("chosen", k >= data.chosen[0] && k < data.chosen[1]);
      s.classList.toggle("sink", data.sinks.includes(k));
    });
    const target = spans[data.top];
    if (target) root.scrollTop = Math.max(0, target.offsetTop - root.clientHeight / 2);
    return true;
  };
  if (apply()) delete waiting[data.doc];
  else waiting[data.doc] = apply;  // the latest shading only: the text's mount applies it once drawn
}
"""

_mount = st.components.v2.component("attnviz.document", css=CSS, js=JS)


def doc_id(cap: AttentionCapture) -> str:
    """A name for the capture's document, the same on every rerun and for every session reading it."""
    return hashlib.sha1(f"{cap.model}\0{len(cap.tokens)}\0{cap.text}".encode()).hexdigest()[:16]


def pieces(cap: AttentionCapture) -> tuple[list[str], list[str], list[int]]:
    """(the characters between each token and the one before it, each token's own characters, the special tokens'
    positions): the document as the tokens cut it, every character of the text shown once."""
    gaps, parts, special = [], [], []
    end = 0
    for k, (token, span) in enumerate(zip(cap.tokens, cap.spans or [None] * len(cap.tokens))):
        if span is None:
            gaps.append("")
            parts.append(token)
            special.append(k)
            continue
        a, b = span
        gaps.append(cap.text[end:a] if a >= end else "")
        parts.append(cap.text[max(a, end):b])
        end = max(end, b)
    return gaps, parts, special


def text(cap: AttentionCapture, key: str, font_px: int, on_token: Callable[[], None]):
    """The document's text (clicking a token triggers "token" on the component's result)."""
    gaps, parts, special = pieces(cap)
    data = {"role": "text", "doc": doc_id(cap), "gaps": gaps, "pieces": parts, "special": special, "font": font_px}
    return _mount(key=key, data=data, on_token_change=on_token, height="content")


def shade(cap: AttentionCapture, key: str, values: np.ndarray, chosen: tuple[int, int], top: int,
          sinks: tuple[int, ...] = ()) -> None:
    """Shade the document of `cap` by `values` (one a token), outline tokens chosen[0]:chosen[1], mark the sinks and
    scroll token `top` into view."""
    encoded = base64.b64encode(np.ascontiguousarray(values, dtype=np.float32).tobytes()).decode("ascii")
    data = {"role": "shade", "doc": doc_id(cap), "values": encoded, "chosen": [int(chosen[0]), int(chosen[1])],
            "top": int(top), "sinks": [int(p) for p in sinks]}
    _mount(key=key, data=data, height=0)
