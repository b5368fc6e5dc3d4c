"""The worked example: Q, K and V by hand, every intermediate recomputed live as you edit."""
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from attnviz.core.positional import sinusoidal
from attnviz.figures.worked_example import number_table as frame
from attnviz.figures.worked_example import mask_grid, peakedness_chart, step_heatmap
from attnviz.lessons.cells import step_number as num
from attnviz.lessons import derivations, worked_example
from attnviz.app.shell import screen
from attnviz.app.shell import messages as errors
from attnviz.app.widgets import pickers as widgets
from attnviz.figures import words
from attnviz.i18n import fixed, N_, t, tc, tp
from attnviz.app.state import worked_example as K
from attnviz.app.widgets.literal import code, message as literal_message
from attnviz.app.widgets.matrix_editor import matrix_editor

PRESET_NAMES = {"seed-001": N_("“Transformer is powerful” (3 words)"), "seed-000": N_("Q, K, V given (2 tokens)"), "custom": N_("Your own")}
WEIGHT_NAMES = {"identity": N_("identity"), "random": N_("random")}
MASK_NAMES = {"none": N_("none"), "causal": N_("causal"), "padding": N_("padding")}
STEP_WORDS = {"X": N_("the word embeddings, one row per token"), "PE": N_("the positional encodings added to them"), "X_plus_PE": N_("what the projections read"), "W_Q": N_("query weights"), "W_K": N_("key weights"), "W_V": N_("value weights"), "Q": N_("queries: what each token looks for"), "K": N_("keys: what each token offers"), "V": N_("values: what each token passes on"), "scores": N_("every query against every key"), "scaled_scores": N_("scaled so the softmax does not saturate"), "unscaled": N_("the scores, unscaled: scaling is off"), "mask": N_("0 where a query may look, −∞ where it may not"), "masked_scores": N_("masked scores"), "weights": N_("each row sums to 1"), "output": N_("each output row is a weighted sum of V's rows")}
METRICS = {"max": N_("Largest weight in a row (16 keys)"), "entropy": N_("Entropy of a row (nats)")}
WITH_MISTAKE = {"weights": N_("**Weights with the mistake**"), "output": N_("**Output with the mistake**")}

PRESETS = ("seed-001", "seed-000", "custom")


@dataclass
class Example:
    """What the settings chose: the example's name, its spec (edited in place by the inputs) and its heads."""

    name: str
    spec: worked_example.ToySpec
    signature: str  # preset, weights, seed, heads, tokens, d_model: the matrices' editor keys start with it
    heads: int

    @property
    def given(self) -> bool:  # seed-000 gives Q, K and V directly
        return self.name == "seed-000"


def token_option(tokens: list[str], tr, i: int) -> str:
    """A token as a picker shows it: its position and its text."""
    return tr("{i} · {token}", i=i, token=tokens[i])


def intro() -> None:
    st.title(t("Worked example: attention by hand"))
    st.caption(t("Every number below is recomputed as you edit. Change a cell in any input and watch what depends on it change — and what does not."))


