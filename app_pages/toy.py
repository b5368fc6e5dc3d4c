"""The worked example: Q, K and V by hand, every intermediate recomputed live as you edit."""
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from attnviz.core.positional import sinusoidal
from attnviz.figures.worked_example import number_table as frame
from attnviz.figures.worked_example import mask_grid, peakedness_chart, step_heatmap
from attnviz.lessons.cells import step_number as num
from attnviz.lessons import worked_example as toy
from attnviz.ui import widgets
from attnviz.ui.keys import Toy as K
from attnviz.ui.literal import escape
from attnviz.ui.matrix_editor import matrix_editor

PRESETS = {"seed-001": "“Transformer is powerful” (3 words)", "seed-000": "Q, K, V given (2 tokens)",
           "custom": "Your own"}
STEP_TEXT = {
    "X": (r"X", "the word embeddings, one row per token"),
    "PE": (r"PE", "the positional encodings added to them"),
    "X_plus_PE": (r"X + PE", "what the projections read"),
    "W_Q": (r"W_Q", "query weights"), "W_K": (r"W_K", "key weights"), "W_V": (r"W_V", "value weights"),
    "Q": (r"Q = (X + PE)\,W_Q", "queries: what each token looks for"),
    "K": (r"K = (X + PE)\,W_K", "keys: what each token offers"),
    "V": (r"V = (X + PE)\,W_V", "values: what each token passes on"),
    "scores": (r"S = Q K^\top", "every query against every key"),
    "scaled_scores": (r"S / \sqrt{d_k}", "scaled so the softmax does not saturate"),
    "mask": (r"M", "0 where a query may look, −∞ where it may not"),
    "masked_scores": (r"S / \sqrt{d_k} + M", "masked scores"),
    "weights": (r"A = \mathrm{softmax}_{\text{row}}\!\left(S/\sqrt{d_k} + M\right)", "each row sums to 1"),
    "output": (r"O = A\,V", "each output row is a weighted sum of V's rows"),
}


@dataclass
class Example:
    """What the settings chose: the example's name, its spec (edited in place by the inputs) and its heads."""

    name: str
    spec: toy.ToySpec
    signature: str  # preset, weights, seed, heads, tokens, d_model: the matrices' editor keys start with it
    heads: int

    @property
    def given(self) -> bool:  # seed-000 gives Q, K and V directly
        return self.name == "seed-000"


def intro() -> None:
    st.title("Worked example: attention by hand")
    st.caption("Every number below is recomputed as you edit. Change a cell in any input and watch what "
               "depends on it change — and what does not.")


def settings() -> Example:
    """The example and its sizes, weights, heads, mask and scaling."""
    name = st.radio("Example", list(PRESETS), format_func=PRESETS.get, horizontal=True, key=K.PRESET)
    st.caption(toy.source(name) or "Your own tokens and dimensions: random embeddings X (drawn with the random "
                                    "seed below) and sinusoidal positional encodings.")
    c1, c2, c3, c4, c5 = st.columns(5)
    given = name == "seed-000"
    n_tokens, d_model, labels = 3, 3, None
    if name == "custom":
        n_tokens = c1.number_input("Tokens", 1, toy.MAX_TOKENS, 4, key=K.N_TOKENS)
        d_model = c2.number_input("d_model", 1, toy.MAX_DIM, 4, key=K.D_MODEL)
        typed = st.text_input("Token labels (comma-separated)", "the,cat,sat,down", key=K.LABELS)
        labels = [t.strip() for t in typed.split(",")]
        if len(labels) != n_tokens or not all(labels):
            st.warning(f"Give {n_tokens} non-empty labels; using t0, t1, … until then.")
            labels = None
    weights = "identity"
    seed = 0
    heads = 1
    if not given:
        weights = c3.selectbox("W_Q, W_K, W_V", ["identity", "random"], key=K.WEIGHTS,
                               help="Identity makes Q = K = V = X + PE. Random draws them from a seeded generator; "
                                    "either way every cell stays editable.")
        seed = int(c4.number_input("Seed", 0, 10_000, 0, key=K.SEED, disabled=weights != "random"))
        d = d_model if name == "custom" else 3
        divisors = [h for h in range(1, d + 1) if d % h == 0]
        heads = c5.selectbox("Heads", divisors, key=K.HEADS, help="Heads must divide d_model.")
    m1, m2, m3 = st.columns([2, 2, 3])
    mask_kind = m1.selectbox("Mask", toy.MASKS, key=K.MASK)
    pad = 0
    n_now = 2 if given else n_tokens
    if mask_kind == "padding":
        pad = int(m2.number_input("Padding tokens at the end", 0, max(n_now - 1, 0), min(1, n_now - 1), key=K.PADDING))
    scale = m3.toggle("Scale by √d_k", True, key=K.SCALE, help="Turn off to see the scores unscaled.")
    spec = toy.preset(name, weights=weights, seed=seed, n_heads=heads, n_tokens=n_tokens, d_model=d_model)
    if labels:
        spec.tokens = labels
    spec.mask, spec.n_padding, spec.scale = mask_kind, pad, scale
    return Example(name, spec, f"{name}_{weights}_{seed}_{heads}_{n_tokens}_{d_model}", heads)


