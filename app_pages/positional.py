"""Positional encodings: sinusoidal, learned and rotary — the formula, the model's own, and their effect."""
import math

import numpy as np
import pandas as pd
import streamlit as st

from attnviz.analysis import reduce
from attnviz.core import positional as P
from attnviz.core.errors import AttnvizError
from attnviz.figures import positions as figs
from attnviz.figures import views
from attnviz.figures.plots import position_labels
from attnviz.lessons import worked_example as toy
from attnviz.models.loading import LoadedModel
from attnviz.ui import state, widgets
from attnviz.ui.keys import Positional as K
from attnviz.ui.literal import code, escape
from attnviz.ui.state import Unavailable

TABS = ["Sinusoidal", "Learned", "Rotary (RoPE)", "What the model used", "Effect on attention"]


def intro() -> None:
    st.title("Positional encodings")
    st.caption("Self-attention alone is blind to order: permute the tokens and every weight moves with them. "
               "Transformers add where each token sits — by a formula, a learned table, or a rotation.")


# ---- sinusoidal ------------------------------------------------------------------------------------
def sinusoidal_tab() -> None:
    st.latex(r"PE_{(pos,\,2i)} = \sin\!\left(\frac{pos}{10000^{2i/d_{model}}}\right),\qquad "
             r"PE_{(pos,\,2i+1)} = \cos\!\left(\frac{pos}{10000^{2i/d_{model}}}\right)")
    a, b = st.columns(2)
    d_model = a.slider("d_model", 4, 512, 64, step=2, key=K.D_MODEL)
    length = b.slider("Positions", 8, 512, 100, key=K.LENGTH)
    pe = P.sinusoidal(length, d_model)
    st.plotly_chart(figs.value_heatmap(pe, "dimension", "position", hover="pos %{y}, dim %{x}: %{z:.4f}"),
                    key=K.SIN_CHART)
    st.caption("Early dimensions oscillate fast, later ones slowly: each pair (2i, 2i+1) is a clock at its own speed.")
    sinusoidal_waves(pe)
    pos = sinusoidal_formula(pe)
    sinusoidal_similarity(pe)
    sinusoidal_shift(pe, pos)