def settings() -> Example:
    """The example and its sizes, weights, heads, mask and scaling."""
    name = st.radio(t("Example"), PRESETS, format_func=lambda p, tr=fixed(): tr(PRESET_NAMES[p]),
                    horizontal=True, key=K.PRESET)
    st.caption(worked_example.source(name) or t("Your own tokens and dimensions: random embeddings X (drawn with the random seed below) and sinusoidal positional encodings."))
    c1, c2, c3, c4, c5 = st.columns(5)
    given = name == "seed-000"
    n_tokens, d_model, labels = 3, 3, None
    if name == "custom":
        n_tokens = c1.number_input(t("Tokens"), 1, worked_example.MAX_TOKENS, 4, key=K.N_TOKENS)
        d_model = c2.number_input(t("d_model"), 1, worked_example.MAX_DIM, 4, key=K.D_MODEL)
        typed = st.text_input(t("Token labels (comma-separated)"), "the,cat,sat,down", key=K.LABELS)
        # a Chinese keyboard types the full-width comma
        labels = [label.strip() for label in typed.replace("，", ",").split(",")]
        if len(labels) != n_tokens or not all(labels):
            st.warning(t("Give {n} non-empty labels; using t0, t1, … until then.", n=n_tokens))
            labels = None
    weights = "identity"
    seed = 0
    heads = 1
    if not given:
        weights = c3.selectbox(t("W_Q, W_K, W_V"), ["identity", "random"], key=K.WEIGHTS,
                               format_func=lambda w, tr=fixed(): tr(WEIGHT_NAMES[w]), help=t("Identity makes Q = K = V = X + PE. Random draws them from a seeded generator; either way every cell stays editable."))
        seed = int(c4.number_input(t("Seed"), 0, 10_000, 0, key=K.SEED, disabled=weights != "random"))
        d = d_model if name == "custom" else 3
        divisors = [h for h in range(1, d + 1) if d % h == 0]
        heads = c5.selectbox(tc("count", "Heads"), divisors, key=K.HEADS, help=t("Heads must divide d_model."))
    m1, m2, m3 = st.columns([2, 2, 3])
    mask_kind = m1.selectbox(t("Mask"), worked_example.MASKS, format_func=lambda m, tr=fixed(): tr(MASK_NAMES[m]), key=K.MASK)
    pad = 0
    n_now = 2 if given else n_tokens
    if mask_kind == "padding":
        pad = int(m2.number_input(t("Padding tokens at the end"), 0, max(n_now - 1, 0), min(1, n_now - 1), key=K.PADDING))
    scale = m3.toggle(t("Scale by √d_k"), True, key=K.SCALE, help=t("Turn off to see the scores unscaled."))
    spec = worked_example.preset(name, weights=weights, seed=seed, n_heads=heads, n_tokens=n_tokens, d_model=d_model)
    if labels:
        spec.tokens = labels
    spec.mask, spec.n_padding, spec.scale = mask_kind, pad, scale
    return Example(name, spec, f"{name}_{weights}_{seed}_{heads}_{n_tokens}_{d_model}", heads)


def inputs(ex: Example) -> bool:
    """Editable matrices, written into ex.spec; True when every cell shown is a number."""
    spec, signature = ex.spec, ex.signature
    valid = True
    with st.expander(t("Inputs — click a cell to edit it"), expanded=True):
        tok = spec.tokens
        if ex.given:
            cols = st.columns(3)
            for col, m in zip(cols, ("Q", "K", "V")):
                with col:
                    st.markdown(t("**{name}**", name=m))
                    dims = [f"d{j}" for j in range(getattr(spec, m).shape[1])]
                    value, ok = matrix_editor(m, f"{signature}_{m}", getattr(spec, m), tok, dims)
                    setattr(spec, m, value)
                    valid &= ok
            return valid
        dims = [f"d{j}" for j in range(spec.X.shape[1])]
        a, b = st.columns(2)
        with a:
            st.markdown(t("**X** — word embeddings"))
            spec.X, ok = matrix_editor("X", f"{signature}_X", spec.X, tok, dims)
            valid &= ok
        with b:
            st.markdown(t("**PE** — positional encodings"))
            if ex.name == "seed-001" and st.toggle(t("Use the sinusoidal formula instead of the article's numbers"), key=K.SINUSOIDAL_PE):
                spec.PE = np.round(sinusoidal(3, 3).astype(float), 6)
                st.caption(t("PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d))."))
                pe_key = f"{signature}_PE_sin"
            else:
                pe_key = f"{signature}_PE"
            spec.PE, ok = matrix_editor("PE", pe_key, spec.PE, tok, dims)
            valid &= ok
        wcols = st.columns(4 if ex.heads > 1 else 3)
        for col, m in zip(wcols, ("W_Q", "W_K", "W_V", "W_O")):
            with col:
                st.markdown(t("**{name}**", name=m))
                value, ok = matrix_editor(m, f"{signature}_{m}", getattr(spec, m), dims, dims)
                setattr(spec, m, value)
                valid &= ok
    return valid


