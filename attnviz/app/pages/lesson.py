"""The guided lesson: the articles' story one live step at a time, with next/back buttons and arrow keys."""
from __future__ import annotations

import numpy as np
import streamlit as st

from attnviz.analysis.heads import best_head
from attnviz.analysis.patterns import anti_diagonal_mass
from attnviz.core import positional as P
from attnviz.figures import plots, positions as pos_figs, training as train_figs, views
from attnviz.figures.text_view import text_view
from attnviz.figures.titles import fit_title
from attnviz.figures.worked_example import peakedness_chart
from attnviz.lessons import worked_example as W
from attnviz.lessons.steps import STEPS
from attnviz.training.trainer import TrainConfig
from attnviz.training.worker import TrainingJob
from attnviz.app.pages.training.jobs import board_job
from attnviz.app.shell import messages as errors
from attnviz.app.shell import present
from attnviz.app.pipeline import load as state
from attnviz.app.pipeline.cache import cached_capture
from attnviz.app.widgets.fit_frame import fitted
from attnviz.app.shell.language import fixed, keep_in_link, lang, t
from attnviz.app.state.keys import Lesson as K
from attnviz.app.widgets.literal import escape
from attnviz.app.state.selection import Selection

# Arrow keys click the page's own buttons (found by their Streamlit key class): no library, no network.
ARROWS = """<script>
const doc = window.parent.document;
if (!doc.attnvizArrows) {
  doc.attnvizArrows = true;
  doc.addEventListener("keydown", (e) => {
    const tag = (e.target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || e.target.isContentEditable) return;
    const key = e.key === "ArrowRight" ? "lesson_next" : e.key === "ArrowLeft" ? "lesson_back" : null;
    const button = key && doc.querySelector(".st-key-" + key + " button");
    if (button && !button.disabled) { button.click(); e.preventDefault(); }
  });
}
</script>"""


def current() -> int:
    step = st.session_state.get(K.STEP, 0)
    step = step if isinstance(step, int) and 0 <= step < len(STEPS) else 0
    st.session_state[K.STEP] = step
    return step


def _go(delta: int) -> None:
    st.session_state[K.STEP] = min(max(current() + delta, 0), len(STEPS) - 1)


# In presentation mode the step's figure goes to the right of its text (one screen at 1280×720).
_figure_slot: list = []


def slot():
    return _figure_slot[0] if _figure_slot else st


FIGURE_PX = 660  # the figure's width at 1280×720: the right three fifths presenting, the page's column otherwise


def chart(fig, name: str) -> None:
    # after present.figure: the title is wrapped at the size it is drawn at
    slot().plotly_chart(fit_title(present.figure(fig, height=420), FIGURE_PX), key=K.chart(name))


def heading(name: str, step: int) -> None:
    st.caption(t("lesson.progress", n=step + 1, total=len(STEPS)))
    st.header(t(f"lesson.{name}.title"))
    st.markdown(t(f"lesson.{name}.text"))


def navigation(step: int) -> None:
    back, forward = st.columns(2)
    back.button(t("lesson.back"), key=K.BACK, on_click=_go, args=(-1,), disabled=step == 0, icon="⬅️",
                use_container_width=True)
    forward.button(t("lesson.next"), key=K.NEXT, on_click=_go, args=(1,), disabled=step == len(STEPS) - 1,
                   icon="➡️", use_container_width=True)
    st.iframe(ARROWS, height=1)


# ---- the steps ------------------------------------------------------------------------------------

def order() -> None:
    orders = {"original": [0, 1, 2], "reversed": [2, 1, 0], "shuffled": [1, 2, 0]}
    # one under the other: side by side, the toggle's label was cut at the half-screen width of presentation mode
    which = st.radio(t("lesson.order.pick"), list(orders), format_func=lambda o, tr=fixed(): tr(f"lesson.order.{o}"),
                     key=K.ORDER, horizontal=True)
    with_pe = st.toggle(t("lesson.order.pe"), key=K.ORDER_PE)
    idx = orders[which]
    tokens = [W.SEED_001_TOKENS[i] for i in idx]
    spec = W.ToySpec(tokens=tokens, X=W.SEED_001_X[idx], PE=W.SEED_001_PE if with_pe else None,
                     W_Q=np.eye(3), W_K=np.eye(3), W_V=np.eye(3))
    weights = W.run_toy(spec).heads[0].weights
    chart(plots.head_heatmap(weights, tokens, tokens, t("lesson.order.figure"), lang=lang()), "order")
    q, k = tokens.index("Transformer"), tokens.index("powerful")
    st.caption(t("lesson.order.caption", w=f"{weights[q, k]:.4f}"))


