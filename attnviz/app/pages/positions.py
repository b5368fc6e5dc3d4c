"""Positional encodings: sinusoidal, learned and rotary — the formula, the model's own, and their effect."""
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from attnviz.analysis import reduce
from attnviz.core import positional as P
from attnviz.lessons import derivations
from attnviz.core.errors import AttnvizError
from attnviz.figures import positions as figs
from attnviz.figures import views
from attnviz.figures.plots import position_labels
from attnviz.lessons import worked_example
from attnviz.models.loading import LoadedModel
from attnviz.i18n import fixed, N_, t, tc, tp
from attnviz.app.shell import screen
from attnviz.app.shell import messages as errors
from attnviz.app.pipeline import load as pipeline
from attnviz.app.widgets import pickers as widgets
from attnviz.app.state import positions as K
from attnviz.app.widgets.literal import code, message as literal_message
from attnviz.app.pipeline.load import Unavailable

SCHEMES = {"sinusoidal": N_("sinusoidal"), "learned": N_("learned"), "rotary": N_("rotary"), "alibi": N_("ALiBi"),
           "relative": N_("relative (T5 buckets)"), "disentangled": N_("relative (DeBERTa, disentangled)"),
           "none": N_("no")}
EFFECT_MODES = {"shuffled": N_("shuffled"), "removed": N_("removed")}
EFFECT_TITLES = {"base": N_("with positions"), "shuffled": N_("positions shuffled"), "removed": N_("positions removed")}
TAB_NAMES = {"sinusoidal": N_("Sinusoidal"), "learned": N_("Learned"), "rotary": N_("Rotary (RoPE)"), "used": N_("What the model used"), "effect": N_("Effect on attention")}

TABS = ["sinusoidal", "learned", "rotary", "used", "effect"]


def chart(container, fig, key: str) -> None:
    """A figure, larger when presenting (present.figure)."""
    container.plotly_chart(screen.figure(fig), key=key)


def scheme(name: str) -> str:
    """A positional scheme in words (a scheme the catalogue does not know keeps its code name)."""
    return t(SCHEMES[name]) if name in SCHEMES else name


def token_option(tokens: list[str], tr, i: int) -> str:
    return tr("{i} · {token}", i=i, token=tokens[i])


def intro() -> None:
    st.title(t("Positional encodings"))
    st.caption(t("Self-attention alone is blind to order: permute the tokens and every weight moves with them. Transformers add where each token sits — by a formula, a learned table, or a rotation."))


# ---- sinusoidal ------------------------------------------------------------------------------------
def sinusoidal_tab() -> None:
    st.latex(derivations.SINUSOIDAL)
    a, b = st.columns(2)
    d_model = a.slider(t("d_model"), 4, 512, 64, step=2, key=K.D_MODEL)
    length = b.slider(tc("count", "Positions"), 8, 512, 100, key=K.LENGTH)
    pe = P.sinusoidal(length, d_model)
    chart(st, figs.value_heatmap(pe, t("dimension"), t("position"),
                                 hover=t("pos %{y}, dim %{x}: %{z:.4f}")), K.SIN_CHART)
    st.caption(t("Early dimensions oscillate fast, later ones slowly: each pair (2i, 2i+1) is a clock at its own speed."))
    sinusoidal_waves(pe)
    pos = sinusoidal_formula(pe)
    sinusoidal_similarity(pe)
    sinusoidal_shift(pe, pos)