def compute(spec: worked_example.ToySpec, valid: bool) -> worked_example.ToyResult:
    """Run the example; when it cannot run, say why and keep showing the last result that did."""
    problems = spec.check()
    if problems:
        for problem in problems:  # numbers and shapes only: nothing typed reaches these sentences
            st.error(problem)
        result = st.session_state.get(K.LAST_GOOD)
        if result is None:
            st.stop()
        st.warning(t("Showing the last result that computed."))
    else:
        result = worked_example.run_toy(spec)
        st.session_state[K.LAST_GOOD] = result
    if not valid:
        st.warning(t("Some cells above are not numbers; the results use the last valid matrices."))
    st.session_state[K.SHOWN] = result.steps
    return result


def step_by_step(result: worked_example.ToyResult) -> None:
    """Every intermediate, in order: its formula, its numbers and a small heatmap."""
    st.header(t("Step by step"))
    tok = result.spec.tokens
    d_cols = [f"d{j}" for j in range(result.steps["Q"].shape[1])]
    for step, value in result.steps.items():
        if step in ("concat", "W_O", "final"):
            continue
        formula, words = derivations.STEP_FORMULAS[step], t(STEP_WORDS[step])
        if step == "scaled_scores" and not result.spec.scale:
            formula, words = r"S", t("the scores, unscaled: scaling is off")
        rows = d_cols if step.startswith("W_") else tok
        cols = tok if step in ("scores", "scaled_scores", "mask", "masked_scores", "weights") else (
            d_cols[: value.shape[1]] if value.shape[1] <= len(d_cols) else [f"d{j}" for j in range(value.shape[1])])
        left, mid, right = st.columns([2, 3, 2])
        with left:
            st.latex(formula)
            st.caption(words)
        screen.table(mid, frame(value, rows, cols))
        draw = mask_grid if step == "mask" else step_heatmap
        right.plotly_chart(draw(value, rows, cols), key=K.step_chart(step), config={"displayModeBar": False})
        if step == "mask" and np.isfinite(value).all():
            right.caption(t("No mask: every query may look at every key."))
    if len(result.heads) == 1:
        st.caption(t("d_k = {d_k}, so each score is divided by √{d_k} = {root}.", d_k=result.d_k, root=num(np.sqrt(result.d_k))) if result.spec.scale
                   else t("d_k = {d_k}; scaling is off.", d_k=result.d_k))


def one_cell(result: worked_example.ToyResult) -> None:
    st.header(t("One cell, worked out"))
    tok = result.spec.tokens
    e1, e2, e3 = st.columns(3)
    option = partial(token_option, tok, fixed())
    qi = e1.selectbox(t("Query token"), range(len(tok)), format_func=option, key=K.CELL_QUERY)
    kj = e2.selectbox(t("Key token"), range(len(tok)), format_func=option, key=K.CELL_KEY)
    hh = e3.selectbox(t("Head"), range(len(result.heads)), key=K.CELL_HEAD) if len(result.heads) > 1 else 0
    cell = worked_example.explain_toy_cell(result, qi, kj, hh)
    for line in derivations.toy_cell(cell, qi, kj, result.spec.scale, result.heads[hh].weights[qi]):
        st.latex(line)
    if not np.isfinite(cell.row[kj]):
        st.caption(t("Masked: the mask adds −∞ to this score, so its weight is 0."))


