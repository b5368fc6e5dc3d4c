// attnviz notebook widget: heatmap, head view and model view of one capture, drawn as SVG with plain JavaScript.
// The kernel sends only what is drawn (a request per selection, answered with binary buffers); nothing is
// fetched from the network. Tokens are text: always set with textContent, never parsed as HTML.
const SVGNS = "http://www.w3.org/2000/svg";
const FIG = 560; // pixels of the longer side of a heatmap
const ROW = 18; // head view: pixels a token
const LABEL_CHARS = 14; // tokens longer than this are cut in axis labels (whole in the tooltip)
const MIN_LINE = 0.01; // head view: weights under this draw no line
const RAMP = [[247, 251, 255], [198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107]];
const HEAD_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#843c39", "#7b4173", "#3182bd"];
const VIEWS = [["heatmap", "Heatmap"], ["head_view", "Head view"], ["model_view", "Model view"]];
const KIND_NAMES = { self: "self-attention", decoder_self: "decoder self-attention", cross: "cross-attention" };
const SELECTION = ["view", "kind", "measure", "layer", "head", "token", "window", "heads"];

// ---- pure helpers ----
export function requestKey(s) {
  // what an answer depends on: the same string as payload.Request.key() in Python
  const w = s.window && s.window.length ? s.window.join(",") : "";
  const t = s.token === null || s.token === undefined ? "" : String(s.token);
  const parts = [s.view, s.kind, s.measure];
  if (s.view === "model_view") parts.push(t);
  else parts.push(String(s.layer), String(s.head), w, t);
  return parts.join("|");
}

function colour(v) {
  // v in [0, 1] -> "rgb(...)" on a white-to-blue ramp
  const x = Math.max(0, Math.min(1, v)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const c = RAMP[i].map((a, j) => Math.round(a + (RAMP[i + 1][j] - a) * f));
  return c;
}

function css(c) {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function floats(view) {
  // a DataView (or ArrayBuffer) from the kernel -> Float32Array (copied: the offset may not be aligned)
  const b = view.buffer ? view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) : view;
  return new Float32Array(b);
}

function bytes(view) {
  return view.buffer ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength) : new Uint8Array(view);
}

function short(token) {
  const s = String(token);
  return s.length > LABEL_CHARS ? s.slice(0, LABEL_CHARS - 1) + "…" : s;
}

function fmt(v) {
  return v >= 0.001 || v === 0 ? v.toFixed(3) : v.toExponential(1);
}

function binRange(i, n, size) {
  // positions that pooled bin i of `size` covers over n positions (adaptive average pooling's bins)
  return [Math.floor((i * n) / size), Math.ceil(((i + 1) * n) / size)];
}

function h(tag, attrs = {}, parent = null, text = null) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

function s(tag, attrs = {}, parent = null, text = null) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

function raster(values, rows, cols, scale) {
  // values (row-major) -> a PNG data URL of cols × rows pixels; scale(v) -> [0, 1]
  const canvas = document.createElement("canvas");
  canvas.width = cols;
  canvas.height = rows;
  const g = canvas.getContext("2d");
  const img = g.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const c = colour(scale(values[i]));
    img.data[4 * i] = c[0];
    img.data[4 * i + 1] = c[1];
    img.data[4 * i + 2] = c[2];
    img.data[4 * i + 3] = 255;
  }
  g.putImageData(img, 0, 0);
  return canvas.toDataURL("image/png");
}

function image(parent, url, x, y, w, hgt) {
  return s("image", { href: url, x, y, width: w, height: hgt, preserveAspectRatio: "none",
    style: "image-rendering: pixelated; image-rendering: crisp-edges" }, parent);
}

