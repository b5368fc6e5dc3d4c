"""The attention explorer: every head and every view of one capture, with focus, filters, export and links."""
import numpy as np
import pandas as pd
import streamlit as st

from attnviz.figures import plots

from attnviz.analysis import reduce
from attnviz.core.errors import AttnvizError
from attnviz.figures.export import npz_bytes
from attnviz.core.types import KIND_LABELS
from attnviz.ui import state, urlstate, widgets

VIEWS = ["Heatmap", "Head view", "Model view", "Aggregates", "Statistics", "Query–key", "Generate"]
AGGREGATES = ["mean over heads", "max over heads", "rollout", "flow"]
WINDOW_DEFAULT = 128  # longer inputs open on a window of this many tokens


def _take_click(chart_key: str, seen_key: str):
    """The customdata of a newly clicked point of a chart (None if nothing new was clicked)."""
    event = st.session_state.get(chart_key)
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        (getattr(getattr(event, "selection", None), "points", None) or [])
    if not points:
        return None
    point = points[0]
    data = point.get("customdata") if isinstance(point, dict) else None
    signature = repr(point)
    if data is None or st.session_state.get(seen_key) == signature:
        return None
    st.session_state[seen_key] = signature
    return data


# Clicks on the model view open that head; clicks on a head-view token focus it. Both set widget
# keys, so they are read before the widgets are drawn.
clicked = _take_click("ex_model_chart", "ex_model_seen")
if clicked is not None and len(clicked) == 2:
    st.session_state["ex_layer"], st.session_state["ex_head"] = int(clicked[0]), int(clicked[1])
    st.session_state["ex_view"] = "Heatmap"
clicked = _take_click("ex_headview_chart", "ex_headview_seen")
if isinstance(clicked, (int, float)):
    st.session_state["ex_focus"] = int(clicked)

st.title("Explorer")
model, cap = state.require_capture()
view = st.radio("View", VIEWS, horizontal=True, key="ex_view")
kind, layer, head = widgets.kind_layer_head(cap, "ex")
query_tokens, key_tokens = cap.axes(kind)
n_q, n_k = len(query_tokens), len(key_tokens)

# ---- token filters: focus, special tokens, window -----------------------------------------------------
f1, f2, f3 = st.columns([3, 2, 2])
focus_options = [-1] + list(range(n_q))
if st.session_state.get("ex_focus") not in focus_options:
    st.session_state["ex_focus"] = -1
focus = f1.selectbox("Focus on a query token", focus_options, key="ex_focus",
                     format_func=lambda i: "all tokens" if i < 0 else f"{i} · {query_tokens[i]}",
                     help="Every view then shows only what this token attends to. In the head view, click a token.")
square = kind != "cross"
hide = f2.toggle("Hide special tokens", key="ex_hide", disabled=not (square and any(cap.special)),
                 help="[CLS], [SEP], <s>, … often soak up attention and hide the rest.")
renorm = f3.toggle("Renormalise rows", key="ex_renorm", disabled=not hide,
                   help="After hiding, rescale each row to sum to 1 again.")
keep = list(range(n_k))
if hide and square and any(cap.special):
    keep = [i for i in keep if not cap.special[i]]
if n_k > 64:
    w0, w1 = st.slider("Window of positions", 0, n_k, (0, min(n_k, WINDOW_DEFAULT)), key="ex_window",
                       help="Long inputs are shown a window at a time; overviews (model view, statistics) use all.")
    keep = [i for i in keep if w0 <= i < w1]
if not keep:
    st.warning("No tokens are left to show: widen the window or show the special tokens.")
    st.stop()
if hide:
    st.caption("Special tokens hidden; rows " + ("renormalised to sum to 1 over the remaining keys." if renorm else
                                                 "not renormalised: they sum to what the shown keys received."))


