"""The guided lesson: the articles' story one live step at a time, with next/back buttons and arrow keys."""
from __future__ import annotations

import json
from string import Template

import numpy as np
import streamlit as st

from attnviz.analysis.heads import best_head
from attnviz.analysis.patterns import anti_diagonal_mass
from attnviz.core import positional as P
from attnviz.figures import plots, positions as pos_figs, training as train_figs, views
from attnviz.figures.text_view import text_view
from attnviz.figures.titles import fit_title
from attnviz.figures.worked_example import peakedness_chart
from attnviz.lessons import worked_example
from attnviz.lessons.steps import STEP_TEXTS, STEP_TITLES, STEPS
from attnviz.training.trainer import TrainConfig
from attnviz.training.worker import TrainingJob
from attnviz.app.shell import language, model_default, screen
from attnviz.app.pages.training.jobs import board_job
from attnviz.app.pages import lesson_looks
from attnviz.app.shell import messages as errors
from attnviz.app.pipeline import load as pipeline
from attnviz.core.types import AttentionCapture
from attnviz.app.widgets.fit import fit_int
from attnviz.app.widgets.fit_frame import fitted
from attnviz.app.shell.language import keep_in_link
from attnviz.i18n import fixed, N_, t, tc
from attnviz.app.state import lesson as K
from attnviz.app.widgets.literal import escape, message as literal_message

ORDERS = {"original": N_("original"), "reversed": N_("reversed"), "shuffled": N_("shuffled")}
METRICS = {"max": N_("Largest weight in a row"), "entropy": N_("Entropy of a row (nats)")}
PATTERNS = {"previous": N_("previous token"), "first": N_("first token"), "induction": N_("induction")}
TRAINING_PROGRESS = {"running": N_("Training… step {step}; attention on the anti-diagonal: {mass}."), "idle": N_("Step {step}; attention on the anti-diagonal: {mass}. Press Train to go on.")}
WORDS_CAPTION = {"minilm": N_("MiniLM; darker is more weight. Hover a word to see where it looks."),
                 "zh-char": N_("zh-char reads one character at a time and looks only at the characters before it; darker is more weight. Hover a character to see where it looks.")}
FOUND = {"previous": N_("Layer {layer}, head {head} gives {score} of its weight to the previous token on average."), "first": N_("Layer {layer}, head {head} gives {score} of its weight to the first token on average."), "induction": N_("Layer {layer}, head {head}: from a repeated word, {score} of the weight goes to the word that followed its first occurrence.")}

# Arrow keys click the page's own buttons (found by their Streamlit key class): no library, no network. A press
# made while the last one's run is still going is kept, not lost: Streamlit folds two clicks of one button that
# reach it together into one, so each click waits until the page shows the step it asked for (the navigation's
# container names the step shown in its class), then the next is made.
ARROWS = Template("""<script>
const doc = window.parent.document, view = doc.defaultView;
const shown = () => {
  const found = doc.querySelector('[class*="st-key-' + $marker + '"]');
  const match = found && found.className.match(new RegExp("st-key-" + $marker + "([0-9]+)"));
  return match ? Number(match[1]) : null;
};
// the step asked for, and whether a click waits for its step; the frame is kept while the lesson is shown, and one
// drawn anew (the page left and opened again) replaces the last one's handler and starts afresh
const state = {target: null, busy: false};
const drive = () => {
  if (state.busy) return;
  const now = shown();
  if (now === null || now === state.target) { state.target = null; return; }
  if (state.target === null) return;
  const button = doc.querySelector(".st-key-" + (state.target > now ? $next : $back) + " button");
  if (!button || button.disabled) { state.target = null; return; }
  state.busy = true;
  button.click();
  const asked = Date.now();
  const wait = () => {
    if (shown() !== now) { state.busy = false; drive(); }
    else if (Date.now() - asked > 30000) { state.busy = false; state.target = null; }  // no answer: give the keys back
    else view.setTimeout(wait, 50);
  };
  view.setTimeout(wait, 50);
};
if (doc.attnvizArrows) doc.removeEventListener("keydown", doc.attnvizArrows);
doc.attnvizArrows = (e) => {
  const tag = (e.target.tagName || "").toLowerCase();
  if (["input", "textarea", "select"].includes(tag) || e.target.isContentEditable) return;
  if (e.target.closest && e.target.closest('[role="slider"], [role="tab"], [role="radiogroup"], [role="listbox"]')) return;
  const delta = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
  const now = shown();
  if (!delta || now === null) return;  // another page, or another key
  const from = state.target === null ? now : state.target;
  state.target = Math.min(Math.max(from + delta, 1), $total);
  e.preventDefault();
  drive();
};
doc.addEventListener("keydown", doc.attnvizArrows);
</script>""").substitute(next=json.dumps(K.NEXT), back=json.dumps(K.BACK), marker=json.dumps(K.SHOWN),
                        total=len(STEPS))