def inputs(ex: Example) -> bool:
    """Editable matrices, written into ex.spec; True when every cell shown is a number."""
    spec, signature = ex.spec, ex.signature
    valid = True
    with st.expander("Inputs — click a cell to edit it", expanded=True):
        tok = spec.tokens
        if ex.given:
            cols = st.columns(3)
            for col, m in zip(cols, ("Q", "K", "V")):
                with col:
                    st.markdown(f"**{m}**")
                    dims = [f"d{j}" for j in range(getattr(spec, m).shape[1])]
                    value, ok = matrix_editor(m, f"{signature}_{m}", getattr(spec, m), tok, dims)
                    setattr(spec, m, value)
                    valid &= ok
            return valid
        dims = [f"d{j}" for j in range(spec.X.shape[1])]
        a, b = st.columns(2)
        with a:
            st.markdown("**X** — word embeddings")
            spec.X, ok = matrix_editor("X", f"{signature}_X", spec.X, tok, dims)
            valid &= ok
        with b:
            st.markdown("**PE** — positional encodings")
            if ex.name == "seed-001" and st.toggle("Use the sinusoidal formula instead of the article's numbers",
                                                   key=K.SINUSOIDAL_PE):
                spec.PE = np.round(sinusoidal(3, 3).astype(float), 6)
                st.caption("PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)).")
                pe_key = f"{signature}_PE_sin"
            else:
                pe_key = f"{signature}_PE"
            spec.PE, ok = matrix_editor("PE", pe_key, spec.PE, tok, dims)
            valid &= ok
        wcols = st.columns(4 if ex.heads > 1 else 3)
        for col, m in zip(wcols, ("W_Q", "W_K", "W_V", "W_O")):
            with col:
                st.markdown(f"**{m}**")
                value, ok = matrix_editor(m, f"{signature}_{m}", getattr(spec, m), dims, dims)
                setattr(spec, m, value)
                valid &= ok
    return valid


def compute(spec: toy.ToySpec, valid: bool) -> toy.ToyResult:
    """Run the example; when it cannot run, say why and keep showing the last result that did."""
    try:
        result = toy.run_toy(spec)
        st.session_state[K.LAST_GOOD] = result
    except ValueError as exc:
        st.error(escape(exc))
        result = st.session_state.get(K.LAST_GOOD)
        if result is None:
            st.stop()
        st.warning("Showing the last result that computed.")
    if not valid:
        st.warning("Some cells above are not numbers; the results use the last valid matrices.")
    st.session_state[K.SHOWN] = result.steps
    return result