def shown(matrix: np.ndarray) -> tuple[np.ndarray, list[str], list[str]]:
    """A [query_pos, key_pos] matrix after the window, the special-token filter and the focus."""
    rows = keep if square else list(range(n_q))
    m = reduce.restrict(matrix, rows, keep, renormalise=hide and renorm)
    q_tok, k_tok = [query_tokens[i] for i in rows], [key_tokens[i] for i in keep]
    if focus >= 0 and focus in rows:
        r = rows.index(focus)
        return m[r:r + 1], [q_tok[r]], k_tok
    return m, q_tok, k_tok


img_format = st.sidebar.radio("Image format of the figures' camera button", ["png", "svg"], horizontal=True,
                              key="ex_img")


def show(fig, key: str, matrix: np.ndarray | None = None, q_tok=None, k_tok=None, **kwargs) -> None:
    """Draw a figure with its downloads: PNG/SVG from the camera button (in the browser, offline), CSV of
    the matrix shown, and the figure as a standalone HTML file (plotly.js inlined: it opens offline)."""
    config = {"displaylogo": False, "toImageButtonOptions": {"format": img_format, "filename": f"attnviz-{key}",
                                                            "scale": 2}}
    st.plotly_chart(fig, key=key, config=config, **kwargs)
    # Files are built only when their button is clicked (callables): a 512-token capture's NPZ takes
    # seconds to compress and a standalone HTML carries 4.8 MB of plotly.js; no rerun should pay for that.
    d1, d2, _ = st.columns([1, 1, 3])
    if matrix is not None:
        d1.download_button("Matrix as CSV", lambda: plots.to_csv(matrix, q_tok, k_tok), file_name=f"attnviz-{key}.csv",
                           mime="text/csv", key=f"{key}_csv")
    d2.download_button("Figure as HTML", lambda: fig.to_html(include_plotlyjs=True, full_html=True),
                       file_name=f"attnviz-{key}.html", mime="text/html", key=f"{key}_html")


title = f"{KIND_LABELS[kind]} · layer {layer} · head {head}"
note = widgets.kv_sharing(model.info, head)

# ---- the views ------------------------------------------------------------------------------------------
if view == "Heatmap":
    log_color = st.toggle("Log colour scale", key="ex_log")
    if note:
        st.info(note)
    m, qt, kt = shown(cap.head(kind, layer, head))
    show(plots.head_heatmap(m, qt, kt, title=title, log_color=log_color), "ex_heatmap", m, qt, kt)

elif view == "Head view":
    n_heads = cap.shape(kind)[1]
    heads = st.multiselect("Heads", list(range(n_heads)), default=list(range(n_heads)), key="ex_heads",
                           format_func=lambda h: f"head {h}")
    layer_heads = cap.attention[kind][layer].float().cpu().numpy()
    if hide or n_k > 64:
        rows = keep if square else list(range(n_q))
        layer_heads = layer_heads[:, rows][:, :, keep]
        qt, kt = [query_tokens[i] for i in rows], [key_tokens[i] for i in keep]
        local_focus = rows.index(focus) if focus in rows else None
    else:
        qt, kt, local_focus = query_tokens, key_tokens, (focus if focus >= 0 else None)
    st.caption("Lines join each query (left) to the keys it attends to (right); thicker and darker is more weight "
               "(weights under 0.05 are not drawn). Click a token on the left to see only its attention.")
    fig = plots.head_view(layer_heads, qt, kt, heads, focus=local_focus, title=f"{KIND_LABELS[kind]} · layer {layer}")
    show(fig, "ex_headview_chart", on_select="rerun", selection_mode="points")

elif view == "Model view":
    stack = cap.attention[kind]
    if focus >= 0:
        stack = stack[:, :, focus:focus + 1, :]
    thumbs = reduce.pooled(stack, 32)
    st.caption(f"Every layer × head ({thumbs.shape[0]} × {thumbs.shape[1]}), each scaled to its own maximum"
               + (f", pooled on {cap.device} to {thumbs.shape[2]} × {thumbs.shape[3]} cells" if max(n_q, n_k) > 32 else "")
               + ". Click a thumbnail to open that head.")
    show(plots.model_view(thumbs, title=f"{KIND_LABELS[kind]}: all heads"), "ex_model_chart", on_select="rerun",
         selection_mode="points")