def multi_head(result: worked_example.ToyResult) -> None:
    if len(result.heads) <= 1:
        return
    tok = result.spec.tokens
    d_cols = [f"d{j}" for j in range(result.steps["Q"].shape[1])]
    st.header(t("{n} heads", n=len(result.heads)))
    st.latex(derivations.MULTI_HEAD)
    st.caption(t("Q, K and V are split into {n} column blocks of d_k = {d_k}.", n=len(result.heads), d_k=result.d_k))
    hcols = st.columns(len(result.heads))
    for i, (col, hs) in enumerate(zip(hcols, result.heads)):
        with col:
            st.markdown(t("**Head {i}** weights", i=i))
            screen.table(st, frame(hs.weights, tok, tok))
            st.markdown(t("Head {i} output", i=i))
            screen.table(st, frame(hs.output, tok, [f"d{j}" for j in range(hs.output.shape[1])]))
    f1, f2 = st.columns(2)
    f1.markdown(t("**Concat(heads)**"))
    screen.table(f1, frame(result.steps["concat"], tok, d_cols))
    f2.markdown(t("**Concat · W_O** (the layer's output)"))
    screen.table(f2, frame(result.steps["final"], tok, d_cols))


def why_scale() -> None:
    st.header(t("Why divide by √d_k?"))
    st.markdown(t("For random q and k with unit-variance entries, q·k has variance d_k: the scores spread as d_k grows, and an unscaled softmax puts almost all weight on one key. Dividing by √d_k keeps the spread at 1."))
    d_values = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    peak = worked_example.softmax_peakedness(d_values, n_keys=16, trials=200, seed=0)
    for col, metric in zip(screen.stacked(2), ("max", "entropy")):
        fig = screen.chart(peakedness_chart(d_values, peak, metric, t(METRICS[metric])), legend="above")
        if screen.presenting():
            fig.update_layout(height=520)
        col.plotly_chart(fig, key=K.peak_chart(metric))


def mistakes(result: worked_example.ToyResult) -> None:
    st.header(t("Common mistakes"))
    tok = result.spec.tokens
    d_cols = [f"d{j}" for j in range(result.steps["Q"].shape[1])]
    mistake = st.selectbox(t("Mistake"), worked_example.MISTAKES, format_func=partial(worked_example.mistake_label),
                           key=K.MISTAKE)
    try:
        effect = worked_example.mistake_effect(result.spec, mistake)
    except ValueError as exc:
        effect = {"error": str(exc)}
    if effect.get("error"):
        st.markdown(t("What Python says when this runs:"))
        st.code(effect["error"], language="text")
    if mistake == "np_softmax":
        st.code("def softmax(s, axis=-1):\n    e = np.exp(s - s.max(axis=axis, keepdims=True))  # "
                + t("subtract the max: no overflow") + "\n    return e / e.sum(axis=axis, keepdims=True)", language="python")
    if effect.get("note"):
        st.info(effect["note"])
    for key_ in ("weights", "output"):
        if key_ in effect:
            w1, w2 = st.columns(2)
            w1.markdown(t(WITH_MISTAKE[key_]))
            screen.table(w1, frame(effect[key_], tok, tok if key_ == "weights" else
                            [f"d{j}" for j in range(effect[key_].shape[1])]))
            w2.markdown(t("**Right**"))
            right = result.steps[key_]
            screen.table(w2, frame(right, tok, tok if key_ == "weights" else d_cols[: right.shape[1]]))
    if "max_change" in effect:
        st.caption(t("Largest change against the right numbers: {value}", value=num(effect["max_change"])))


def what_the_article_gets_wrong(name: str, result: worked_example.ToyResult) -> None:
    notes = worked_example.seed_notes(name)
    if not notes:
        return
    st.header(t("What the article gets wrong"))
    st.caption(worked_example.source(name))
    for note in notes:
        st.markdown(t("- {note}", note=note))
    claims = worked_example.claims_checked(name, result)
    if claims:
        screen.table(st, pd.DataFrame({t("the article says"): [c for c, _ in claims],
                                       t("recomputed"): [r for _, r in claims]}), hide_index=True)
    if name == "seed-001":
        right_pe = sinusoidal(3, 3)
        st.markdown(t("The sinusoidal encoding the article's own formula gives for 3 positions × 3 dimensions:"))
        screen.table(st, frame(right_pe.astype(float), worked_example.SEED_001_TOKENS, ["d0", "d1", "d2"]))


