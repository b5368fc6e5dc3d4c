"""Positional encodings: sinusoidal, learned and rotary — the formula, the model's own, and their effect."""
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from attnviz.core import positional as P
from attnviz.lessons import worked_example as toy
from attnviz.core.errors import AttnvizError
from attnviz.figures.plots import head_heatmap
from attnviz.figures.positions import position_bias_figure
from attnviz.ui import state, widgets


def heat(z: np.ndarray, x_title: str, y_title: str, key: str, colorscale="RdBu_r", zmid=0.0, height=380,
         hover="%{y} · %{x}: %{z:.4f}", robust: bool = False) -> None:
    """A heatmap; robust clips the colour range at the 99th percentile so a few outliers do not wash it out."""
    z = np.asarray(z, dtype=np.float32)
    extra = {}
    if robust:
        top = float(np.percentile(np.abs(z), 99)) or 1.0
        extra = {"zmin": -top, "zmax": top}
    fig = go.Figure(go.Heatmap(z=z, colorscale=colorscale, zmid=zmid, hovertemplate=hover + "<extra></extra>", **extra))
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis={"title": {"text": x_title}}, yaxis={"title": {"text": y_title}, "autorange": "reversed"})
    st.plotly_chart(fig, key=key)


st.title("Positional encodings")
st.caption("Self-attention alone is blind to order: permute the tokens and every weight moves with them. "
           "Transformers add where each token sits — by a formula, a learned table, or a rotation.")
tabs = st.tabs(["Sinusoidal", "Learned", "Rotary (RoPE)", "What the model used", "Effect on attention"])