def current() -> int:
    """The index (from 0) of the step shown; the session and the link hold its number as shown (from 1). A number
    past the lesson's steps (a link's) is brought in range, and said."""
    fit_int(K.STEP, 1, len(STEPS), "step")
    step = st.session_state.get(K.STEP, 1)
    st.session_state[K.STEP] = step = step if isinstance(step, int) else 1
    return step - 1


def _go(delta: int) -> None:
    st.session_state[K.STEP] = min(max(current() + delta, 0), len(STEPS) - 1) + 1


# In presentation mode the step's figure goes to the right of its text (one screen at 1280×720).
_figure_slot: list = []


def slot():
    return _figure_slot[0] if _figure_slot else st


FIGURE_PX = 660  # the figure's width at 1280×720: the right three fifths presenting, the page's column otherwise


def chart(fig, name: str) -> None:
    # after present.figure: the title is wrapped at the size it is drawn at
    slot().plotly_chart(fit_title(screen.figure(fig, height=420), FIGURE_PX), key=K.chart(name))


def heading(name: str, step: int) -> None:
    st.caption(t("Step {n} of {total}", n=step + 1, total=len(STEPS)))
    st.header(t(STEP_TITLES[name]))
    st.markdown(t(STEP_TEXTS[name]))


def navigation(step: int) -> None:
    back, forward = st.container(key=f"{K.SHOWN}{step + 1}").columns(2)  # the arrow keys read the step shown here
    back.button(t("Back"), key=K.BACK, on_click=_go, args=(-1,), disabled=step == 0, icon="⬅️",
                use_container_width=True)
    forward.button(t("Next"), key=K.NEXT, on_click=_go, args=(1,), disabled=step == len(STEPS) - 1,
                   icon="➡️", use_container_width=True)
    st.iframe(ARROWS, height=1)


# ---- the steps ------------------------------------------------------------------------------------

def order() -> None:
    orders = {"original": [0, 1, 2], "reversed": [2, 1, 0], "shuffled": [1, 2, 0]}
    # one under the other: side by side, the toggle's label was cut at the half-screen width of presentation mode
    which = st.radio(t("Word order"), list(orders), format_func=lambda o, tr=fixed(): tr(ORDERS[o]),
                     key=K.ORDER, horizontal=True)
    with_pe = st.toggle(t("Add positional encodings"), key=K.ORDER_PE)
    idx = orders[which]
    tokens = [worked_example.SEED_001_TOKENS[i] for i in idx]
    spec = worked_example.ToySpec(tokens=tokens, X=worked_example.SEED_001_X[idx], PE=worked_example.SEED_001_PE if with_pe else None,
                     W_Q=np.eye(3), W_K=np.eye(3), W_V=np.eye(3))
    weights = worked_example.run_toy(spec).heads[0].weights
    chart(plots.head_heatmap(weights, tokens, tokens, t("Attention weights (query rows, key columns)")), "order")
    q, k = tokens.index("Transformer"), tokens.index("powerful")
    st.caption(t("“Transformer” → “powerful”: {w}. Without positional encodings this number is the same in every order.", w=f"{weights[q, k]:.4f}"))


def by_hand() -> None:
    spec = worked_example.preset("seed-001")
    result = worked_example.run_toy(spec)
    tokens = spec.tokens
    c1, c2 = st.columns(2)
    q = c1.selectbox(t("Query word"), range(len(tokens)), format_func=lambda i: tokens[i], key=K.QUERY)
    k = c2.selectbox(t("Key word"), range(len(tokens)), format_func=lambda i: tokens[i], key=K.KEY)
    cell = worked_example.explain_toy_cell(result, q, k)
    st.markdown(t("q·k = **{dot}**, divided by √d_k = {divisor} gives **{scaled}**; the softmax of the row turns it into the weight **{weight}**.", dot=f"{cell.dot:.4f}", divisor=f"{cell.divisor:.4f}",
                  scaled=f"{cell.scaled:.4f}", weight=f"{cell.weight:.4f}"))
    chart(plots.head_heatmap(result.heads[0].weights, tokens, tokens, t("Weights of the worked example")),
          "by_hand")