def step_by_step(result: toy.ToyResult) -> None:
    """Every intermediate, in order: its formula, its numbers and a small heatmap."""
    st.header("Step by step")
    tok = result.spec.tokens
    d_cols = [f"d{j}" for j in range(result.steps["Q"].shape[1])]
    for step, value in result.steps.items():
        if step in ("concat", "W_O", "final"):
            continue
        formula, words = STEP_TEXT[step]
        if step == "scaled_scores" and not result.spec.scale:
            formula, words = r"S \;(\text{unscaled})", "scaling is off"
        rows = d_cols if step.startswith("W_") else tok
        cols = tok if step in ("scores", "scaled_scores", "mask", "masked_scores", "weights") else (
            d_cols[: value.shape[1]] if value.shape[1] <= len(d_cols) else [f"d{j}" for j in range(value.shape[1])])
        left, mid, right = st.columns([2, 3, 2])
        with left:
            st.latex(formula)
            st.caption(words)
        mid.dataframe(frame(value, rows, cols), width="stretch")
        draw = mask_grid if step == "mask" else step_heatmap
        right.plotly_chart(draw(value, rows, cols), key=K.step_chart(step), config={"displayModeBar": False})
        if step == "mask" and np.isfinite(value).all():
            right.caption("No mask: every query may look at every key.")
    if len(result.heads) == 1:
        st.caption(f"d_k = {result.d_k}" + (f", so each score is divided by √{result.d_k} = {num(np.sqrt(result.d_k))}."
                                             if result.spec.scale else "; scaling is off."))


def one_cell(result: toy.ToyResult) -> None:
    st.header("One cell, worked out")
    tok = result.spec.tokens
    e1, e2, e3 = st.columns(3)
    qi = e1.selectbox("Query token", range(len(tok)), format_func=lambda i: f"{i} · {tok[i]}", key=K.CELL_QUERY)
    kj = e2.selectbox("Key token", range(len(tok)), format_func=lambda i: f"{i} · {tok[i]}", key=K.CELL_KEY)
    hh = e3.selectbox("Head", range(len(result.heads)), key=K.CELL_HEAD) if len(result.heads) > 1 else 0
    cell = toy.explain_toy_cell(result, qi, kj, hh)
    terms = " + ".join(f"({num(a)})({num(b)})" for a, b in zip(cell.q, cell.k))
    st.latex(rf"q_{{{qi}}} \cdot k_{{{kj}}} = {terms} = {num(cell.dot)}")
    st.latex(rf"s_{{{qi}{kj}}} = \frac{{{num(cell.dot)}}}{{{num(cell.divisor)}}} = {num(cell.scaled)}"
             if result.spec.scale else rf"s_{{{qi}{kj}}} = {num(cell.dot)}")
    if not np.isfinite(cell.row[kj]):
        st.latex(rf"\text{{masked: }} s_{{{qi}{kj}}} + M_{{{qi}{kj}}} = -\infty \Rightarrow a_{{{qi}{kj}}} = 0")
    else:
        denom = " + ".join(num(x) for x in cell.exps)
        st.latex(rf"a_{{{qi}{kj}}} = \frac{{e^{{s_{{{qi}{kj}}} - \max}}}}{{\sum_j e^{{s_{{{qi}j}} - \max}}}} = "
                 rf"\frac{{{num(cell.exps[kj])}}}{{{denom}}} = {num(cell.weight)}")
    out_terms = " + ".join(rf"{num(w)}\,v_{{{j}}}" for j, w in enumerate(result.heads[hh].weights[qi]))
    st.latex(rf"o_{{{qi}}} = {out_terms} = [{', '.join(num(x) for x in cell.output)}]")


def multi_head(result: toy.ToyResult) -> None:
    if len(result.heads) <= 1:
        return
    tok = result.spec.tokens
    d_cols = [f"d{j}" for j in range(result.steps["Q"].shape[1])]
    st.header(f"{len(result.heads)} heads")
    st.latex(r"\mathrm{head}_i = \mathrm{softmax}\!\left(\frac{Q_i K_i^\top}{\sqrt{d_k}} + M\right) V_i,\quad "
             r"\mathrm{MultiHead} = \mathrm{Concat}(\mathrm{head}_1, \dots, \mathrm{head}_h)\,W_O")
    st.caption(f"Q, K and V are split into {len(result.heads)} column blocks of d_k = {result.d_k}.")
    hcols = st.columns(len(result.heads))
    for i, (col, hs) in enumerate(zip(hcols, result.heads)):
        with col:
            st.markdown(f"**Head {i}** weights")
            st.dataframe(frame(hs.weights, tok, tok), width="stretch")
            st.markdown(f"Head {i} output")
            st.dataframe(frame(hs.output, tok, [f"d{j}" for j in range(hs.output.shape[1])]), width="stretch")
    f1, f2 = st.columns(2)
    f1.markdown("**Concat(heads)**")
    f1.dataframe(frame(result.steps["concat"], tok, d_cols), width="stretch")
    f2.markdown("**Concat · W_O** (the layer's output)")
    f2.dataframe(frame(result.steps["final"], tok, d_cols), width="stretch")