def sinusoidal_waves(pe: np.ndarray) -> None:
    st.subheader("Dimensions as waves")
    d_model = pe.shape[1]
    dims = st.multiselect("Dimensions", list(range(d_model)), default=[d for d in (0, 1, 4, 5, d_model // 2) if d < d_model],
                          key=K.WAVES)
    st.plotly_chart(figs.waves(pe, dims), key=K.WAVES_CHART)


def sinusoidal_formula(pe: np.ndarray) -> int:
    """The formula worked out at one (pos, i); returns pos (the shift section starts there)."""
    st.subheader("The formula at one point")
    length, d_model = pe.shape
    c1, c2 = st.columns(2)
    pos = c1.number_input("pos", 0, length - 1, min(3, length - 1), key=K.POS)
    i = c2.number_input("i (pair)", 0, d_model // 2 - 1, min(1, d_model // 2 - 1), key=K.PAIR_I)
    denom = 10000 ** (2 * i / d_model)
    angle = pos / denom
    st.latex(rf"PE_{{({pos},\,{2 * i})}} = \sin\!\left(\frac{{{pos}}}{{10000^{{{2 * i}/{d_model}}}}}\right)"
             rf" = \sin\!\left(\frac{{{pos}}}{{{denom:.6g}}}\right) = \sin({angle:.6g}) = {math.sin(angle):.6f}")
    if 2 * i + 1 < d_model:
        st.latex(rf"PE_{{({pos},\,{2 * i + 1})}} = \cos({angle:.6g}) = {math.cos(angle):.6f}")
    st.caption(f"The table above holds {pe[pos, 2 * i]:.6f} and {pe[pos, 2 * i + 1]:.6f} there (float32).")
    return int(pos)


def sinusoidal_similarity(pe: np.ndarray) -> None:
    st.subheader("Similarity depends on distance only")
    length = len(pe)
    sim = P.similarity(pe)
    s1, s2 = st.columns(2)
    s1.plotly_chart(figs.value_heatmap(sim, "position", "position", colorscale="Viridis", zmid=None,
                                       hover="PE(%{y})·PE(%{x}) = %{z:.3f}"), key=K.SIM_CHART)
    s2.plotly_chart(figs.similarity_by_distance(sim, sorted({0, length // 4, length // 2})), key=K.SIM_DISTANCE_CHART)
    st.caption("PE(pos)·PE(pos + k) = Σᵢ cos(ωᵢ k): the curves from different starting positions lie on top of each other.")


def sinusoidal_shift(pe: np.ndarray, pos: int) -> None:
    st.subheader("A shift is a rotation")
    length, d_model = pe.shape
    k = st.slider("Shift k", 1, max(1, length - 1), min(5, length - 1), key=K.SHIFT)
    angles, err = P.shift_as_rotation(pe, k)
    st.latex(r"\begin{pmatrix} PE_{(pos+k,\,2i)} \\ PE_{(pos+k,\,2i+1)} \end{pmatrix} = "
             r"\begin{pmatrix} \cos \omega_i k & \sin \omega_i k \\ -\sin \omega_i k & \cos \omega_i k \end{pmatrix}"
             r"\begin{pmatrix} PE_{(pos,\,2i)} \\ PE_{(pos,\,2i+1)} \end{pmatrix},\quad \omega_i = 10000^{-2i/d_{model}}")
    st.success(f"Checked for every position and every pair: largest error {err:.1e} (float32 rounding). "
               f"The rotation depends on k alone.")
    r1, r2 = st.columns([3, 2])
    pair = r2.number_input("Pair i to draw", 0, len(angles) - 1, 0, key=K.PAIR)
    table = pd.DataFrame({"pair i": range(len(angles)), "dims": [f"{2 * j}, {2 * j + 1}" for j in range(len(angles))],
                          "ω_i": P.frequencies(d_model), "angle ω_i·k (rad)": angles})
    r1.dataframe(table, hide_index=True, height=260, width="stretch")
    r2.plotly_chart(figs.shift_circle(pe, pair, min(pos, length - 1 - k), k), key=K.CIRCLE_CHART)


# ---- learned -------------------------------------------------------------------------------------------
def learned_tab(model: LoadedModel | Unavailable) -> None:
    if isinstance(model, Unavailable):  # the other tabs still work from the formulas
        model.show()
        st.info("Pick **minilm** or **scratch-seq2seq** in the sidebar, or a GPT-2 or BERT folder of your own, "
                "to see a learned position table.")
        return
    found = P.learned_positions(model.module)
    if found is None:
        st.info(f"{code(model.info.name)} has no learned position table ({model.info.positional} positions). Pick "
                "**minilm** or **scratch-seq2seq** in the sidebar, or a GPT-2 or BERT folder of your own.")
        return
    name, table = found
    st.markdown(f"{code(model.info.name)} learns a table of **{table.shape[0]} positions × {table.shape[1]} "
                f"dimensions** ({code(name)}); row *p* is added to the embedding of the token at position *p*.")
    n_show = st.slider("Positions shown", 8, table.shape[0], min(table.shape[0], 128), key=K.LEARNED_N)
    skip_first = st.toggle("Leave out position 0", True, key=K.LEARNED_SKIP0,
                           help="Position 0 always holds the first token ([CLS], <s>) and often sits far from "
                                "the other positions, squeezing them together in the plots.")
    start = 1 if skip_first else 0
    t = table[start:n_show]
    st.plotly_chart(figs.value_heatmap(t, "dimension", f"position − {start}" if start else "position",
                                       hover="row %{y}, dim %{x}: %{z:.4f}", robust=True), key=K.LEARNED_CHART)
    st.caption("Colours are clipped at the 99th percentile of |value|: a few dimensions hold much larger values.")
    l1, l2 = st.columns(2)
    with l1:
        st.markdown("**Cosine similarity of positions**")
        st.plotly_chart(figs.value_heatmap(P.similarity(t, cosine=True), "position", "position", colorscale="Viridis",
                                           zmid=None, hover="cos(%{y}, %{x}) = %{z:.3f}"), key=K.LEARNED_SIM_CHART)
    with l2:
        xy, ratio = P.pca_2d(t)
        st.markdown(f"**The positions as a path** (PCA: {ratio[0]:.0%} + {ratio[1]:.0%} of the variance)")
        st.plotly_chart(figs.position_path(xy, start), key=K.LEARNED_PCA_CHART)
    st.caption("Nothing forces a learned table to be smooth, yet trained models learn neighbouring positions "
               "that resemble each other: the bright band along the diagonal and the ordered path.")


# ---- rotary --------------------------------------------------------------------------------------------
def rotary_tab(model: LoadedModel | Unavailable) -> None:
    st.latex(r"\mathrm{RoPE}(x, m)_{(2i,\,2i+1)} = \begin{pmatrix} \cos m\theta_i & -\sin m\theta_i \\ "
             r"\sin m\theta_i & \cos m\theta_i \end{pmatrix} \begin{pmatrix} x_{2i} \\ x_{2i+1} \end{pmatrix},\quad "
             r"\theta_i = 10000^{-2i/d_{head}}")
    st.markdown("Rotary models add nothing to the embeddings: they turn each pair of dimensions of every query and "
                "key by an angle proportional to the position, so q·k depends on how far apart two tokens are.")
    rot_model = model if isinstance(model, LoadedModel) and model.info.positional == "rotary" else None
    d_head = rot_model.info.d_head if rot_model else st.select_slider("d_head", [8, 16, 32, 64, 128], 32, key=K.ROPE_D)
    if rot_model:
        st.markdown(f"Using {code(rot_model.info.name)}: d_head = {d_head}.")
    else:
        st.info("The sidebar's model does not use rotary positions; this tab uses the formula. "
                "Pick **glassllm-en** or **scratch-decoder** to see a rotary model's own vectors.")
    n_pos = st.slider("Positions", 8, 256, 64, key=K.ROPE_POSITIONS)
    angles = P.rotary_angles(n_pos, d_head)
    st.plotly_chart(figs.value_heatmap(np.mod(angles, 2 * np.pi), "pair i", "position m", colorscale="Twilight",
                                       zmid=None, hover="pos %{y}, pair %{x}: %{z:.3f} rad"), key=K.ROPE_ANGLES_CHART)
    st.caption("Angle m·θᵢ (mod 2π) per position and pair: the first pairs spin fast, the last ones barely turn.")
    rotary_by_distance(rot_model, d_head, n_pos)


def rotary_by_distance(rot_model: LoadedModel | None, d_head: int, n_pos: int) -> None:
    """q·k against the distance, for random vectors or (rotary models) a query and key of the model."""
    st.subheader("q·k against relative distance")
    rng = np.random.default_rng(st.number_input("Seed for random q and k", 0, 9999, 0, key=K.ROPE_SEED))
    q, kvec = rng.standard_normal(d_head), rng.standard_normal(d_head)
    source = "random q and k"
    if rot_model:
        cap_model, cap = state.require_capture(show_notes=False)
        stack = cap.qk.get("self")
        if stack is not None and stack.rotary and st.toggle("Use a query and key of the model", True, key=K.ROPE_REAL):
            kind, layer, head = widgets.kind_layer_head(cap, K.ROPE_PREFIX)
            tokens = cap.tokens
            qi = st.selectbox("Query token", range(len(tokens)), index=len(tokens) - 1,
                              format_func=lambda i: f"{i} · {tokens[i]}", key=K.ROPE_QUERY)
            from attnviz.analysis.explain import explain_cell
            ex = explain_cell(cap, cap_model.info, "self", layer, head, qi, 0)
            q, kvec = ex.rotary.rotated_interleaved()  # pairs (2i, 2i+1), rotated dimensions only
            source = f"the query of token {qi} and the key of token 0, layer {layer}, head {head}, before rotation"
            if len(q) < d_head:
                source += f" (the {len(q)} of {d_head} dimensions this model turns)"
    dots = P.rotary_dot_by_distance(q, kvec, n_pos - 1)
    st.plotly_chart(figs.rotary_dot_chart(dots, float(q @ kvec)), key=K.ROPE_DISTANCE_CHART)
    st.caption(f"From {source}. Rotating both by their positions leaves q·k a function of m − n alone; "
               "rotation never changes a vector's length.")


# ---- what the model used --------------------------------------------------------------------------------
def used_tab() -> None:
    found = state.try_capture()
    if isinstance(found, Unavailable):
        found.show()
        return
    model, cap = found
    used_values(model, cap)
    bias_by_distance(model)


def used_values(model: LoadedModel, cap) -> None:
    """The encoding values read through a hook during the forward pass, against their reference."""
    pos_cap = cap.positional
    if pos_cap is None or not pos_cap.values:
        st.info(f"{code(model.info.name)} adds no positional encoding that attnviz could read ({model.info.positional}).")
        return
    st.markdown(f"{code(model.info.name)} uses **{pos_cap.kind}** positions. Read through a hook on "
                f"{code(pos_cap.source)} during the forward pass of the sidebar's text — the values the model really "
                "used, not a formula recomputed beside it.")
    tokens = cap.tokens
    labels = position_labels(tokens)  # tokens escaped: plotly reads markup in its labels
    for name, values in pos_cap.values.items():
        st.markdown(f"{code(name)} — shape {' × '.join(map(str, values.shape))}")
        if values.ndim == 2:
            rows = labels if values.shape[0] == len(tokens) else [str(i) for i in range(values.shape[0])]
            st.plotly_chart(figs.used_encoding(values, rows), key=K.used_chart(name))
        elif values.ndim == 3:
            h = st.slider("Head", 0, values.shape[0] - 1, 0, key=K.USED_BIAS_HEAD)
            st.plotly_chart(figs.value_heatmap(values[h], "key position", "query position"), key=K.USED_BIAS_CHART)
    used_against_reference(model, pos_cap)


def bias_by_distance(model: LoadedModel) -> None:
    """ALiBi's slopes or T5's buckets as the bias added to a score by distance; for other schemes, why not."""
    st.subheader("Bias by distance")
    bias_fig, bias_text = figs.position_bias_figure(model.info, model.module)
    if bias_fig is not None:
        st.plotly_chart(bias_fig, key=K.USED_BIAS_BY_DISTANCE_CHART)
    st.caption(bias_text)


def used_against_reference(model: LoadedModel, pos_cap) -> None:
    """The captured encoding against the model's own table (learned) or the textbook formula (sinusoidal)."""
    found = P.learned_positions(model.module)
    if pos_cap.kind == "learned" and found is not None and "encoding" in pos_cap.values:
        used = pos_cap.values["encoding"]
        diff = float(np.abs(used - found[1][: used.shape[0]]).max())
        st.success(f"The captured rows equal rows 0–{used.shape[0] - 1} of the table {code(found[0])} "
                   f"(largest difference {diff:.1e}).")
    if pos_cap.kind == "sinusoidal" and "encoding" in pos_cap.values:
        used = pos_cap.values["encoding"]
        formula = P.sinusoidal(used.shape[0], used.shape[1])
        diff = float(np.abs(used - formula).max())
        st.info(f"Compared with the textbook formula: largest difference {diff:.2g}"
                + (" — the same encoding." if diff < 1e-4 else " — this model lays its sines and cosines out "
                   "differently (for example all sines first, then all cosines)."))


# ---- effect on attention ---------------------------------------------------------------------------------
def effect_tab() -> None:
    st.markdown("The same text run again with its positions **shuffled** (each token gets another token's position) "
                "or **removed** (zeros; for rotary models, no rotation). What changes is what position did.")
    e1, e2 = st.columns(2)
    mode = e1.radio("Positions", ["shuffled", "removed"], horizontal=True, key=K.EFFECT_MODE)
    fx_seed = int(e2.number_input("Shuffle seed", 0, 9999, 0, key=K.EFFECT_SEED, disabled=mode != "shuffled"))
    found = state.try_capture()
    if isinstance(found, Unavailable):
        found.show()
    else:
        effect_in_the_model(*found, mode, fx_seed)
    effect_in_the_worked_example()


def effect_in_the_model(model: LoadedModel, cap, mode: str, seed: int) -> None:
    """One head with its positions, with them altered, and the difference: the same heatmap view thrice."""
    try:
        other = state.capture_for(model, mode, seed)
    except AttnvizError as exc:
        st.warning(escape(exc))
        return
    kind, layer, head = widgets.kind_layer_head(cap, K.EFFECT_PREFIX)
    opts = views.ViewOptions(kind=kind, layer=layer, head=head)
    diff = views.difference(cap, other, opts)
    f1, f2, f3 = st.columns(3)
    f1.plotly_chart(views.heatmap(cap, opts).figure.update_layout(title={"text": "with positions"}), key=K.EFFECT_BASE)
    f2.plotly_chart(views.heatmap(other, opts).figure.update_layout(title={"text": f"positions {mode}"}),
                    key=K.EFFECT_ALTERED)
    f3.plotly_chart(diff.figure, key=K.EFFECT_DIFF)
    changed = reduce.max_difference(other.source(kind), cap.source(kind))
    st.caption(f"Largest change in this head: {diff.table.to_numpy().max():.4f}; over every layer and head: "
               f"{changed:.4f}.")


def effect_in_the_worked_example() -> None:
    st.subheader("In the worked example")
    with_pe = toy.run_toy(toy.preset("seed-001"))
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


def main() -> None:
    intro()
    tabs = st.tabs(TABS)
    with tabs[0]:
        sinusoidal_tab()
    model = state.try_model()  # never stops the page: the formula tabs work without a model
    with tabs[1]:
        learned_tab(model)
    with tabs[2]:
        rotary_tab(model)
    with tabs[3]:
        used_tab()
    with tabs[4]:
        effect_tab()


main()