def by_hand() -> None:
    spec = W.preset("seed-001")
    result = W.run_toy(spec)
    tokens = spec.tokens
    c1, c2 = st.columns(2)
    q = c1.selectbox(t("lesson.by_hand.query"), range(len(tokens)), format_func=lambda i: tokens[i], key=K.QUERY)
    k = c2.selectbox(t("lesson.by_hand.key"), range(len(tokens)), format_func=lambda i: tokens[i], key=K.KEY)
    cell = W.explain_toy_cell(result, q, k)
    st.markdown(t("lesson.by_hand.sum", dot=f"{cell.dot:.4f}", divisor=f"{cell.divisor:.4f}",
                  scaled=f"{cell.scaled:.4f}", weight=f"{cell.weight:.4f}"))
    chart(plots.head_heatmap(result.heads[0].weights, tokens, tokens, t("lesson.by_hand.figure"), lang=lang()),
          "by_hand")


def scaling() -> None:
    c1, c2 = st.columns(2)
    largest = c1.select_slider(t("lesson.scaling.d_k"), [16, 64, 256, 1024], 256, key=K.D_K)
    metric = c2.radio(t("lesson.scaling.metric"), ["max", "entropy"], format_func=lambda m, tr=fixed(): tr(f"lesson.scaling.{m}"),
                      key=K.METRIC, horizontal=True)
    d_values = [d for d in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024) if d <= largest]
    peak = W.softmax_peakedness(d_values, trials=100)
    fig = peakedness_chart(d_values, peak, metric, t(f"lesson.scaling.{metric}"), lang=lang())
    names = [t("lesson.scaling.scaled"), t("lesson.scaling.unscaled"), t("lesson.scaling.uniform")]
    for trace, name in zip(fig.data, names):
        trace.name = name
    chart(fig, "scaling")
    st.caption(t("lesson.scaling.caption", d=largest, scaled=f"{peak['max_scaled'][-1]:.2f}",
                 unscaled=f"{peak['max_unscaled'][-1]:.2f}"))


def heads() -> None:
    c1, c2, c3 = st.columns(3)
    n_heads = c1.radio(t("lesson.heads.count"), [1, 2, 4], index=2, key=K.HEADS, horizontal=True)
    seed = int(c2.number_input(t("lesson.heads.seed"), 0, 9999, 0, key=K.HEADS_SEED))
    spec = W.preset("custom", weights="random", seed=seed, n_heads=n_heads, n_tokens=6, d_model=8)
    result = W.run_toy(spec)
    head = min(int(c3.selectbox(t("lesson.heads.head"), range(n_heads), key=K.HEAD)), n_heads - 1)
    weights = result.heads[head].weights
    chart(plots.head_heatmap(weights, spec.tokens, spec.tokens, t("lesson.heads.figure", head=head, d_k=result.d_k),
                             lang=lang()),
          "heads")
    spread = max(float(np.abs(h.weights - weights).max()) for h in result.heads)
    st.caption(t("lesson.heads.caption", n=n_heads, d_k=result.d_k, spread=f"{spread:.3f}"))


def sinusoidal() -> None:
    c1, c2 = st.columns(2)
    d = c1.select_slider(t("lesson.sinusoidal.d"), [16, 32, 64, 128], 64, key=K.SIN_D)
    n = c2.slider(t("lesson.sinusoidal.length"), 8, 128, 50, key=K.SIN_LENGTH)
    fig = pos_figs.value_heatmap(P.sinusoidal(n, d), t("lesson.sinusoidal.x"), t("lesson.sinusoidal.y"))
    chart(fig, "sinusoidal")
    st.caption(t("lesson.sinusoidal.caption", n=n, d=d))


def rotary() -> None:
    c1, c2 = st.columns(2)
    d_head = c1.select_slider(t("lesson.rotary.d_head"), [8, 16, 32, 64, 128], 32, key=K.ROPE_D)
    seed = int(c2.number_input(t("lesson.rotary.seed"), 0, 9999, 0, key=K.ROPE_SEED))
    rng = np.random.default_rng(seed)
    q, k = rng.standard_normal(d_head), rng.standard_normal(d_head)
    dots = P.rotary_dot_by_distance(q, k, 63)
    fig = pos_figs.rotary_dot_chart(dots, float(q @ k), lang=lang())
    fig.update_layout(title={"text": t("lesson.rotary.figure")})
    chart(fig, "rotary")
    st.caption(t("lesson.rotary.caption", plain=f"{float(q @ k):.3f}", far=f"{float(dots[-1]):.3f}"))