# ---- sinusoidal ------------------------------------------------------------------------------------
with tabs[0]:
    st.latex(r"PE_{(pos,\,2i)} = \sin\!\left(\frac{pos}{10000^{2i/d_{model}}}\right),\qquad "
             r"PE_{(pos,\,2i+1)} = \cos\!\left(\frac{pos}{10000^{2i/d_{model}}}\right)")
    a, b = st.columns(2)
    d_model = a.slider("d_model", 4, 512, 64, step=2, key="pe_d_model")
    length = b.slider("Positions", 8, 512, 100, key="pe_length")
    pe = P.sinusoidal(length, d_model)
    heat(pe, "dimension", "position", "pe_sin_heat", hover="pos %{y}, dim %{x}: %{z:.4f}")
    st.caption("Early dimensions oscillate fast, later ones slowly: each pair (2i, 2i+1) is a clock at its own speed.")

    st.subheader("Dimensions as waves")
    dims = st.multiselect("Dimensions", list(range(d_model)), default=[d for d in (0, 1, 4, 5, d_model // 2) if d < d_model],
                          key="pe_waves")
    fig = go.Figure()
    for d in dims:
        fig.add_scatter(x=list(range(length)), y=pe[:, d], mode="lines", name=f"dim {d} ({'sin' if d % 2 == 0 else 'cos'})")
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis={"title": {"text": "position"}}, yaxis={"title": {"text": "PE"}})
    st.plotly_chart(fig, key="pe_waves_plot")

    st.subheader("The formula at one point")
    c1, c2 = st.columns(2)
    pos = c1.number_input("pos", 0, length - 1, min(3, length - 1), key="pe_pos")
    i = c2.number_input("i (pair)", 0, d_model // 2 - 1, min(1, d_model // 2 - 1), key="pe_i")
    denom = 10000 ** (2 * i / d_model)
    angle = pos / denom
    st.latex(rf"PE_{{({pos},\,{2 * i})}} = \sin\!\left(\frac{{{pos}}}{{10000^{{{2 * i}/{d_model}}}}}\right)"
             rf" = \sin\!\left(\frac{{{pos}}}{{{denom:.6g}}}\right) = \sin({angle:.6g}) = {math.sin(angle):.6f}")
    if 2 * i + 1 < d_model:
        st.latex(rf"PE_{{({pos},\,{2 * i + 1})}} = \cos({angle:.6g}) = {math.cos(angle):.6f}")
    st.caption(f"The table above holds {pe[pos, 2 * i]:.6f} and {pe[pos, 2 * i + 1]:.6f} there (float32).")

    st.subheader("Similarity depends on distance only")
    sim = P.similarity(pe)
    s1, s2 = st.columns(2)
    with s1:
        heat(sim, "position", "position", "pe_sim", colorscale="Viridis", zmid=None, hover="PE(%{y})·PE(%{x}) = %{z:.3f}")
    with s2:
        fig = go.Figure()
        styles = ({"width": 7, "dash": "solid"}, {"width": 3.5, "dash": "dash"}, {"width": 1.5, "dash": "solid"})
        for anchor, line in zip(sorted({0, length // 4, length // 2}), styles):
            dist = np.arange(0, length - anchor)
            fig.add_scatter(x=dist, y=sim[anchor, anchor:], mode="lines", name=f"from pos {anchor}", line=line,
                            opacity=0.75)
        fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                          xaxis={"title": {"text": "distance k"}}, yaxis={"title": {"text": "PE(pos)·PE(pos + k)"}})
        st.plotly_chart(fig, key="pe_sim_dist")
    st.caption("PE(pos)·PE(pos + k) = Σᵢ cos(ωᵢ k): the curves from different starting positions lie on top of each other.")

    st.subheader("A shift is a rotation")
    k = st.slider("Shift k", 1, max(1, length - 1), min(5, length - 1), key="pe_shift")
    angles, err = P.shift_as_rotation(pe, k)
    st.latex(r"\begin{pmatrix} PE_{(pos+k,\,2i)} \\ PE_{(pos+k,\,2i+1)} \end{pmatrix} = "
             r"\begin{pmatrix} \cos \omega_i k & \sin \omega_i k \\ -\sin \omega_i k & \cos \omega_i k \end{pmatrix}"
             r"\begin{pmatrix} PE_{(pos,\,2i)} \\ PE_{(pos,\,2i+1)} \end{pmatrix},\quad \omega_i = 10000^{-2i/d_{model}}")
    st.success(f"Checked for every position and every pair: largest error {err:.1e} (float32 rounding). "
               f"The rotation depends on k alone.")
    r1, r2 = st.columns([3, 2])
    pair = r2.number_input("Pair i to draw", 0, len(angles) - 1, 0, key="pe_pair")
    table = pd.DataFrame({"pair i": range(len(angles)), "dims": [f"{2 * j}, {2 * j + 1}" for j in range(len(angles))],
                          "ω_i": P.frequencies(d_model), "angle ω_i·k (rad)": angles})
    r1.dataframe(table, hide_index=True, height=260, width="stretch")
    with r2:
        fig = go.Figure()
        fig.add_scatter(x=pe[:, 2 * pair], y=pe[:, 2 * pair + 1], mode="lines+markers", marker={"size": 4},
                        name="positions", hovertext=[f"pos {p}" for p in range(length)])
        p0 = min(pos, length - 1 - k)
        fig.add_scatter(x=[pe[p0, 2 * pair], pe[p0 + k, 2 * pair]], y=[pe[p0, 2 * pair + 1], pe[p0 + k, 2 * pair + 1]],
                        mode="markers+text", text=[f"pos {p0}", f"pos {p0 + k}"], textposition="top center",
                        marker={"size": 10, "color": "crimson"}, name="shift")
        fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False,
                          xaxis={"title": {"text": f"dim {2 * pair} (sin)"}, "scaleanchor": "y"},
                          yaxis={"title": {"text": f"dim {2 * pair + 1} (cos)"}})
        st.plotly_chart(fig, key="pe_circle")

# ---- learned -------------------------------------------------------------------------------------------
with tabs[1]:
    try:
        model = state.require_model()
    except Exception:  # require_model already showed why
        model = None
    found = P.learned_positions(model.module) if model is not None else None
    if found is None:
        st.info(f"`{model.info.name if model else 'This model'}` has no learned position table "
                f"({model.info.positional if model else 'unknown'} positions). Pick **minilm** or "
                "**scratch-seq2seq** in the sidebar, or a GPT-2 or BERT folder of your own.")
    else:
        name, table = found
        st.markdown(f"**{model.info.name}** learns a table of **{table.shape[0]} positions × {table.shape[1]} "
                    f"dimensions** (`{name}`); row *p* is added to the embedding of the token at position *p*.")
        n_show = st.slider("Positions shown", 8, table.shape[0], min(table.shape[0], 128), key="pe_learned_n")
        skip_first = st.toggle("Leave out position 0", True, key="pe_learned_skip0",
                               help="Position 0 always holds the first token ([CLS], <s>) and often sits far from "
                                    "the other positions, squeezing them together in the plots.")
        start = 1 if skip_first else 0
        t = table[start:n_show]
        heat(t, "dimension", f"position − {start}" if start else "position", "pe_learned_heat",
             hover="row %{y}, dim %{x}: %{z:.4f}", robust=True)
        st.caption("Colours are clipped at the 99th percentile of |value|: a few dimensions hold much larger values.")
        l1, l2 = st.columns(2)
        with l1:
            st.markdown("**Cosine similarity of positions**")
            heat(P.similarity(t, cosine=True), "position", "position", "pe_learned_sim", colorscale="Viridis",
                 zmid=None, hover="cos(%{y}, %{x}) = %{z:.3f}")
        with l2:
            xy, ratio = P.pca_2d(t)
            st.markdown(f"**The positions as a path** (PCA: {ratio[0]:.0%} + {ratio[1]:.0%} of the variance)")
            fig = go.Figure(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="lines+markers",
                                       marker={"color": np.arange(start, n_show), "colorscale": "Viridis", "size": 6,
                                               "colorbar": {"title": {"text": "position"}}},
                                       hovertext=[f"pos {p}" for p in range(start, n_show)], hoverinfo="text"))
            fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                              xaxis={"title": {"text": "PC 1"}}, yaxis={"title": {"text": "PC 2"}})
            st.plotly_chart(fig, key="pe_learned_pca")
        st.caption("Nothing forces a learned table to be smooth, yet trained models learn neighbouring positions "
                   "that resemble each other: the bright band along the diagonal and the ordered path.")

# ---- rotary --------------------------------------------------------------------------------------------
with tabs[2]:
    st.latex(r"\mathrm{RoPE}(x, m)_{(2i,\,2i+1)} = \begin{pmatrix} \cos m\theta_i & -\sin m\theta_i \\ "
             r"\sin m\theta_i & \cos m\theta_i \end{pmatrix} \begin{pmatrix} x_{2i} \\ x_{2i+1} \end{pmatrix},\quad "
             r"\theta_i = 10000^{-2i/d_{head}}")
    st.markdown("Rotary models add nothing to the embeddings: they turn each pair of dimensions of every query and "
                "key by an angle proportional to the position, so q·k depends on how far apart two tokens are.")
    rot_model = None
    try:
        m = state.require_model()
        if m.info.positional == "rotary":
            rot_model = m
    except Exception:
        pass
    d_head = rot_model.info.d_head if rot_model else st.select_slider("d_head", [8, 16, 32, 64, 128], 32, key="rope_d")
    if rot_model:
        st.markdown(f"Using **{rot_model.info.name}**: d_head = {d_head}.")
    else:
        st.info("The sidebar's model does not use rotary positions; this tab uses the formula. "
                "Pick **glassllm-en** or **scratch-decoder** to see a rotary model's own vectors.")
    n_pos = st.slider("Positions", 8, 256, 64, key="rope_positions")
    angles = P.rotary_angles(n_pos, d_head)
    heat(np.mod(angles, 2 * np.pi), "pair i", "position m", "rope_angles", colorscale="Twilight", zmid=None,
         hover="pos %{y}, pair %{x}: %{z:.3f} rad")
    st.caption("Angle m·θᵢ (mod 2π) per position and pair: the first pairs spin fast, the last ones barely turn.")
    st.subheader("q·k against relative distance")
    rng = np.random.default_rng(st.number_input("Seed for random q and k", 0, 9999, 0, key="rope_seed"))
    q, kvec = rng.standard_normal(d_head), rng.standard_normal(d_head)
    source = "random q and k"
    if rot_model:
        cap_model, cap = state.require_capture(show_notes=False)
        stack = cap.qk.get("self")
        if stack is not None and stack.rotary and st.toggle("Use a query and key of the model", True, key="rope_real"):
            kind, layer, head = widgets.kind_layer_head(cap, "rope")
            tokens = cap.tokens
            qi = st.selectbox("Query token", range(len(tokens)), index=len(tokens) - 1,
                              format_func=lambda i: f"{i} · {tokens[i]}", key="rope_q")
            from attnviz.analysis.explain import explain_cell
            ex = explain_cell(cap, cap_model.info, "self", layer, head, qi, 0)
            q, kvec = ex.rotary.rotated_interleaved()  # pairs (2i, 2i+1), rotated dimensions only
            source = f"the query of token {qi} and the key of token 0, layer {layer}, head {head}, before rotation"
            if len(q) < d_head:
                source += f" (the {len(q)} of {d_head} dimensions this model turns)"
    dots = P.rotary_dot_by_distance(q, kvec, n_pos - 1)
    fig = go.Figure(go.Scatter(x=list(range(n_pos)), y=dots, mode="lines+markers", marker={"size": 4}))
    fig.add_hline(y=float(q @ kvec), line={"dash": "dot"}, annotation_text="q·k without rotation")
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      xaxis={"title": {"text": "relative distance m − n"}}, yaxis={"title": {"text": "q·k after rotation"}})
    st.plotly_chart(fig, key="rope_dist")
    st.caption(f"From {source}. Rotating both by their positions leaves q·k a function of m − n alone; "
               "rotation never changes a vector's length.")