elif view == "Aggregates":
    how = st.radio("Aggregate", AGGREGATES, horizontal=True, key="ex_agg")
    stack = cap.attention[kind]
    if how == "rollout" and not square:
        st.warning("Rollout multiplies a layer's attention by the next one's, so it needs square self-attention; "
                   "pick self-attention.")
        st.stop()
    if how in ("mean over heads", "max over heads"):
        matrix = reduce.aggregate(stack, "mean" if how.startswith("mean") else "max")[layer]
        label = f"{how} · layer {layer}"
    elif how == "rollout":
        matrix = reduce.rollout(stack)[layer]
        label = f"rollout through layer {layer}"
        st.caption("Abnar & Zuidema (2020): each layer's head-averaged attention mixed half-and-half with the "
                   "residual path, multiplied through the layers: how much each position draws on each input token.")
    else:
        if not square:
            st.warning("Attention flow needs square self-attention; pick self-attention.")
            st.stop()
        normalise = st.toggle("Rows sum to one (the authors' code)", False, key="ex_flow_norm")
        try:
            matrix = reduce.flow(stack, normalise=normalise)
        except ValueError as exc:
            st.warning(str(exc))
            st.stop()
        label = "attention flow to the last layer" + (", rows normalised" if normalise else ", raw max-flow")
        st.caption("Abnar & Zuidema (2020): the maximum flow from each input token to each output position "
                   "through every layer, with the head-averaged weights (and the residual) as capacities. "
                   + ("Each row divided by its sum, as in the authors' code." if normalise else
                      "Raw max-flow values, as the paper defines them: each input's flow is solved on its own, so a "
                      "row can sum to more than 1. Turn on the toggle for the authors' row-normalised version."))
    m, qt, kt = shown(matrix)
    show(plots.head_heatmap(m, qt, kt, title=label), "ex_aggregate", m, qt, kt)

elif view == "Statistics":
    stats = reduce.head_statistics(cap, kind)
    names = list(stats)
    stat = st.selectbox("Statistic", names, key="ex_stat")
    st.plotly_chart(plots.layer_head_chart(stats[stat], f"{stat} per head"), key="ex_stat_chart")
    sim = reduce.head_similarity(cap.attention[kind])
    order, labels = reduce.cluster_order(sim)
    layers_n, heads_n = stats[names[0]].shape
    table = pd.DataFrame({"layer": np.repeat(np.arange(layers_n), heads_n), "head": np.tile(np.arange(heads_n), layers_n),
                          **{name: values.reshape(-1) for name, values in stats.items()}, "cluster": labels})
    st.markdown("**Every head** (click a column to sort)")
    st.dataframe(table.round(4), hide_index=True, width="stretch", key="ex_stat_table")
    st.download_button("Statistics as CSV", lambda: table.to_csv(index=False), file_name="attnviz-head-statistics.csv",
                       mime="text/csv", key="ex_stat_csv")
    st.markdown(f"**Heads clustered by the similarity of their patterns** ({labels.max()} clusters at a 0.5 cut)")
    names_ordered = [f"L{i // heads_n}h{i % heads_n}" for i in order]
    fig = plots.head_heatmap(sim[np.ix_(order, order)].clip(0, 1), names_ordered, names_ordered,
                             title="cosine similarity of head patterns (clustered order)")
    fig.update_traces(hovertemplate="%{y} vs %{x}: %{z:.3f}<extra></extra>")
    st.plotly_chart(fig, key="ex_cluster")
    st.caption("Entropy in nats (low: a peaked head); mean distance in positions; the other columns are the "
               "average weight a query gives to that target (Clark et al. 2019).")

elif view == "Query–key":
    if kind not in cap.qk:
        st.info("This capture kept no query and key vectors.")
        st.stop()
    methods = reduce.projection_methods()
    method = st.radio("Projection", methods, horizontal=True, key="ex_proj")
    if len(methods) == 1:
        st.caption("t-SNE and UMAP appear here when scikit-learn or umap-learn is installed.")
    qxy, kxy, ratio = reduce.qk_projection(cap, kind, layer, head, method)
    where = (f"on their first two principal axes ({ratio[0]:.0%} + {ratio[1]:.0%} of the variance)"
             if ratio is not None else f"by {method}")
    st.caption(f"The head's queries (circles) and keys (diamonds) projected together {where}, coloured by position. "
               "Queries near a key have a large dot product with it.")
    show(plots.qk_scatter(qxy, kxy, query_tokens, key_tokens, title=title, focus=focus if focus >= 0 else None), "ex_qk")

