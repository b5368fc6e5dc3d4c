"""An st.iframe's HTML that sizes its frame to what it holds: no empty band under a short sentence, no cut long one."""
from __future__ import annotations

# Streamlit measures the document, which is never shorter than the frame's own 150 px; the page inside
# (same origin: srcdoc) knows its height, so it sets the frame's, again whenever its width reflows it.
SCRIPT = """<script>
(() => {
  const fit = () => {
    const frame = window.frameElement;
    if (!frame) return;
    const body = document.body, style = getComputedStyle(body);
    const h = Math.ceil(body.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom));
    frame.style.setProperty("height", h + "px", "important");
    document.documentElement.style.height = h + "px";
  };
  new ResizeObserver(fit).observe(document.body);
  window.addEventListener("load", fit);
  fit();
})();
</script>"""


def fitted(html: str) -> str:
    """`html` with a script that gives its iframe the height of its content."""
    return html + SCRIPT