function colourBar(svg, x, y, height, vmax) {
  const steps = 32;
  for (let i = 0; i < steps; i++) {
    s("rect", { x, y: y + (height * i) / steps, width: 10, height: height / steps + 0.5,
      fill: css(colour(1 - i / steps)) }, svg);
  }
  s("rect", { x, y, width: 10, height, fill: "none", stroke: "#8c959f" }, svg);
  s("text", { x: x + 14, y: y + 9, "font-size": 11, fill: "#57606a" }, svg, fmt(vmax));
  s("text", { x: x + 14, y: y + height, "font-size": 11, fill: "#57606a" }, svg, "0");
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function svgText(svg) {
  const copy = svg.cloneNode(true);
  copy.setAttribute("xmlns", SVGNS);
  const style = document.createElementNS(SVGNS, "style");
  style.textContent = "text { font-family: system-ui, -apple-system, 'Segoe UI', 'Noto Sans', sans-serif; }";
  copy.insertBefore(style, copy.firstChild);
  const bg = document.createElementNS(SVGNS, "rect");
  for (const [k, v] of [["x", 0], ["y", 0], ["width", "100%"], ["height", "100%"], ["fill", "#fff"]]) bg.setAttribute(k, v);
  copy.insertBefore(bg, style.nextSibling);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
}

function pngBlob(svg, scale = 2) {
  // the SVG drawn onto a canvas at `scale` times its pixels
  return new Promise((resolve, reject) => {
    const w = Number(svg.getAttribute("width")), hgt = Number(svg.getAttribute("height"));
    const url = URL.createObjectURL(new Blob([svgText(svg)], { type: "image/svg+xml" }));
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.ceil(w * scale);
      canvas.height = Math.ceil(hgt * scale);
      const g = canvas.getContext("2d");
      g.fillStyle = "#fff";
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png");
    };
    img.onerror = () => reject(new Error("the SVG could not be drawn"));
    img.src = url;
  });
}