def _real_capture(spec: str, text: str):
    sel = state.selection()
    return cached_capture(Selection(spec=spec, device=sel.device, trust_remote_code=False, text=text, target=""))


def real_heads() -> None:
    c1, c2 = st.columns(2)
    spec = c1.radio(t("lesson.real_heads.model"), ["minilm", "glassllm-en"], key=K.REAL_MODEL, horizontal=True)
    pattern = c2.radio(t("lesson.real_heads.pattern"), ["previous", "first", "induction"],
                       format_func=lambda p, tr=fixed(): tr(f"lesson.real_heads.{p}"), key=K.REAL_PATTERN, horizontal=True)
    text = st.text_input(t("lesson.real_heads.text_input"), t("lesson.real_heads.default_text"), key=K.REAL_TEXT)
    if not text.strip():
        st.warning(t("lesson.empty_text"))
        return
    try:
        with st.spinner(t("lesson.running")):
            cap = _real_capture(spec, text)
    except Exception as exc:  # a model that does not load still leaves the lesson usable
        st.error(t("lesson.no_model", model=spec, why=errors.say(exc)))
        return
    layer, head, score = best_head(cap, pattern)
    chart(views.heatmap(cap, layer=layer, head=head, lang=lang()).figure, "real_heads")
    st.caption(t(f"lesson.real_heads.found_{pattern}", layer=layer, head=head, score=f"{score:.2f}"))


def words() -> None:
    c1, c2 = st.columns(2)
    text = c1.text_input(t("lesson.real_heads.text_input"), t("lesson.real_heads.default_text"), key=K.WORDS_TEXT)
    if not text.strip():
        st.warning(t("lesson.empty_text"))
        return
    try:
        cap = _real_capture("minilm", text)
    except Exception as exc:
        st.error(t("lesson.no_model", model="minilm", why=errors.say(exc)))
        return
    n_layers, n_heads = cap.attention["self"].shape[:2]
    layer = int(c2.slider(t("lesson.words.layer"), 0, n_layers - 1, 2, key=K.WORDS_LAYER))
    choices = ["mean", *range(n_heads)]
    head = st.radio(t("lesson.words.head"), choices, key=K.WORDS_HEAD, horizontal=True,
                    format_func=lambda h, tr=fixed(): tr("lesson.words.mean") if h == "mean" else str(h))
    font = 30 if present.active() else 20
    view = text_view(cap, layer=layer, head=0 if head == "mean" else int(head), mean_heads=head == "mean",
                     font_px=font)
    slot().iframe(fitted(view.html), height="content")  # the frame takes the sentence's height
    st.caption(t("lesson.words.caption"))


def training() -> None:
    c1, c2 = st.columns([3, 1])
    n_steps = int(c1.slider(t("lesson.training.steps"), 50, 400, 150, step=50, key=K.TRAIN_STEPS))
    job: TrainingJob | None = st.session_state.get(K.TRAINER)
    if job is None:
        with st.spinner(t("lesson.training.building")):
            job = board_job(TrainConfig(task="reverse", n_layers=1, n_heads=2, d_model=32, batch_size=32,
                                        snapshot_every=25, eval_every=50, steps=n_steps, device="cpu"))
        st.session_state[K.TRAINER] = job
    if c2.button(t("lesson.training.run"), key=K.TRAIN_RUN, disabled=job.active, use_container_width=True):
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
                                   title=t("lesson.training.figure", step=snap.step, head=head),
                                   axis_titles=(t("training.axis.query"), t("training.axis.key")),
                                   value_title=t("training.axis.weight"))
    st.plotly_chart(present.figure(fig, height=420), key=K.chart("training"))
    key = "running" if job.active else "idle"
    st.caption(t(f"lesson.training.{key}", step=job.trainer.step_count, mass=f"{mass[head]:.2f}"))
    if job.error:
        st.error(escape(errors.note(job.error)))  # the worker's exception text may hold anything


SECTIONS = {"order": order, "by_hand": by_hand, "scaling": scaling, "heads": heads, "sinusoidal": sinusoidal,
            "rotary": rotary, "real_heads": real_heads, "words": words, "training": training}


def main() -> None:
    step = current()
    name = STEPS[step]
    _figure_slot.clear()
    if present.active():
        text, figure = st.columns([2, 3], gap="large")
        _figure_slot.append(figure)
    else:
        text = st.container()
    with text:
        heading(name, step)
        SECTIONS[name]()
        navigation(step)
    keep_in_link("step", str(step) if step else None)


main()