def scaling() -> None:
    c1, c2 = st.columns(2)
    largest = c1.select_slider(t("Largest d_k"), [16, 64, 256, 1024], 256, key=K.D_K)
    metric = c2.radio(t("Measure"), ["max", "entropy"], format_func=lambda m, tr=fixed(): tr(METRICS[m]),
                      key=K.METRIC, horizontal=True)
    d_values = [d for d in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024) if d <= largest]
    peak = worked_example.softmax_peakedness(d_values, trials=100)
    fig = peakedness_chart(d_values, peak, metric, t(METRICS[metric]))
    names = [t("scaled by √d_k"), t("unscaled"), t("uniform (ln 16)")]
    for trace, name in zip(fig.data, names):
        trace.name = name
    chart(fig, "scaling")
    st.caption(t("At d_k = {d}, the largest of 16 weights is {scaled} on average with scaling and {unscaled} without.", d=largest, scaled=f"{peak['max_scaled'][-1]:.2f}",
                 unscaled=f"{peak['max_unscaled'][-1]:.2f}"))


def heads() -> None:
    c1, c2, c3 = st.columns(3)
    n_heads = c1.radio(tc("count", "Heads"), [1, 2, 4], index=2, key=K.HEADS, horizontal=True)
    seed = int(c2.number_input(t("Random weights (seed)"), 0, 9999, 0, key=K.HEADS_SEED))
    spec = worked_example.preset("custom", weights="random", seed=seed, n_heads=n_heads, n_tokens=6, d_model=8)
    result = worked_example.run_toy(spec)
    head = min(int(c3.selectbox(t("Head shown"), range(n_heads), key=K.HEAD)), n_heads - 1)
    weights = result.heads[head].weights
    chart(plots.head_heatmap(weights, spec.tokens, spec.tokens, t("Head {head} (d_k = {d_k})", head=head, d_k=result.d_k)),
          "heads")
    spread = max(float(np.abs(h.weights - weights).max()) for h in result.heads)
    st.caption(t("{n} heads of d_k = {d_k}: the weights of two heads differ by up to {spread}.", n=n_heads, d_k=result.d_k, spread=f"{spread:.3f}"))


def sinusoidal() -> None:
    c1, c2 = st.columns(2)
    d = c1.select_slider(t("d_model"), [16, 32, 64, 128], 64, key=K.SIN_D)
    n = c2.slider(tc("count", "Positions"), 8, 128, 50, key=K.SIN_LENGTH)
    fig = pos_figs.value_heatmap(P.sinusoidal(n, d), t("dimension"), t("position"))
    chart(fig, "sinusoidal")
    st.caption(t("{n} positions × {d} dimensions: each row is what is added to the word at that position.", n=n, d=d))


def rotary() -> None:
    c1, c2 = st.columns(2)
    d_head = c1.select_slider(t("d_head"), [8, 16, 32, 64, 128], 32, key=K.ROPE_D)
    seed = int(c2.number_input(t("Random q and k (seed)"), 0, 9999, 0, key=K.ROPE_SEED))
    rng = np.random.default_rng(seed)
    q, k = rng.standard_normal(d_head), rng.standard_normal(d_head)
    dots = P.rotary_dot_by_distance(q, k, 63)
    fig = pos_figs.rotary_dot_chart(dots, float(q @ k))
    fig.update_layout(title={"text": t("q·k against the distance between the two words")})
    chart(fig, "rotary")
    st.caption(t("Without rotation q·k = {plain}; 63 positions apart it is {far}.", plain=f"{float(q @ k):.3f}", far=f"{float(dots[-1]):.3f}"))


def _real_capture(spec: str, text: str) -> AttentionCapture | None:
    """The capture of a bundled model on the step's own text, or None with the reason shown (the lesson goes on)."""
    found = pipeline.captured(pipeline.Request(spec, pipeline.selection().device, text=text, label=spec))
    if isinstance(found, pipeline.Unavailable):
        st.error(escape(t("Could not run {model}: {why}", model=spec, why=found.message)))
        return None
    for note in pipeline.notes(*found):  # never a silent [UNK]: which characters the model cannot read
        st.warning(note)
    return found[1]


def example() -> str:
    """The real-model steps' text: a sentence said twice, in the page's language (Chinese on a 简体中文 page)."""
    return t("The cat sat on the mat. The cat sat on the mat.")


def example_model() -> str:
    """The model the real-model steps start with: zh-char where the page and its example are Chinese."""
    return model_default.suggested(language.lang(), example())