// ---- the widget ----
function render({ model, el }) {
  const viewId = Math.random().toString(36).slice(2);
  let seq = 0;
  let latest = null; // {seq, key} of the last request
  let pending = false;
  let drawn = 0;
  let last = null; // the last answer drawn: {msg, buffers}
  const offline = Boolean(model.offline);

  el.replaceChildren();
  const root = h("div", { class: "attnviz", "data-drawn": "0" }, el);
  const bar = h("div", { class: "av-bar" }, root);
  const notes = h("div", { class: "av-note av-notes" }, root); // the capture's own notes (a cut text, a fallback)
  const note = h("div", { class: "av-note" }, root);
  const strip = h("div", { class: "av-strip" }, root);
  const fig = h("div", { class: "av-fig" }, root);
  const tip = h("div", { class: "av-tip" }, root);

  const get = (k) => model.get(k);
  const sel = () => Object.fromEntries(SELECTION.map((k) => [k, get(k)]));
  const shape = () => get("shapes")[get("kind")] || [1, 1, 1, 1];
  const axes = () => {
    const kind = get("kind"), tok = get("tokens"), tgt = get("target_tokens") || [];
    return kind === "self" ? [tok, tok] : kind === "decoder_self" ? [tgt, tgt] : [tgt, tok];
  };
  const change = (values) => {
    for (const [k, v] of Object.entries(values)) model.set(k, v);
    model.save_changes();
  };
  const showTip = (evt, text) => {
    const box = root.getBoundingClientRect();
    tip.textContent = text;
    tip.style.display = "block";
    tip.style.left = Math.min(evt.clientX - box.left + 12, box.width - 220) + "px";
    tip.style.top = evt.clientY - box.top + 14 + "px";
  };
  const hideTip = () => (tip.style.display = "none");

  // ---- the toolbar ----
  const tabs = h("span", { class: "av-tabs", role: "group" }, bar);
  const tabButtons = VIEWS.map(([v, label]) => {
    const b = h("button", { type: "button", "data-view": v }, tabs, label);
    b.addEventListener("click", () => change({ view: v }));
    return b;
  });
  const picker = (label, name) => {
    const g = h("span", { class: "av-group" }, bar);
    h("label", {}, g, label);
    const select = h("select", { "aria-label": label, "data-trait": name }, g);
    select.addEventListener("change", () => {
      const v = select.value;
      change({ [name]: name === "layer" || name === "head" ? Number(v) : v });
    });
    return [g, select];
  };
  const [kindGroup, kindSelect] = picker("Kind", "kind");
  const [, layerSelect] = picker("Layer", "layer");
  const [headGroup, headSelect] = picker("Head", "head");
  const [measureGroup, measureSelect] = picker("Measure", "measure");
  const focusChip = h("span", { class: "av-chip" }, bar);
  const focusText = h("span", {}, focusChip);
  const focusClear = h("button", { type: "button", title: "Clear the focus", "aria-label": "Clear the focus" }, focusChip, "✕");
  focusClear.addEventListener("click", () => change({ token: null }));
  const zoomReset = h("button", { type: "button", "data-action": "zoom-reset" }, bar, "Whole text");
  zoomReset.addEventListener("click", () => change({ window: [] }));
  h("span", { class: "av-spacer" }, bar);
  const exportGroup = h("span", { class: "av-group" }, bar);
  h("label", {}, exportGroup, "Save");
  const name = (ext) => {
    const v = get("view"), parts = ["attnviz", v.replace("_", "-")];
    if (v !== "model_view") parts.push("layer" + get("layer"));
    if (v === "heatmap") parts.push("head" + get("head"));
    return parts.join("-") + "." + ext;
  };
  const svgButton = h("button", { type: "button", "data-export": "svg" }, exportGroup, "SVG");
  svgButton.addEventListener("click", () => {
    const svg = fig.querySelector("svg");
    if (svg) download(new Blob([svgText(svg)], { type: "image/svg+xml" }), name("svg"));
  });
  const pngButton = h("button", { type: "button", "data-export": "png" }, exportGroup, "PNG");
  pngButton.addEventListener("click", () => {
    const svg = fig.querySelector("svg");
    if (svg) pngBlob(svg).then((b) => download(b, name("png")), (e) => setNote(String(e), true));
  });
  if (!offline) {
    const htmlButton = h("button", { type: "button", "data-export": "html" }, exportGroup, "HTML");
    htmlButton.addEventListener("click", () => model.send({ type: "export_html" }));
  }

  const options = (select, values, labels, current) => {
    const want = values.map(String).join("\u0000") + "\u0001" + labels.join("\u0000");
    if (select.dataset.options !== want) {
      select.replaceChildren(...values.map((v, i) => h("option", { value: String(v) }, null, labels[i])));
      select.dataset.options = want;
    }
    select.value = String(current);
  };
  const syncBar = () => {
    const [layers, heads] = shape();
    const kinds = get("kinds"), measures = get("measures");
    tabButtons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.view === get("view"))));
    options(kindSelect, kinds, kinds.map((k) => KIND_NAMES[k] || k), get("kind"));
    kindGroup.style.display = kinds.length > 1 ? "" : "none";
    options(layerSelect, [...Array(layers).keys()], [...Array(layers).keys()].map(String), get("layer"));
    const kv = (get("kv_heads") || {})[get("kind")];
    const group = kv && kv < heads ? heads / kv : 0; // grouped-query attention: query heads per key/value head
    options(headSelect, [...Array(heads).keys()],
      [...Array(heads).keys()].map((hd) => (group ? `${hd} (key/value ${Math.floor(hd / group)})` : String(hd))), get("head"));
    headGroup.style.display = get("view") === "head_view" ? "none" : "";
    options(measureSelect, measures, measures, get("measure"));
    measureSelect.disabled = measures.length < 2;
    measureGroup.title = measures.length < 2 ? "The attention weight is the only measure this capture has" : "";
    const t = get("token");
    focusChip.style.display = t === null || t === undefined ? "none" : "";
    if (t !== null && t !== undefined) focusText.textContent = `focus: ${t} “${short(axes()[0][t])}”`;
    zoomReset.style.display = (get("window") || []).length ? "" : "none";
    notes.textContent = (get("notes") || []).join(" ");
    notes.style.display = notes.textContent ? "" : "none";
  };
  const setNote = (text, error = false) => {
    note.textContent = text;
    note.classList.toggle("av-error", error);
  };

  // ---- requests: one per change of the selection, however many traits it changed ----
  const ask = () => {
    if (pending) return;
    pending = true;
    Promise.resolve().then(() => {
      pending = false;
      const req = sel();
      const key = requestKey(req);
      if (last && last.msg.key === key) return draw(last.msg, last.buffers); // only the heads shown changed
      seq += 1;
      latest = { seq, key };
      model.send({ type: "request", seq, view_id: viewId, ...req });
    });
  };
  const onChange = () => {
    syncBar();
    ask();
  };
  const events = [...SELECTION, "shapes", "kv_heads", "measures", "kinds", "notes"].map((k) => "change:" + k);
  for (const e of events) model.on(e, onChange);

  const onMessage = (msg, buffers) => {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "data" || msg.type === "error" || msg.type === "missing") {
      if (msg.view_id !== viewId || !latest || msg.seq !== latest.seq) return; // another view's, or stale
      if (msg.type === "error") return setNote(msg.message, true);
      if (msg.type === "missing") {
        fig.replaceChildren();
        strip.replaceChildren();
        return setNote("This selection is not in this file: save it from the notebook with save_html(path, heads=[(layer, head)]).", true);
      }
      last = { msg, buffers };
      draw(msg, buffers);
    } else if (msg.type === "html") {
      download(new Blob([msg.html], { type: "text/html" }), msg.name || name("html"));
    } else if (msg.type === "export") {
      exportFor(msg);
    }
  };
  model.on("msg:custom", onMessage);

  const exportFor = (msg) => {
    const svg = fig.querySelector("svg");
    if (!svg) return;
    if (msg.format === "svg") {
      model.send({ type: "exported", id: msg.id, format: "svg", svg: svgText(svg) });
    } else {
      pngBlob(svg).then((b) => b.arrayBuffer()).then((buf) => model.send({ type: "exported", id: msg.id, format: "png" }, undefined, [buf]));
    }
  };

  // ---- drawing ----
  const draw = (msg, buffers) => {
    hideTip();
    setNote("");
    const v = msg.request.view;
    if (v === "heatmap") drawHeatmap(msg, buffers);
    else if (v === "head_view") drawHeadView(msg, buffers);
    else drawModelView(msg, buffers);
    drawStrip(msg, buffers);
    drawn += 1;
    root.setAttribute("data-drawn", String(drawn));
    root.setAttribute("data-key", msg.key);
    if (drawn === 1 && typeof performance !== "undefined") {
      root.setAttribute("data-first-draw-ms", String(Math.round(performance.now())));
    }
  };

  const title = (svg, text) => s("text", { x: 4, y: 16, "font-size": 13, "font-weight": 600, fill: "#1b1f24" }, svg, text);
  const sharing = (hd) => {
    // grouped-query attention: the key/value head this query head reads, and the query heads that share it
    const kv = (get("kv_heads") || {})[get("kind")], heads = shape()[1];
    if (!kv || kv >= heads) return "";
    const group = heads / kv, k = Math.floor(hd / group);
    return ` · key/value head ${k}, shared by heads ${k * group}–${(k + 1) * group - 1}`;
  };
  const describe = (r) => `${get("title")} · ${KIND_NAMES[r.kind] || r.kind} · ${r.measure}`;

  const drawHeatmap = (msg, buffers) => {
    const r = msg.request;
    const { rows, cols, q0, q1, k0, k1, pooled, vmax } = msg;
    const values = floats(buffers[0]);
    const [qTok, kTok] = axes();
    const cs = Math.max(1, Math.min(26, Math.floor(FIG / Math.max(rows, cols))));
    const labelled = !pooled && cs >= 11;
    const longest = (toks) => Math.min(LABEL_CHARS, Math.max(1, ...toks.map((t) => String(t).length)));
    const left = labelled ? 16 + 6.6 * longest(qTok.slice(q0, q1)) : 48;
    const top = labelled ? 34 + 5.8 * longest(kTok.slice(k0, k1)) : 52;
    const W = cols * cs, H = rows * cs;
    const heading = `${describe(r)} · layer ${r.layer}, head ${r.head}${sharing(r.head)}`;
    const width = Math.max(left + W + 60, 16 + 7.4 * heading.length), height = top + H + 34;
    const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
    title(svg, heading);
    image(svg, raster(values, rows, cols, (x) => (vmax > 0 ? x / vmax : 0)), left, top, W, H);
    s("rect", { x: left, y: top, width: W, height: H, fill: "none", stroke: "#d0d7de" }, svg);
    const qPos = (i) => (pooled ? binRange(i, q1 - q0, rows) : [i, i + 1]).map((p) => p + q0);
    const kPos = (j) => (pooled ? binRange(j, k1 - k0, cols) : [j, j + 1]).map((p) => p + k0);
    if (labelled) {
      for (let i = 0; i < rows; i++) {
        const t = s("text", { x: left - 4, y: top + i * cs + cs / 2 + 4, "text-anchor": "end", "font-size": 11,
          fill: "#1b1f24", class: "av-clickable", "data-query": q0 + i }, svg, short(qTok[q0 + i]));
        t.addEventListener("click", () => change({ token: get("token") === q0 + i ? null : q0 + i }));
      }
      for (let j = 0; j < cols; j++) {
        const x = left + j * cs + cs / 2 + 4, y = top - 4;
        s("text", { x, y, transform: `rotate(-60 ${x} ${y})`, "font-size": 11, fill: "#1b1f24" }, svg, short(kTok[k0 + j]));
      }
    } else {
      // position ticks, about every 60 pixels
      const ticks = (n, size, at) => {
        const every = Math.max(1, Math.ceil(60 / cs));
        for (let i = 0; i < size; i += every) at(i, (pooled ? binRange(i, n, size)[0] : i));
      };
      ticks(q1 - q0, rows, (i, p) => s("text", { x: left - 4, y: top + i * cs + 9, "text-anchor": "end",
        "font-size": 10, fill: "#57606a" }, svg, String(p + q0)));
      ticks(k1 - k0, cols, (j, p) => s("text", { x: left + j * cs, y: top - 4, "font-size": 10, fill: "#57606a" },
        svg, String(p + k0)));
      s("text", { x: left, y: top - 18, "font-size": 11, fill: "#57606a" }, svg, "key position →");
      s("text", { x: 4, y: top + H + 16, "font-size": 11, fill: "#57606a" }, svg, "↓ query position");
    }
    const token = get("token");
    if (token !== null && token !== undefined && token >= q0 && token < q1) {
      const i = pooled ? Math.floor(((token - q0) * rows) / (q1 - q0)) : token - q0;
      s("rect", { x: left - 1, y: top + i * cs - 1, width: W + 2, height: cs + 2, fill: "none", stroke: "#cf222e",
        "stroke-width": 2, "data-focus-row": token }, svg);
    }
    colourBar(svg, left + W + 12, top, Math.min(H, 160), vmax);
    // hover: the cell's tokens and weight; click: focus its query; drag: zoom into the region
    const overlay = s("rect", { x: left, y: top, width: W, height: H, fill: "transparent", class: "av-clickable",
      "data-plot": "heatmap" }, svg);
    const band = s("rect", { fill: "rgba(9,105,218,0.15)", stroke: "#0969da", display: "none" }, svg);
    const cell = (evt) => {
      const box = overlay.getBoundingClientRect();
      const j = Math.max(0, Math.min(cols - 1, Math.floor(((evt.clientX - box.left) / box.width) * cols)));
      const i = Math.max(0, Math.min(rows - 1, Math.floor(((evt.clientY - box.top) / box.height) * rows)));
      return [i, j];
    };
    let start = null;
    overlay.addEventListener("pointerdown", (evt) => {
      start = cell(evt);
      overlay.setPointerCapture(evt.pointerId);
    });
    overlay.addEventListener("pointermove", (evt) => {
      const [i, j] = cell(evt);
      const [qa, qb] = qPos(i), [ka, kb] = kPos(j);
      const w = values[i * cols + j];
      showTip(evt, pooled ? `queries ${qa}–${qb - 1} → keys ${ka}–${kb - 1}\nmean ${fmt(w)}`
        : `query ${qa} “${qTok[qa]}” → key ${ka} “${kTok[ka]}”\n${r.measure} ${fmt(w)}`);
      if (start) {
        const [i0, j0] = start;
        band.setAttribute("display", "");
        band.setAttribute("x", left + Math.min(j, j0) * cs);
        band.setAttribute("y", top + Math.min(i, i0) * cs);
        band.setAttribute("width", (Math.abs(j - j0) + 1) * cs);
        band.setAttribute("height", (Math.abs(i - i0) + 1) * cs);
      }
    });
    overlay.addEventListener("pointerleave", hideTip);
    overlay.addEventListener("pointerup", (evt) => {
      if (!start) return;
      const [i, j] = cell(evt), [i0, j0] = start;
      start = null;
      band.setAttribute("display", "none");
      if (Math.abs(i - i0) + Math.abs(j - j0) >= 2) {
        const qa = qPos(Math.min(i, i0))[0], qb = qPos(Math.max(i, i0))[1];
        const ka = kPos(Math.min(j, j0))[0], kb = kPos(Math.max(j, j0))[1];
        change({ window: [qa, qb, ka, kb] });
      } else {
        const q = qPos(i)[0];
        change({ token: get("token") === q ? null : q });
      }
    });
    fig.replaceChildren(svg);
    if (pooled) setNote(`Long input: each cell is the mean of about ${Math.ceil((q1 - q0) / rows)} × ${Math.ceil((k1 - k0) / cols)} weights. Drag across the heatmap to zoom in.`);
  };

  const drawHeadView = (msg, buffers) => {
    const r = msg.request;
    const { q0, q1, k0, k1, heads } = msg;
    const nq = q1 - q0, nk = k1 - k0;
    const data = floats(buffers[0]); // [head, nq, nk]
    const [qTok, kTok] = axes();
    const shown = (get("heads") || []).length ? get("heads") : [...Array(heads).keys()];
    const token = get("token");
    const focus = token !== null && token !== undefined && token >= q0 && token < q1 ? token - q0 : null;
    const colW = 9 + 6.6 * Math.min(LABEL_CHARS, Math.max(1, ...qTok.slice(q0, q1).concat(kTok.slice(k0, k1)).map((t) => String(t).length)));
    const top = 56, gap = 190;
    const xl = 8 + colW, xr = xl + gap;
    const heading = `${describe(r)} · layer ${r.layer}`;
    const width = Math.max(xr + colW + 10, 16 + 7.4 * heading.length, 16 + heads * 18);
    const height = top + Math.max(nq, nk) * ROW + 10;
    const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
    title(svg, heading);
    // head swatches: click shows that head alone (and selects it); shift-click adds or removes it
    for (let hd = 0; hd < heads; hd++) {
      const on = shown.includes(hd);
      const sw = s("rect", { x: 8 + hd * 18, y: 26, width: 14, height: 14, rx: 2, fill: HEAD_COLOURS[hd % HEAD_COLOURS.length],
        "fill-opacity": on ? 1 : 0.2, stroke: hd === get("head") ? "#1b1f24" : "none", "stroke-width": 1.5,
        class: "av-clickable", "data-head": hd }, svg);
      sw.addEventListener("click", (evt) => {
        let next = evt.shiftKey ? (on ? shown.filter((x) => x !== hd) : shown.concat([hd]).sort((a, b) => a - b)) : [hd];
        if (!next.length) next = [hd];
        change({ heads: next.length === heads ? [] : next, head: hd });
      });
      sw.addEventListener("pointermove", (evt) => showTip(evt, `head ${hd}${on ? "" : " (hidden)"}`));
      sw.addEventListener("pointerleave", hideTip);
    }
    const lines = s("g", {}, svg);
    const drawLines = (only) => {
      lines.replaceChildren();
      for (const hd of shown) {
        const c = HEAD_COLOURS[hd % HEAD_COLOURS.length];
        for (let i = 0; i < nq; i++) {
          if (only !== null && i !== only) continue;
          for (let j = 0; j < nk; j++) {
            const w = data[(hd * nq + i) * nk + j];
            if (w < MIN_LINE) continue;
            s("line", { x1: xl + 2, y1: top + i * ROW + ROW / 2, x2: xr - 2, y2: top + j * ROW + ROW / 2, stroke: c,
              "stroke-opacity": Math.min(1, w).toFixed(3), "stroke-width": 2 }, lines);
          }
        }
      }
    };
    drawLines(focus);
    for (let i = 0; i < nq; i++) {
      const t = s("text", { x: xl - 4, y: top + i * ROW + ROW / 2 + 4, "text-anchor": "end", "font-size": 12,
        "font-weight": i === focus ? 700 : 400, fill: i === focus ? "#cf222e" : "#1b1f24", class: "av-clickable",
        "data-query": q0 + i }, svg, short(qTok[q0 + i]));
      t.addEventListener("pointerenter", () => focus === null && drawLines(i));
      t.addEventListener("pointerleave", () => focus === null && drawLines(null));
      t.addEventListener("click", () => change({ token: token === q0 + i ? null : q0 + i }));
    }
    for (let j = 0; j < nk; j++) {
      s("text", { x: xr + 4, y: top + j * ROW + ROW / 2 + 4, "font-size": 12, fill: "#1b1f24" }, svg, short(kTok[k0 + j]));
    }
    fig.replaceChildren(svg);
    const [, , n_q] = shape();
    if (nq < n_q) {
      setNote(`Positions ${q0}–${q1 - 1} of ${n_q}: lines only within this page.`);
      const pager = h("span", { class: "av-pager" }, note);
      const page = (delta) => {
        const a = Math.max(0, Math.min(n_q - nq, q0 + delta));
        const win = r.kind === "cross" ? [a, a + nq, k0, k1] : [a, a + nq, a, a + nq];
        change({ window: win, token: null });
      };
      const prev = h("button", { type: "button", "data-action": "page-prev" }, pager, "◀");
      const next = h("button", { type: "button", "data-action": "page-next" }, pager, "▶");
      prev.disabled = q0 === 0;
      next.disabled = q1 >= n_q;
      prev.addEventListener("click", () => page(-nq));
      next.addEventListener("click", () => page(nq));
    }
  };

  const drawModelView = (msg, buffers) => {
    const r = msg.request;
    const { layers, heads, rows, cols } = msg;
    const u8 = bytes(buffers[0]);
    const peaks = floats(buffers[1]);
    const size = Math.max(28, Math.min(64, Math.floor(720 / heads)));
    const th = rows === 1 ? Math.max(8, Math.round(size / 4)) : size;
    const left = 34, top = 44, pad = 4;
    const heading = `${describe(r)} · every layer and head${r.token !== null && r.token !== undefined ? ` · focus ${r.token}` : ""}`;
    const width = Math.max(left + heads * (size + pad) + 4, 16 + 7.4 * heading.length);
    const height = top + layers * (th + pad) + 4;
    const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img" });
    title(svg, heading);
    for (let hd = 0; hd < heads; hd++) {
      s("text", { x: left + hd * (size + pad) + size / 2, y: top - 6, "text-anchor": "middle", "font-size": 10, fill: "#57606a" }, svg, String(hd));
    }
    const per = rows * cols;
    for (let l = 0; l < layers; l++) {
      s("text", { x: left - 6, y: top + l * (th + pad) + th / 2 + 4, "text-anchor": "end", "font-size": 10, fill: "#57606a" }, svg, "L" + l);
      for (let hd = 0; hd < heads; hd++) {
        const k = l * heads + hd;
        const x = left + hd * (size + pad), y = top + l * (th + pad);
        image(svg, raster(u8.subarray(k * per, (k + 1) * per), rows, cols, (v) => v / 255), x, y, size, th);
        const current = l === get("layer") && hd === get("head");
        const frame = s("rect", { x: x - 0.5, y: y - 0.5, width: size + 1, height: th + 1, fill: "transparent",
          stroke: current ? "#cf222e" : "#d0d7de", "stroke-width": current ? 2 : 1, class: "av-clickable",
          "data-layer": l, "data-head": hd }, svg);
        frame.addEventListener("click", () => change({ layer: l, head: hd, view: "heatmap" }));
        frame.addEventListener("pointermove", (evt) => showTip(evt, `layer ${l}, head ${hd}\nlargest ${r.measure} ${fmt(peaks[k])}\nclick to open`));
        frame.addEventListener("pointerleave", hideTip);
      }
    }
    s("text", { x: 4, y: 32, "font-size": 10, fill: "#57606a" }, svg, "head →");
    fig.replaceChildren(svg);
    const [, , nq, nk] = shape();
    if (Math.max(nq, nk) > Math.max(rows, cols)) setNote(`Each thumbnail averages the head into ${rows} × ${cols} cells, each scaled to its own largest value.`);
  };

  const drawStrip = (msg, buffers) => {
    strip.replaceChildren();
    const f = msg.focus;
    if (!f) return;
    const row = floats(buffers[f.buffer]);
    const [qTok, kTok] = axes();
    const r = msg.request;
    h("span", { class: "av-strip-label" }, strip, `“${qTok[f.token]}” (${f.token}) → layer ${r.layer}, head ${r.head}:`);
    for (let j = f.k0; j < f.k1; j++) {
      const w = row[j - f.k0];
      const c = colour(f.vmax > 0 ? w / f.vmax : 0);
      const span = h("span", { "data-key": j }, strip, String(kTok[j]));
      span.style.background = css(c);
      span.style.color = c[0] + c[1] + c[2] < 330 ? "#fff" : "#1b1f24";
      if (r.kind !== "cross" && j === f.token) span.classList.add("av-strip-focus");
      span.title = `${j}: ${fmt(w)}`;
    }
  };

  syncBar();
  ask();
  return () => {
    for (const e of events) model.off(e, onChange);
    model.off("msg:custom", onMessage);
  };
}

// ---- the standalone page: the same drawing, answered from the answers embedded in the file ----
function decode(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return new DataView(out.buffer);
}

export function standalone(el, data) {
  const state = { ...data.state };
  const handlers = {};
  const changed = new Set();
  const fire = (name, ...args) => (handlers[name] || []).slice().forEach((cb) => cb(...args));
  const model = {
    offline: true,
    get: (k) => state[k],
    set: (k, v) => {
      state[k] = v;
      changed.add(k);
    },
    save_changes: () => {
      const names = [...changed];
      changed.clear();
      names.forEach((k) => fire("change:" + k));
    },
    on: (name, cb) => (handlers[name] = handlers[name] || []).push(cb),
    off: (name, cb) => (handlers[name] = (handlers[name] || []).filter((x) => x !== cb)),
    send: (msg) => {
      if (msg.type !== "request") return;
      const hit = data.answers[requestKey(msg)];
      const echo = { seq: msg.seq, view_id: msg.view_id };
      setTimeout(() => fire("msg:custom", hit ? { ...hit.content, ...echo } : { type: "missing", ...echo },
        hit ? hit.buffers.map(decode) : []));
    },
  };
  return render({ model, el });
}

export default { render };