# ---- what the model used --------------------------------------------------------------------------------
with tabs[3]:
    model, cap = state.require_capture(show_notes=False)
    pos_cap = cap.positional
    if pos_cap is None or not pos_cap.values:
        st.info(f"`{model.info.name}` adds no positional encoding that attnviz could read ({model.info.positional}).")
    else:
        st.markdown(f"**{model.info.name}** uses **{pos_cap.kind}** positions. Read through a hook on "
                    f"`{pos_cap.source}` during the forward pass of the sidebar's text — the values the model really "
                    "used, not a formula recomputed beside it.")
        tokens = cap.tokens
        labels = [f"{i} · {t}" for i, t in enumerate(tokens)]
        for name, values in pos_cap.values.items():
            st.markdown(f"`{name}` — shape {' × '.join(map(str, values.shape))}")
            if values.ndim == 2:
                rows = labels if values.shape[0] == len(tokens) else [str(i) for i in range(values.shape[0])]
                fig = go.Figure(go.Heatmap(z=values.astype(np.float32), y=rows, colorscale="RdBu_r", zmid=0,
                                           hovertemplate="%{y}, dim %{x}: %{z:.4f}<extra></extra>"))
                fig.update_layout(height=min(700, 80 + 18 * len(rows)), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                                  yaxis={"autorange": "reversed", "type": "category"})
                st.plotly_chart(fig, key=f"used_{name}")
            elif values.ndim == 3:
                h = st.slider("Head", 0, values.shape[0] - 1, 0, key="used_bias_head")
                heat(values[h], "key position", "query position", "used_bias")
        found = P.learned_positions(model.module)
        if pos_cap.kind == "learned" and found is not None and "encoding" in pos_cap.values:
            used = pos_cap.values["encoding"]
            diff = float(np.abs(used - found[1][: used.shape[0]]).max())
            st.success(f"The captured rows equal rows 0–{used.shape[0] - 1} of the table `{found[0]}` "
                       f"(largest difference {diff:.1e}).")
        if pos_cap.kind == "sinusoidal" and "encoding" in pos_cap.values:
            used = pos_cap.values["encoding"]
            formula = P.sinusoidal(used.shape[0], used.shape[1])
            diff = float(np.abs(used - formula).max())
            st.info(f"Compared with the textbook formula: largest difference {diff:.2g}"
                    + (" — the same encoding." if diff < 1e-4 else " — this model lays its sines and cosines out "
                       "differently (for example all sines first, then all cosines)."))

    st.subheader("Bias by distance")
    bias_fig, bias_text = position_bias_figure(model.info, model.module)
    if bias_fig is not None:
        st.plotly_chart(bias_fig, key="used_bias_by_distance")
    st.caption(bias_text)