def sinusoidal_waves(pe: np.ndarray) -> None:
    st.subheader(t("Dimensions as waves"))
    d_model = pe.shape[1]
    dims = st.multiselect(t("Dimensions"), list(range(d_model)), default=[d for d in (0, 1, 4, 5, d_model // 2) if d < d_model],
                          key=K.WAVES)
    chart(st, figs.waves(pe, dims), K.WAVES_CHART)


def sinusoidal_formula(pe: np.ndarray) -> int:
    """The formula worked out at one (pos, i); returns pos (the shift section starts there)."""
    st.subheader(t("The formula at one point"))
    length, d_model = pe.shape
    c1, c2 = st.columns(2)
    pos = c1.number_input(tc("formula", "pos"), 0, length - 1, min(3, length - 1), key=K.POS)
    i = c2.number_input(t("i (pair)"), 0, d_model // 2 - 1, min(1, d_model // 2 - 1), key=K.PAIR_I)
    for line in derivations.sinusoidal_at(int(pos), int(i), d_model):
        st.latex(line)
    st.caption(t("The table above holds {even} and {odd} there (float32).", even=f"{pe[pos, 2 * i]:.6f}", odd=f"{pe[pos, 2 * i + 1]:.6f}"))
    return int(pos)


def sinusoidal_similarity(pe: np.ndarray) -> None:
    st.subheader(t("Similarity depends on distance only"))
    length = len(pe)
    sim = P.similarity(pe)
    s1, s2 = screen.stacked(2)
    position = t("position")
    chart(s1, figs.value_heatmap(sim, position, position, colorscale="Viridis", zmid=None,
                                 hover="PE(%{y})·PE(%{x}) = %{z:.3f}"), K.SIM_CHART)
    chart(s2, figs.similarity_by_distance(sim, sorted({0, length // 4, length // 2})), K.SIM_DISTANCE_CHART)
    st.caption(t("PE(pos)·PE(pos + k) = Σᵢ cos(ωᵢ k): the curves from different starting positions lie on top of each other."))


def sinusoidal_shift(pe: np.ndarray, pos: int) -> None:
    st.subheader(t("A shift is a rotation"))
    length, d_model = pe.shape
    k = st.slider(t("Shift k"), 1, max(1, length - 1), min(5, length - 1), key=K.SHIFT)
    angles, err = P.shift_as_rotation(pe, k)
    st.latex(r"\begin{pmatrix} PE_{(pos+k,\,2i)} \\ PE_{(pos+k,\,2i+1)} \end{pmatrix} = "
             r"\begin{pmatrix} \cos \omega_i k & \sin \omega_i k \\ -\sin \omega_i k & \cos \omega_i k \end{pmatrix}"
             r"\begin{pmatrix} PE_{(pos,\,2i)} \\ PE_{(pos,\,2i+1)} \end{pmatrix},\quad \omega_i = 10000^{-2i/d_{model}}")
    st.success(t("Checked for every position and every pair: largest error {err} (float32 rounding). The rotation depends on k alone.", err=f"{err:.1e}"))
    r1, r2 = screen.stacked(2, [3, 2])
    pair = r2.number_input(t("Pair i to draw"), 0, len(angles) - 1, 0, key=K.PAIR)
    table = pd.DataFrame({t("pair i"): range(len(angles)),
                          t("dims"): [f"{2 * j}, {2 * j + 1}" for j in range(len(angles))],
                          "ω_i": P.frequencies(d_model), t("angle ω_i·k (rad)"): angles})
    r1.dataframe(table, hide_index=True, height=260, width="stretch")
    chart(r2, figs.shift_circle(pe, pair, min(pos, length - 1 - k), k), K.CIRCLE_CHART)


# ---- learned -------------------------------------------------------------------------------------------
def learned_tab(model: LoadedModel | Unavailable) -> None:
    if isinstance(model, Unavailable):  # the other tabs still work from the formulas
        model.show()
        st.info(tp("Pick **minilm** or **scratch-seq2seq** in the sidebar, or a GPT-2 or BERT folder of your own, to see a learned position table."))
        return
    found = P.learned_positions(model.module)
    if found is None:
        st.info(tp("{name} has no learned position table ({scheme} positions). Pick **minilm** or **scratch-seq2seq** in the sidebar, or a GPT-2 or BERT folder of your own.", name=code(model.info.name), scheme=scheme(model.info.positional)))
        return
    name, table = found
    st.markdown(t("{name} learns a table of **{n} positions × {d} dimensions** ({module}); row *p* is added to the embedding of the token at position *p*.", name=code(model.info.name), n=table.shape[0], d=table.shape[1],
                  module=code(name)))
    n_show = st.slider(t("Positions shown"), 8, table.shape[0], min(table.shape[0], 128), key=K.LEARNED_N)
    skip_first = st.toggle(t("Leave out position 0"), True, key=K.LEARNED_SKIP0,
                           help=t("Position 0 always holds the first token ([CLS], <s>) and often sits far from the other positions, squeezing them together in the plots."))
    start = 1 if skip_first else 0
    rows = table[start:n_show]
    position = t("position")
    chart(st, figs.value_heatmap(rows, t("dimension"),
                                 t("position − {start}", start=start) if start else position,
                                 hover=t("row %{y}, dim %{x}: %{z:.4f}"), robust=True), K.LEARNED_CHART)
    st.caption(t("Colours are clipped at the 99th percentile of |value|: a few dimensions hold much larger values."))
    l1, l2 = screen.stacked(2)
    with l1:
        st.markdown(t("**Cosine similarity of positions**"))
        chart(st, figs.value_heatmap(P.similarity(rows, cosine=True), position, position, colorscale="Viridis",
                                     zmid=None, hover="cos(%{y}, %{x}) = %{z:.3f}"), K.LEARNED_SIM_CHART)
    with l2:
        xy, ratio = P.pca_2d(rows)
        st.markdown(t("**The positions as a path** (PCA: {first} + {second} of the variance)", first=f"{ratio[0]:.0%}", second=f"{ratio[1]:.0%}"))
        chart(st, figs.position_path(xy, start), K.LEARNED_PCA_CHART)
    st.caption(t("Nothing forces a learned table to be smooth, yet trained models learn neighbouring positions that resemble each other: the bright band along the diagonal and the ordered path."))


# ---- rotary --------------------------------------------------------------------------------------------
def rotary_tab(model: LoadedModel | Unavailable) -> None:
    st.latex(r"\mathrm{RoPE}(x, m)_{(2i,\,2i+1)} = \begin{pmatrix} \cos m\theta_i & -\sin m\theta_i \\ "
             r"\sin m\theta_i & \cos m\theta_i \end{pmatrix} \begin{pmatrix} x_{2i} \\ x_{2i+1} \end{pmatrix},\quad "
             r"\theta_i = 10000^{-2i/d_{head}}")
    st.markdown(t("Rotary models add nothing to the embeddings: they turn each pair of dimensions of every query and key by an angle proportional to the position, so q·k depends on how far apart two tokens are."))
    rot_model = model if isinstance(model, LoadedModel) and model.info.positional == "rotary" else None
    d_head = rot_model.info.d_head if rot_model else st.select_slider(t("d_head"), [8, 16, 32, 64, 128],
                                                                       32, key=K.ROPE_D)
    if rot_model:
        st.markdown(t("Using {name}: d_head = {d}.", name=code(rot_model.info.name), d=d_head))
    else:
        st.info(tp("The sidebar's model does not use rotary positions; this tab uses the formula. Pick **glassllm-en** or **scratch-decoder** to see a rotary model's own vectors.", name=code(model.info.name) if isinstance(model, LoadedModel)
                  else t("This model")))
    n_pos = st.slider(tc("count", "Positions"), 8, 256, 64, key=K.ROPE_POSITIONS)
    angles = P.rotary_angles(n_pos, d_head)
    chart(st, figs.value_heatmap(np.mod(angles, 2 * np.pi), t("pair i"), t("position m"),
                                 colorscale="Twilight", zmid=None, hover=t("pos %{y}, pair %{x}: %{z:.3f} rad")),
          K.ROPE_ANGLES_CHART)
    st.caption(t("Angle m·θᵢ (mod 2π) per position and pair: the first pairs spin fast, the last ones barely turn."))
    rotary_by_distance(rot_model, d_head, n_pos)


def rotary_by_distance(rot_model: LoadedModel | None, d_head: int, n_pos: int) -> None:
    """q·k against the distance, for random vectors or (rotary models) a query and key of the model."""
    st.subheader(t("q·k against relative distance"))
    rng = np.random.default_rng(st.number_input(t("Seed for random q and k"), 0, 9999, 0, key=K.ROPE_SEED))
    q, kvec = rng.standard_normal(d_head), rng.standard_normal(d_head)
    source = t("random q and k")
    if rot_model:
        cap_model, cap = pipeline.require_capture(show_notes=False)
        stack = cap.qk.get("self")
        if stack is not None and stack.rotary and st.toggle(t("Use a query and key of the model"), True, key=K.ROPE_REAL):
            kind, layer, head = widgets.kind_layer_head(cap, K.ROPE_PICKERS)
            tokens = cap.tokens
            qi = st.selectbox(t("Query token"), range(len(tokens)), index=len(tokens) - 1,
                              format_func=partial(token_option, tokens, fixed()), key=K.ROPE_QUERY)
            from attnviz.analysis.explain import explain_cell
            ex = explain_cell(cap, cap_model.info, "self", layer, head, qi, 0)
            q, kvec = ex.rotary.rotated_interleaved()  # pairs (2i, 2i+1), rotated dimensions only
            source = t("the query of token {qi} and the key of token 0, layer {layer}, head {head}, before rotation", qi=qi, layer=layer, head=head)
            if len(q) < d_head:
                source = t("{source} (the {n} of {d} dimensions this model turns)", source=source, n=len(q), d=d_head)
    dots = P.rotary_dot_by_distance(q, kvec, n_pos - 1)
    chart(st, figs.rotary_dot_chart(dots, float(q @ kvec)), K.ROPE_DISTANCE_CHART)
    st.caption(t("From {source}. Rotating both by their positions leaves q·k a function of m − n alone; rotation never changes a vector's length.", source=source))


# ---- what the model used --------------------------------------------------------------------------------
def used_tab() -> None:
    found = pipeline.try_capture()
    if isinstance(found, Unavailable):
        found.show()
        return
    model, cap = found
    for note in pipeline.notes(model, cap):  # never a silent [UNK]: which characters the model cannot read
        st.warning(note)
    used_values(model, cap)
    bias_by_distance(model)


def used_values(model: LoadedModel, cap) -> None:
    """The encoding values read through a hook during the forward pass, against their reference."""
    pos_cap = cap.positional
    if pos_cap is None or not pos_cap.values:
        st.info(t("{name} adds no positional encoding that attnviz could read ({scheme}).", name=code(model.info.name), scheme=scheme(model.info.positional)))
        return
    st.markdown(tp("{name} uses **{kind}** positions. Read through a hook on {source} during the forward pass of the sidebar's text — the values the model really used, not a formula recomputed beside it.", name=code(model.info.name), kind=scheme(pos_cap.kind),
                  source=code(pos_cap.source)))
    tokens = cap.tokens
    labels = position_labels(tokens)  # tokens escaped: plotly reads markup in its labels
    for name, values in pos_cap.values.items():
        st.markdown(t("{name} — shape {shape}", name=code(name), shape=" × ".join(map(str, values.shape))))
        if values.ndim == 2:
            rows = labels if values.shape[0] == len(tokens) else [str(i) for i in range(values.shape[0])]
            chart(st, figs.used_encoding(values, rows), K.used_chart(name))
        elif values.ndim == 3:
            h = st.slider(t("Head"), 0, values.shape[0] - 1, 0, key=K.USED_BIAS_HEAD)
            chart(st, figs.value_heatmap(values[h], t("key position"),
                                         t("query position")), K.USED_BIAS_CHART)
    used_against_reference(model, pos_cap)


def bias_by_distance(model: LoadedModel) -> None:
    """ALiBi's slopes or T5's buckets as the bias added to a score by distance; for other schemes, why not."""
    st.subheader(t("Bias by distance"))
    bias_fig, bias_text = figs.position_bias_figure(model.info, model.module)
    if bias_fig is not None:
        chart(st, bias_fig, K.USED_BIAS_BY_DISTANCE_CHART)
    st.caption(bias_text)


def used_against_reference(model: LoadedModel, pos_cap) -> None:
    """The captured encoding against the model's own table (learned) or the textbook formula (sinusoidal)."""
    found = P.learned_positions(model.module)
    if pos_cap.kind == "learned" and found is not None and "encoding" in pos_cap.values:
        used = pos_cap.values["encoding"]
        diff = float(np.abs(used - found[1][: used.shape[0]]).max())
        st.success(t("The captured rows equal rows 0–{last} of the table {table} (largest difference {diff}).", last=used.shape[0] - 1, table=code(found[0]), diff=f"{diff:.1e}"))
    if pos_cap.kind == "sinusoidal" and "encoding" in pos_cap.values:
        used = pos_cap.values["encoding"]
        formula = P.sinusoidal(used.shape[0], used.shape[1])
        diff = float(np.abs(used - formula).max())
        st.info(t("Compared with the textbook formula: largest difference {diff} — the same encoding.",
                  diff=f"{diff:.2g}") if diff < 1e-4 else t("Compared with the textbook formula: largest difference {diff} — this model lays its sines and cosines out differently (for example all sines first, then all cosines).",
                  diff=f"{diff:.2g}"))


# ---- effect on attention ---------------------------------------------------------------------------------
def effect_tab() -> None:
    st.markdown(t("The same text run again with its positions **shuffled** (each token gets another token's position) or **removed** (zeros; for rotary models, no rotation). What changes is what position did."))
    e1, e2 = st.columns(2)
    mode = e1.radio(t("Positions"), ["shuffled", "removed"], horizontal=True, key=K.EFFECT_MODE,
                    format_func=lambda m, tr=fixed(): tr(EFFECT_MODES[m]))
    fx_seed = int(e2.number_input(t("Shuffle seed"), 0, 9999, 0, key=K.EFFECT_SEED, disabled=mode != "shuffled"))
    found = pipeline.try_capture()
    if isinstance(found, Unavailable):
        found.show()
    else:
        for note in pipeline.notes(*found):  # this tab's heatmaps show the tokens too
            st.warning(note)
        effect_in_the_model(*found, mode, fx_seed)
    effect_in_the_worked_example()


def effect_in_the_model(model: LoadedModel, cap, mode: str, seed: int) -> None:
    """One head with its positions, with them altered, and the difference: the same heatmap view thrice."""
    try:
        other = pipeline.capture_for(model, mode, seed)
    except AttnvizError as exc:
        st.warning(literal_message(errors.say(exc)))
        return
    kind, layer, head = widgets.kind_layer_head(cap, K.EFFECT_PICKERS)
    opts = views.ViewOptions(kind=kind, layer=layer, head=head)  # axes and hover in the chosen language
    diff = views.difference(cap, other, opts)
    f1, f2, f3 = screen.stacked(3)
    chart(f1, views.heatmap(cap, opts).figure.update_layout(title={"text": t("with positions")}),
          K.EFFECT_BASE)
    chart(f2, views.heatmap(other, opts).figure.update_layout(title={"text": t(EFFECT_TITLES[mode])}),
          K.EFFECT_ALTERED)
    chart(f3, diff.figure, K.EFFECT_DIFF)
    changed = reduce.max_difference(other.source(kind), cap.source(kind))
    st.caption(t("Largest change in this head: {head}; over every layer and head: {every}.", head=f"{diff.table.to_numpy().max():.4f}", every=f"{changed:.4f}"))


def effect_in_the_worked_example() -> None:
    st.subheader(t("In the worked example"))
    with_pe = worked_example.run_toy(worked_example.preset("seed-001"))
    spec_no = worked_example.preset("seed-001")
    spec_no.PE = np.zeros_like(spec_no.PE)
    without = worked_example.run_toy(spec_no)
    w1, w2 = st.columns(2)
    w1.markdown(t("**Weights with the seed's positional encodings**"))
    w1.dataframe(pd.DataFrame(with_pe.steps["weights"], index=worked_example.SEED_001_TOKENS, columns=worked_example.SEED_001_TOKENS).round(4))
    w2.markdown(t("**Weights without them** (X alone)"))
    w2.dataframe(pd.DataFrame(without.steps["weights"], index=worked_example.SEED_001_TOKENS, columns=worked_example.SEED_001_TOKENS).round(4))
    perm = [2, 0, 1]
    spec_perm = worked_example.preset("seed-001")
    spec_perm.PE = np.zeros_like(spec_perm.PE)
    spec_perm.X = spec_perm.X[perm]
    shuffled = worked_example.run_toy(spec_perm).steps["weights"]
    back = shuffled[np.argsort(perm)][:, np.argsort(perm)]
    st.caption(t("Without positions, reordering the words only reorders the weights: after undoing the permutation the two agree to {err}.", err=f"{np.abs(back - without.steps['weights']).max():.1e}"))


def main() -> None:
    intro()
    tabs = st.tabs([t(TAB_NAMES[tab]) for tab in TABS])
    with tabs[0]:
        sinusoidal_tab()
    model = pipeline.try_model()  # never stops the page: the formula tabs work without a model
    with tabs[1]:
        learned_tab(model)
    with tabs[2]:
        rotary_tab(model)
    with tabs[3]:
        used_tab()
    with tabs[4]:
        effect_tab()


main()