def why_scale() -> None:
    st.header("Why divide by √d_k?")
    st.markdown("For random q and k with unit-variance entries, q·k has variance d_k: the scores spread as d_k grows, "
                "and an unscaled softmax puts almost all weight on one key. Dividing by √d_k keeps the spread at 1.")
    d_values = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    peak = toy.softmax_peakedness(d_values, n_keys=16, trials=200, seed=0)
    for col, metric, title in zip(st.columns(2), ("max", "entropy"),
                                  ("Largest weight in a row (16 keys)", "Entropy of a row (nats)")):
        col.plotly_chart(peakedness_chart(d_values, peak, metric, title), key=K.peak_chart(metric))


def mistakes(result: toy.ToyResult) -> None:
    st.header("Common mistakes")
    tok = result.spec.tokens
    d_cols = [f"d{j}" for j in range(result.steps["Q"].shape[1])]
    mistake = st.selectbox("Mistake", list(toy.MISTAKES), format_func=toy.MISTAKES.get, key=K.MISTAKE)
    try:
        effect = toy.mistake_effect(result.spec, mistake)
    except ValueError as exc:
        effect = {"error": str(exc)}
    if effect.get("error"):
        st.markdown("What Python says when this runs:")
        st.code(effect["error"], language="text")
    if mistake == "np_softmax":
        st.code("def softmax(s, axis=-1):\n    e = np.exp(s - s.max(axis=axis, keepdims=True))  # subtract the max: "
                "no overflow\n    return e / e.sum(axis=axis, keepdims=True)", language="python")
    if effect.get("note"):
        st.info(effect["note"])
    for label, key_ in (("Weights with the mistake", "weights"), ("Output with the mistake", "output")):
        if key_ in effect:
            w1, w2 = st.columns(2)
            w1.markdown(f"**{label}**")
            w1.dataframe(frame(effect[key_], tok, tok if key_ == "weights" else
                               [f"d{j}" for j in range(effect[key_].shape[1])]), width="stretch")
            w2.markdown("**Right**")
            right = result.steps[key_]
            w2.dataframe(frame(right, tok, tok if key_ == "weights" else d_cols[: right.shape[1]]), width="stretch")
    if "max_change" in effect:
        st.caption(f"Largest change against the right numbers: {num(effect['max_change'])}")


def what_the_article_gets_wrong(name: str, result: toy.ToyResult) -> None:
    notes = toy.seed_notes(name)
    if not notes:
        return
    st.header("What the article gets wrong")
    st.caption(toy.source(name))
    for note in notes:
        st.markdown(f"- {note}")
    if name == "seed-000":
        w = result.steps["weights"]
        st.dataframe(pd.DataFrame({
            "the article says": ["α₁₁ = 0.5", "α₁₂ = 0.5", "α₁₃ = 0.5", "h₁ = [[0.25, 0.25], [0.25, 0.25]]",
                            "h₂ = [[0.5, 0.5], [0.5, 0.5]]", "h₃ = [[0.75, 0.75], [0.75, 0.75]]"],
            "recomputed": [f"α₁₁ = {num(w[0, 0])}", f"α₁₂ = {num(w[0, 1])}", "no third key (two rows given)",
                           f"o₁ = [{', '.join(num(x) for x in result.steps['output'][0])}]",
                           f"o₂ = [{', '.join(num(x) for x in result.steps['output'][1])}]",
                           "no third token"],
        }), hide_index=True, width="stretch")
    if name == "seed-001":
        right_pe = sinusoidal(3, 3)
        st.markdown("The sinusoidal encoding the article's own formula gives for 3 positions × 3 dimensions:")
        st.dataframe(frame(right_pe.astype(float), toy.SEED_001_TOKENS, ["d0", "d1", "d2"]), width="stretch")