# ---- effect on attention ---------------------------------------------------------------------------------
with tabs[4]:
    st.markdown("The same text run again with its positions **shuffled** (each token gets another token's position) "
                "or **removed** (zeros; for rotary models, no rotation). What changes is what position did.")
    e1, e2 = st.columns(2)
    mode = e1.radio("Positions", ["shuffled", "removed"], horizontal=True, key="fx_mode")
    fx_seed = int(e2.number_input("Shuffle seed", 0, 9999, 0, key="fx_seed", disabled=mode != "shuffled"))
    model, cap = state.require_capture(show_notes=False)
    try:
        other = state.capture_for(model, mode, fx_seed)
    except AttnvizError as exc:
        st.warning(str(exc))
        other = None
    if other is not None:
        kind, layer, head = widgets.kind_layer_head(cap, "fx")
        qt, kt = cap.axes(kind)
        base, alt = cap.head(kind, layer, head), other.head(kind, layer, head)
        f1, f2, f3 = st.columns(3)
        with f1:
            st.plotly_chart(head_heatmap(base, qt, kt, title="with positions"), key="fx_base")
        with f2:
            st.plotly_chart(head_heatmap(alt, qt, kt, title=f"positions {mode}"), key="fx_alt")
        with f3:
            diff = alt - base
            fig = head_heatmap(np.abs(diff), qt, kt, title="|difference|")
            st.plotly_chart(fig, key="fx_diff")
        changed = float((other.attention[kind].float() - cap.attention[kind].float()).abs().max())
        st.caption(f"Largest change in this head: {np.abs(diff).max():.4f}; over every layer and head: {changed:.4f}.")
    st.subheader("In the worked example")
    spec = toy.preset("seed-001")
    with_pe = toy.run_toy(spec)
    spec_no = toy.preset("seed-001")
    spec_no.PE = np.zeros_like(spec_no.PE)
    without = toy.run_toy(spec_no)
    w1, w2 = st.columns(2)
    w1.markdown("**Weights with the seed's positional encodings**")
    w1.dataframe(pd.DataFrame(with_pe.steps["weights"], index=toy.SEED_001_TOKENS, columns=toy.SEED_001_TOKENS).round(4))
    w2.markdown("**Weights without them** (X alone)")
    w2.dataframe(pd.DataFrame(without.steps["weights"], index=toy.SEED_001_TOKENS, columns=toy.SEED_001_TOKENS).round(4))
    perm = [2, 0, 1]
    spec_perm = toy.preset("seed-001")
    spec_perm.PE = np.zeros_like(spec_perm.PE)
    spec_perm.X = spec_perm.X[perm]
    shuffled = toy.run_toy(spec_perm).steps["weights"]
    back = shuffled[np.argsort(perm)][:, np.argsort(perm)]
    st.caption("Without positions, reordering the words only reorders the weights: "
               f"after undoing the permutation the two agree to {np.abs(back - without.steps['weights']).max():.1e}.")