elif view == "Generate":
    from attnviz.ui.cache import cached_generation

    if model.info.architecture != "decoder":
        st.info(f"Generation is for causal models; `{model.info.name}` is an {model.info.architecture}. "
                "Pick glassllm-en or scratch-decoder in the sidebar. (Encoder-decoders show their cross-attention "
                "and the decoder's own attention under Heatmap.)")
        st.stop()
    g1, g2, g3, g4, g5 = st.columns(5)
    n_new = g1.number_input("New tokens", 1, 64, 12, key="ex_gen_n")
    greedy = g2.toggle("Greedy", True, key="ex_gen_greedy")
    temperature = g3.number_input("Temperature", 0.05, 5.0, 1.0, step=0.05, key="ex_gen_temp", disabled=greedy)
    top_k = g4.number_input("Top-k (0: all)", 0, 1000, 20, key="ex_gen_topk", disabled=greedy)
    gen_seed = g5.number_input("Seed", 0, 99_999, 0, key="ex_gen_seed", disabled=greedy)
    sel = state.selection()
    try:
        ids, n_prompt, gen = cached_generation(sel.spec, sel.device, sel.trust_remote_code, sel.text, int(n_new), greedy,
                                               float(temperature), int(top_k), int(gen_seed))
    except AttnvizError as exc:
        st.warning(str(exc))
        st.stop()
    if len(ids) == n_prompt:
        st.warning("The prompt already fills the model's positions: nothing was generated.")
        st.stop()
    # Shown as literal text: what a model writes is data (newlines, markdown, markup) and must not be rendered.
    st.markdown("**The model wrote** (▶ marks where the prompt ends):")
    st.code(model.codec.decode(ids[:n_prompt]) + " ▶ " + model.codec.decode(ids[n_prompt:]), language=None)
    step = st.slider("Generated token", 1, len(ids) - n_prompt, 1, key="ex_gen_step")
    pos = n_prompt + step - 1
    st.caption(f"Token {pos} `{gen.tokens[pos]}` was written after reading tokens 0–{pos - 1}; below, where each "
               f"head of layer {layer} looked when it was the newest query.")
    row = gen.attention["self"][layer, :, pos, : pos + 1].float().cpu().numpy()  # [head, key_pos]
    heads_labels = [f"head {h}" for h in range(row.shape[0])]
    fig = plots.head_heatmap(row, heads_labels, gen.tokens[: pos + 1], title=f"layer {layer}: attention of `{gen.tokens[pos]}`")
    fig.update_layout(yaxis={"title": {"text": "head"}})
    show(fig, "ex_generate", row, heads_labels, gen.tokens[: pos + 1])

# ---- the whole capture, and the link ---------------------------------------------------------------------
st.divider()
e1, e2 = st.columns(2)
e1.download_button("Whole capture as NPZ", lambda: npz_bytes(cap, model.info), file_name="attnviz-capture.npz",
                   mime="application/octet-stream", key="ex_npz",
                   help="Every stack [layer, head, query_pos, key_pos], tokens, positions and metadata.")
link = urlstate.publish({"view": view, "kind": kind, "layer": layer, "head": head, "focus": focus if focus >= 0 else None,
                  "hide": hide or None, "renorm": renorm or None,
                  "log": st.session_state.get("ex_log") or None if view == "Heatmap" else None,
                  "agg": st.session_state.get("ex_agg") if view == "Aggregates" else None,
                  "stat": st.session_state.get("ex_stat") if view == "Statistics" else None})
with e2:
    st.markdown("**Link to this view** (model, text, view, layer, head and options):")
    st.code(link, language=None)