def real_model_cell() -> None:
    """The same arithmetic on a cell of the sidebar's model, recomputed from its captured q and k."""
    from attnviz.analysis.explain import explain_cell, why_not_explained
    from attnviz.app.pipeline import load as pipeline

    st.header(t("Explain a cell of a real model"))
    sel = pipeline.selection()
    name = code(sel.label or sel.spec or "—")  # presentation mode names the model (the sidebar is hidden)
    st.caption(tp("The same arithmetic on the model and text in the sidebar: the page recomputes q·k/√d, the mask and the softmax row from the query and key vectors captured in the forward pass.", name=name))
    if not st.toggle(tp("Explain a cell of the sidebar's model", name=name), key=K.REAL):
        return

    model, cap = pipeline.require_capture()
    kind, layer, head = widgets.kind_layer_head(cap, K.REAL_PICKERS)
    reason = why_not_explained(cap, model.info, kind)
    if reason:
        st.info(literal_message(errors.note(reason)))  # it names the model (a folder, perhaps)
        return
    q_tokens, k_tokens = cap.axes(kind)
    r1, r2 = st.columns(2)
    qpos = r1.selectbox(t("Query token"), range(len(q_tokens)), format_func=partial(token_option, q_tokens, fixed()),
                        key=K.REAL_QUERY)
    kpos = r2.selectbox(t("Key token"), range(len(k_tokens)), format_func=partial(token_option, k_tokens, fixed()),
                        key=K.REAL_KEY)
    ex = explain_cell(cap, model.info, kind, layer, head, qpos, kpos)
    if model.info.n_kv_heads != model.info.n_heads:
        st.caption(t("Query head {head} reads key/value head {kv} (grouped-query attention).", head=head, kv=ex.kv_head))
    if ex.rotary is not None:
        st.markdown(t("**Rotary positions.** Before the dot product, each pair of dimensions of q is turned by its angle at position {qpos} and of k at position {kpos}; q·k then depends on {qpos} − {kpos}. Without the rotation q·k would be {before}; with it, {after}.", qpos=qpos, kpos=kpos, before=f"{ex.rotary.dot_before:.6f}", after=f"{ex.dot:.6f}"))
        rot = pd.DataFrame({t("pair (dims)"): [f"{a}, {b}" for a, b in ex.rotary.pairs],
                            t("angle at query {pos} (rad)", pos=qpos): ex.rotary.angle_query,
                            t("angle at key {pos} (rad)", pos=kpos): ex.rotary.angle_key})
        screen.table(st, rot.head(8), hide_index=True)
        if 2 * len(ex.rotary.pairs) < len(ex.q):
            st.caption(t("Partial rotary: only {turned} of the {total} dimensions of each head are turned; the others enter q·k as they left the projection.", turned=2 * len(ex.rotary.pairs), total=len(ex.q)))
    dot, score, weight = derivations.model_cell(ex, kpos)
    st.latex(dot)
    st.latex(score)
    if not np.isfinite(ex.score):
        st.caption(t("Masked: this key is closed to this query, so its score is −∞ and its weight 0."))
    st.latex(weight)
    st.success(t("Recomputed {recomputed}; the model returned {captured} (difference {difference}) — {kind}, layer {layer}, head {head}.", recomputed=f"{ex.weight:.6f}", captured=f"{ex.captured:.6f}",
                 difference=f"{ex.difference:.1e}", kind=words.kind(kind), layer=layer, head=head))
    with st.expander(t("The whole softmax row")):
        screen.table(st, pd.DataFrame({
            t("key"): [token_option(k_tokens, fixed(), i) for i in range(len(k_tokens))],
            t("score"): ex.row_scores, t("weight (recomputed)"): ex.row_weights,
            t("weight (captured)"): cap.source(kind).rows(layer, qpos, qpos + 1)[head, 0].cpu().numpy()}),
            hide_index=True)


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