def real_heads() -> None:
    c1, c2 = st.columns(2)
    models = ["minilm", "glassllm-en", model_default.CHINESE_MODEL]
    spec = c1.radio(t("Model"), models, index=models.index(example_model()), key=K.REAL_MODEL, horizontal=True)
    pattern = c2.radio(t("Pattern"), ["previous", "first", "induction"],
                       format_func=lambda p, tr=fixed(): tr(PATTERNS[p]), key=K.REAL_PATTERN, horizontal=True)
    text = st.text_input(t("Text"), example(), key=K.REAL_TEXT)
    if not text.strip():
        st.warning(t("The text is empty: type a sentence to see its attention."))
        return
    cap = _real_capture(spec, text)
    if cap is None:
        return
    layer, head, score = best_head(cap, pattern)
    chart(views.heatmap(cap, layer=layer, head=head).figure, "real_heads")
    st.caption(t(FOUND[pattern], layer=layer, head=head, score=f"{score:.2f}"))


def words() -> None:
    c1, c2 = st.columns(2)
    text = c1.text_input(t("Text"), example(), key=K.WORDS_TEXT)
    if not text.strip():
        st.warning(t("The text is empty: type a sentence to see its attention."))
        return
    spec = model_default.suggested(language.lang(), text)  # zh-char reads a Chinese text on a 简体中文 page
    cap = _real_capture(spec, text)
    if cap is None:
        return
    n_layers, n_heads = cap.attention["self"].shape[:2]
    layer = int(c2.slider(t("Layer"), 0, n_layers - 1, 2, key=K.WORDS_LAYER))
    choices = ["mean", *range(n_heads)]
    head = st.radio(t("Head"), choices, key=K.WORDS_HEAD, horizontal=True,
                    format_func=lambda h, tr=fixed(): tr("mean of the heads") if h == "mean" else str(h))
    view = text_view(cap, layer=layer, head=0 if head == "mean" else int(head), mean_heads=head == "mean",
                     font_px=screen.text_px())
    slot().iframe(fitted(view.html), height="content")  # the frame takes the sentence's height
    st.caption(t(WORDS_CAPTION.get(spec, WORDS_CAPTION["minilm"])))


def training() -> None:
    c1, c2 = st.columns([3, 1])
    n_steps = int(c1.slider(t("Training steps"), 50, 400, 150, step=50, key=K.TRAIN_STEPS))
    job: TrainingJob | None = st.session_state.get(K.TRAINER)
    if job is None:
        with st.spinner(t("Building the model…")):
            job = board_job(TrainConfig(task="reverse", n_layers=1, n_heads=2, d_model=32, batch_size=32,
                                        snapshot_every=25, eval_every=50, steps=n_steps, device="cpu"))
        st.session_state[K.TRAINER] = job
    if c2.button(t("Train"), key=K.TRAIN_RUN, disabled=job.active, use_container_width=True):
        job.start(extra_steps=n_steps)
    # while training runs, the figure redraws itself every two seconds; idle, it is drawn once
    # (drawn inside the figure's column: a fragment may only write into its own container)
    with _figure_slot[0] if _figure_slot else st.container():
        (st.fragment(run_every=2.0)(watch) if job.active else watch)(job)


def watch(job: TrainingJob) -> None:
    """The head as it forms: the newest snapshot, redrawn every two seconds while training runs."""
    snap = job.trainer.snapshots[-1]
    layer_heads = snap.attention["self"][0]  # [head, query_pos, key_pos] of the only layer
    mass = anti_diagonal_mass(layer_heads)
    head = int(np.argmax(mass))
    q_tok, k_tok = job.trainer.probe_tokens["self"]
    fig = train_figs.snapshot_head(layer_heads[head], q_tok, k_tok, head,
                                   title=t("Step {step}: head {head}", step=snap.step, head=head),
                                   axis_titles=(t("query (attending)"), t("key (attended to)")),
                                   value_title=t("weight"))
    st.plotly_chart(screen.figure(fig, height=420), key=K.chart("training"))
    key = "running" if job.active else "idle"
    st.caption(t(TRAINING_PROGRESS[key], step=job.trainer.step_count, mass=f"{mass[head]:.2f}"))
    if job.error:
        st.error(literal_message(errors.note(job.error)))  # the worker's exception text may hold anything


SECTIONS = {"order": order, "by_hand": by_hand, "scaling": scaling, "heads": heads, "sinusoidal": sinusoidal,
            "rotary": rotary, "real_heads": real_heads, "words": words, "training": training,
            "looks_not_moves": lambda: lesson_looks.step(slot, FIGURE_PX)}


def main() -> None:
    step = current()
    name = STEPS[step]
    _figure_slot.clear()
    text, figure = screen.lesson_columns()
    if figure is not None:
        _figure_slot.append(figure)
    with text:
        heading(name, step)
        SECTIONS[name]()
        navigation(step)
    keep_in_link(K.STEP, step + 1)


main()