def real_model_cell() -> None:
    """The same arithmetic on a cell of the sidebar's model, recomputed from its captured q and k."""
    st.header("Explain a cell of a real model")
    st.caption("The same arithmetic on the model and text in the sidebar: the page recomputes q·k/√d, the mask and the "
               "softmax row from the query and key vectors captured in the forward pass.")
    if not st.toggle("Explain a cell of the sidebar's model", key=K.REAL):
        return
    from attnviz.analysis.explain import explain_cell, why_not_explained
    from attnviz.core.types import KIND_LABELS
    from attnviz.ui import state

    model, cap = state.require_capture()
    kind, layer, head = widgets.kind_layer_head(cap, K.REAL_PREFIX)
    reason = why_not_explained(cap, model.info, kind)
    if reason:
        st.info(escape(reason))  # it names the model (a folder, perhaps)
        return
    q_tokens, k_tokens = cap.axes(kind)
    r1, r2 = st.columns(2)
    qpos = r1.selectbox("Query token", range(len(q_tokens)), format_func=lambda i: f"{i} · {q_tokens[i]}",
                        key=K.REAL_QUERY)
    kpos = r2.selectbox("Key token", range(len(k_tokens)), format_func=lambda i: f"{i} · {k_tokens[i]}",
                        key=K.REAL_KEY)
    ex = explain_cell(cap, model.info, kind, layer, head, qpos, kpos)
    if model.info.n_kv_heads != model.info.n_heads:
        st.caption(f"Query head {head} reads key/value head {ex.kv_head} (grouped-query attention).")
    if ex.rotary is not None:
        st.markdown(f"**Rotary positions.** Before the dot product, each pair of dimensions of q is turned by its angle "
                    f"at position {qpos} and of k at position {kpos}; q·k then depends on {qpos} − {kpos}. "
                    f"Without the rotation q·k would be {ex.rotary.dot_before:.6f}; with it, {ex.dot:.6f}.")
        rot = pd.DataFrame({"pair (dims)": [f"{a}, {b}" for a, b in ex.rotary.pairs],
                            f"angle at query {qpos} (rad)": ex.rotary.angle_query,
                            f"angle at key {kpos} (rad)": ex.rotary.angle_key})
        st.dataframe(rot.head(8), hide_index=True, width="stretch")
        if 2 * len(ex.rotary.pairs) < len(ex.q):
            st.caption(f"Partial rotary: only {2 * len(ex.rotary.pairs)} of the {len(ex.q)} dimensions of each "
                       "head are turned; the others enter q·k as they left the projection.")
    st.latex(rf"q \cdot k = \sum_d q_d k_d = {ex.dot:.6f}")
    bias_text = ("-\\infty" if ex.bias == -np.inf else f"{ex.bias:+.6f}")
    st.latex(rf"s = q\cdot k \times {ex.scaling:.6f} + ({bias_text}) = {ex.score:.6f}"
             if np.isfinite(ex.score) else rf"s = -\infty\ \text{{(masked)}}")
    st.latex(rf"\mathrm{{softmax}}(s)_{{{kpos}}} = {ex.weight:.6f}")
    st.success(f"Recomputed {ex.weight:.6f}; the model returned {ex.captured:.6f} "
               f"(difference {ex.difference:.1e}) — {KIND_LABELS[kind]}, layer {layer}, head {head}.")
    with st.expander("The whole softmax row"):
        st.dataframe(pd.DataFrame({"key": [f"{i} · {t}" for i, t in enumerate(k_tokens)], "score": ex.row_scores,
                                   "weight (recomputed)": ex.row_weights,
                                   "weight (captured)": cap.source(kind).rows(layer, qpos, qpos + 1)[head, 0].cpu().numpy()}),
                     hide_index=True, width="stretch")


def main() -> None:
    intro()
    ex = settings()
    valid = inputs(ex)
    result = compute(ex.spec, valid)
    step_by_step(result)
    one_cell(result)
    multi_head(result)
    why_scale()
    mistakes(result)
    what_the_article_gets_wrong(ex.name, result)
    real_model_cell()


main()
