"""Training lab: train a small Transformer on a toy task and watch its attention form, step by step."""
import time
from dataclasses import replace

import numpy as np

import streamlit as st

from attnviz.analysis.patterns import anti_diagonal_mass
from attnviz.core import settings
from attnviz.core.device import available_devices
from attnviz.figures.training import CURVE_LABELS, accuracy_chart, loss_chart, snapshot_head
from attnviz.figures import words
from attnviz.i18n import fixed, Message, N_, say, t, tc, tn
from attnviz.training import lookalike
from attnviz.training.tasks import TASK_NAMES, TASKS
from attnviz.training.trainer import TrainConfig, Trainer, induction_scores
from attnviz.training.worker import TrainingJob
from attnviz.app.shell import screen
from attnviz.app.shell import navigation
from attnviz.app.pages.training import costs, jobs
from attnviz.app.shell.language import lang
from attnviz.app.state import explorer as Explorer
from attnviz.app.state import training as K
from attnviz.app.widgets.literal import code, message as literal_message

ARCHITECTURE_NAMES = {"default": N_("task default"), "encoder": N_("encoder"), "decoder": N_("decoder"), "encoder-decoder": N_("encoder-decoder")}
POSITIONAL_NAMES = {"sinusoidal": N_("sinusoidal"), "learned": N_("learned"), "rotary": N_("rotary"), "none": N_("none")}
STATE_NAMES = {"waiting": N_("waiting"), "running": N_("running"), "finished": N_("finished"), "stopped": N_("stopped")}
CHART_WORDS = {"loss": N_("Loss"), "accuracy": N_("Token accuracy"), "step": N_("step"), "loss_trace": N_("loss"), "batch": N_("training batch"), "held_out": N_("held-out")}

def intro() -> None:
    st.title(t("Training lab"))
    st.caption(t("Train a small Transformer on a toy task and watch each head's pattern form: the reverse task's anti-diagonal, the induction head's shifted diagonal. Training runs on the GPU when there is one, in its own process in the background: visit other pages and come back."))


def task_label(name: str, language: str | None = None) -> str:
    """A toy task's name as the page says it (language: the page's, bound for callbacks; default the active one)."""
    return say(TASK_NAMES[name], language)


def config_words(cfg: TrainConfig) -> dict[str, str]:
    """The task, architecture and positional encoding of a config in the page's language."""
    return {"task": task_label(cfg.task), "arch": t(ARCHITECTURE_NAMES[cfg.architecture]),
            "positional": t(POSITIONAL_NAMES[cfg.positional])}


def settings_form() -> None:
    """The task and the model to train, what a job with them costs on this machine (beside the button), and the
    button: a valid job within the operator's caps starts, one past an hour asks first, a bad one gets messages.
    Not an st.form: the estimate follows each change before the click."""
    limits = settings.current()
    with st.container(border=True, key=K.FORM):
        c1, c2, c3 = st.columns(3)
        language, tr = lang(), fixed()  # format_func may be called after this run: bind its language now
        st.session_state.setdefault(K.TASK, "reverse")
        task_name = c1.selectbox(t("Task"), list(TASKS), key=K.TASK,
                                 format_func=lambda n: tr("{name} — {about}", name=task_label(n, language),
                                                            about=say(TASKS[n].about, language)))
        arch = c2.selectbox(t("Architecture"), ["task default", "encoder", "decoder", "encoder-decoder"],
                            key=K.ARCHITECTURE,
                            format_func=lambda a: tr(ARCHITECTURE_NAMES["default" if a == "task default" else a]))
        positional = c3.selectbox(t("Positional encoding"), ["sinusoidal", "learned", "rotary", "none"], key=K.POSITIONAL,
                                  format_func=lambda p: tr(POSITIONAL_NAMES[p]))
        c4, c5, c6, c7 = st.columns(4)
        layers = c4.number_input(t("Layers"), 1, 6, 2, key=K.LAYERS)
        heads = c5.number_input(tc("count", "Heads"), 1, 16, 4, key=K.HEADS)
        d_model = c6.number_input(t("d_model"), 4, 256, 64, step=4, key=K.D_MODEL)
        length = c7.number_input(t("Length (0: task default)"), 0, 40, 0, key=K.LENGTH)
        c8, c9, c10, c11, c12 = st.columns(5)
        steps = c8.number_input(t("Steps (0: task default)"), 0, limits.max_train_steps, 0, step=100, key=K.STEPS,
                                help=t("This server trains at most {limit:,} steps per job.", limit=limits.max_train_steps))
        batch_size = c9.number_input(t("Batch size"), 1, 1024, 64, key=K.BATCH)
        lr = c10.number_input(t("Learning rate"), 0.0, 1.0, 0.003, step=0.001, format="%.4f", key=K.LR)
        every = c11.number_input(t("Snapshot every N steps"), 1, 10_000, 25, key=K.EVERY)
        seed = c12.number_input(t("Seed"), 0, 100_000, 0, key=K.SEED)
        device = st.selectbox(t("Device"), available_devices(), key=K.DEVICE, help=t("auto picks CUDA, then Apple MPS, then the CPU."),
                              format_func=lambda d: tr("auto") if d == "auto" else d)
        config = TrainConfig(task=task_name, architecture=None if arch == "task default" else arch,
                             positional=positional, n_layers=int(layers), n_heads=int(heads), d_model=int(d_model),
                             length=int(length) or None, steps=int(steps) or None, batch_size=int(batch_size),
                             lr=float(lr), snapshot_every=int(every), seed=int(seed), device=device)
        problems = config.problems() or [p for p in [jobs.steps_problem(config)] if p]
        b1, b2 = st.columns([1, 4], vertical_alignment="center")
        submitted = b1.button(t("Start training"), type="primary", key=K.START)
        est, capped = None, []
        if not problems:  # a config that cannot train has no cost to measure
            est = costs.estimate(config)
            b2.caption(costs.line(est))
            capped = costs.caps(config, est)
            for problem in capped:
                st.error(literal_message(say(problem)))
    if submitted:
        for p in problems:
            st.error(literal_message(say(p)))
        if not problems and not capped:
            if est is not None and est.needs_confirmation:
                st.session_state[K.CONFIRM] = config  # asked below, until answered or the settings change
            else:
                st.session_state.pop(K.CONFIRM, None)
                jobs.start_job(config)
    confirm(config, est)


def _start_asked() -> None:
    config = st.session_state.pop(K.CONFIRM, None)
    if config is not None:
        jobs.start_job(config)


def _cancel_asked() -> None:
    st.session_state.pop(K.CONFIRM, None)


def confirm(config: TrainConfig, est) -> None:
    """A job estimated past an hour waits for a second click (cost.CONFIRM); changing the settings drops the question."""
    asked = st.session_state.get(K.CONFIRM)
    if asked is None:
        return
    if asked != config or est is None:
        st.session_state.pop(K.CONFIRM, None)
        return
    st.warning(costs.question(est))
    a1, a2 = st.columns([1, 4])
    a1.button(t("Start anyway"), key=K.CONFIRM_START, on_click=_start_asked)
    a2.button(t("Cancel"), key=K.CONFIRM_CANCEL, on_click=_cancel_asked)


def controls(job: TrainingJob) -> None:
    """Stop a running (or waiting) job, or resume a stopped one for more steps, within the server's limit."""
    limit = settings.current().max_train_steps
    b1, b2, b3, b4 = st.columns([1, 1, 2, 2])
    if job.active:
        if b1.button(t("Stop"), key=K.STOP):
            job.stop()
            st.rerun()
        return
    room = limit - job.trainer.step_count
    if room <= 0:
        b3.caption(t("This job has trained the {limit:,} steps a job may train on this server.", limit=limit))
        return
    more = b3.number_input(t("More steps"), 1, room, min(200, room), step=100, key=K.MORE,
                           help=t("A job trains at most {limit:,} steps on this server.", limit=limit))
    # the steps resumed cost what a new job of as many steps would: the same caps hold (memory, minutes)
    extra = replace(job.trainer.config, steps=int(more))
    est = costs.estimate(extra)
    capped = costs.caps(extra, est)
    b4.caption(costs.line(est))
    for problem in capped:
        st.error(literal_message(say(problem)))
    if b1.button(t("Resume"), key=K.RESUME, help=t("Train for the number of steps beside it."), disabled=bool(capped)):
        job.start(extra_steps=int(more))
        st.rerun()


def job_state(job: TrainingJob) -> None:
    """Where the job stands: waiting in the queue (and how far back), or why it stopped."""
    if job.error:
        st.error(literal_message(say(job.error)))  # the worker's exception text may hold anything
    if job.note:
        st.info(say(job.note))
    if job.waiting:
        board = jobs.board()
        running, _ = board.counts()
        st.info(tn("Waiting, {ahead} ahead: this server trains 1 job at once ({running} training now). It starts by "
                   "itself when a place frees up.",
                   "Waiting, {ahead} ahead: this server trains {max_jobs} jobs at once ({running} training now). It "
                   "starts by itself when a place frees up.", board.max_jobs,
                   ahead=board.ahead(job), max_jobs=board.max_jobs, running=running))


def progress(job: TrainingJob) -> None:
    """Where the job is, its last numbers, and the loss and accuracy curves."""
    trainer, cfg = job.trainer, job.trainer.config
    h = trainer.history
    job_state(job)
    done = trainer.step_count / max(cfg.steps, 1)
    state_word = "waiting" if job.waiting else "running" if job.running else (
        "finished" if job.finished else "stopped")
    st.progress(min(done, 1.0), text=t("{state}: step {step} of {steps} · {task}, {arch}, {positional} positions, {layers} layers × {heads} heads, d_model {d_model}, on {device}", state=t(STATE_NAMES[state_word]),
                                       step=trainer.step_count, steps=cfg.steps, layers=cfg.n_layers,
                                       heads=cfg.n_heads, d_model=cfg.d_model, device=trainer.device,
                                       **config_words(cfg)))
    m = st.columns(4)
    m[0].metric(t("Step"), trainer.step_count)
    m[1].metric(t("Loss"), f"{h.loss[-1]:.4f}" if h.loss else "—")
    m[2].metric(t("Batch accuracy"), f"{h.accuracy[-1]:.1%}" if h.accuracy else "—")
    m[3].metric(t("Held-out accuracy"), f"{h.eval_accuracy[-1]:.2%}" if h.eval_accuracy else "—")
    steps_ = list(h.steps)
    if steps_:
        words = {name: t(CHART_WORDS[name]) for name in CURVE_LABELS}
        g1, g2 = screen.stacked(2)
        # the legend under the axis title, not at the bottom of a projector's screen
        accuracy = screen.chart(accuracy_chart(steps_, list(h.accuracy), list(h.eval_steps), list(h.eval_accuracy),
                                               words), legend="under")
        g1.plotly_chart(screen.chart(loss_chart(steps_, list(h.loss), words)), key=K.LOSS_CHART)
        g2.plotly_chart(accuracy, key=K.ACCURACY_CHART)


def snapshots(trainer: Trainer) -> None:
    """The probe's attention at a chosen snapshot, every head of one layer, and the task's own score."""
    cfg = trainer.config
    st.subheader(t("Attention of the probe, step by step"))
    snaps = list(trainer.snapshots)
    src, tgt = trainer.task.probe
    st.caption(t("Probe input {source} (answer {target}), snapshotted every {every} steps.", source=code(src), target=code(tgt), every=cfg.snapshot_every))
    steps_seen = [s.step for s in snaps]
    follow = st.toggle(t("Follow the newest snapshot"), True, key=K.FOLLOW, help=t("Turn off to hold a step while training goes on."))
    if follow or st.session_state.get(K.SNAPSHOT) not in steps_seen:
        st.session_state[K.SNAPSHOT] = steps_seen[-1]
    chosen = st.select_slider(t("Snapshot at step"), steps_seen, key=K.SNAPSHOT)
    snap = next(s for s in snaps if s.step == chosen)
    kinds = list(snap.attention)
    s1, s2 = st.columns(2)
    kind = s1.radio(t("Attention"), kinds, format_func=words.kind, horizontal=True,
                    key=K.KIND) if len(kinds) > 1 else kinds[0]
    n_layers = snap.attention[kind].shape[0]
    layer = s2.slider(t("Layer"), 0, n_layers - 1, 0, key=K.LAYER) if n_layers > 1 else 0
    q_tokens, k_tokens = trainer.probe_tokens[kind]
    cols = st.columns(min(cfg.n_heads, screen.per_row(4)))
    axes = (t("query (attending)"), t("key (attended to)"))
    for hd in range(cfg.n_heads):
        fig = snapshot_head(snap.attention[kind][layer, hd], q_tokens, k_tokens, hd,
                            title=t("head {head}", head=hd), axis_titles=axes,
                            value_title=t("weight"))
        cols[hd % len(cols)].plotly_chart(screen.head_chart(fig), key=K.head_chart(hd))
    if cfg.task == "induction" and kind == "self":
        scores = induction_scores(snap.attention["self"], len(src))
        best = np.unravel_index(np.argmax(scores), scores.shape)
        st.markdown(t("**Induction score** (mean attention from each repeated token to the token after its first occurrence): best head is layer {layer}, head {head} with **{score}** (uniform attention would give about {uniform}).", layer=best[0], head=best[1], score=f"{scores[best]:.2f}",
                      uniform=f"{1 / (len(src) + 1):.2f}"))
        st.dataframe(np.round(scores, 3), width="content")
    if cfg.task == "reverse" and kind in ("self", "cross"):
        anti = anti_diagonal_mass(snap.attention[kind][layer])
        st.markdown(t("**Anti-diagonal mass** per head (mean attention from position i to position n − 1 − i): {values}", values=t(", ").join(
            t("head {head}: {value}", head=hd, value=f"{v:.2f}") for hd, v in enumerate(anti))))


def live(job: TrainingJob) -> None:
    """Progress, curves and snapshots; refreshes every second while the job waits or runs."""

    # a shared server redraws every 2 s: each watching page's redraw is the server's work, taken from visitors
    @st.fragment(run_every=(2.0 if settings.current().shared else 1.0) if job.active else None)
    def refresh() -> None:
        job.touch()  # someone is looking: the board does not stop it as idle
        progress(job)
        snapshots(job.trainer)
        if job.active:
            time.sleep(0)  # the fragment reruns on its own
        elif st.session_state.get(K.WAS_RUNNING):
            st.session_state[K.WAS_RUNNING] = False
            st.rerun()  # the whole page: its buttons change once the job ends
        st.session_state[K.WAS_RUNNING] = job.active

    refresh()


def try_and_keep(job: TrainingJob) -> None:
    """Ask the trained model, and save it as a named checkpoint the explorer opens."""
    trainer = job.trainer
    st.subheader(t("Try it and keep it"))
    left, right = st.columns(2)
    with left:
        example = st.text_input(t("Input"), trainer.task.probe[0], key=K.TRY)
        if job.active:
            st.caption(t("Stop training to try the model."))
        elif example:
            with job.lock:
                answer = trainer.predict(example)
            st.markdown(t("Model answers {answer}", answer=code(answer)))
    with right:
        save_section(job)


def save_section(job: TrainingJob) -> None:
    """A checkpoint by name (never a path), a question when the name is taken, and where it went."""
    cfg = job.trainer.config
    jobs.suggest_name(job)
    name = st.text_input(t("Checkpoint name"), key=K.NAME, persist_state=K.NAME.keep, max_chars=80,
                         help=t("A name, not a path: letters, digits, '-', '_' and '.'. Checkpoints are saved in this server's checkpoint folder, {folder}.", folder=code(jobs.shown(jobs.checkpoint_root()))))
    if st.button(t("Save checkpoint"), key=K.SAVE, disabled=job.active):
        problem = jobs.save(job, name)
        if problem:
            st.error(literal_message(problem))
        elif not st.session_state.get(K.ASK):
            st.rerun()  # the box shows the next free default name at once
    asked = st.session_state.get(K.ASK)
    if asked and not job.active:
        other = jobs.free_name(asked)
        st.warning(t("A checkpoint called {name} already exists. Replace it, or save this model as {other}?", name=code(asked), other=code(other)))
        r1, r2 = st.columns(2)
        for column, label, key, args in ((r1, t("Replace {name}", name=asked), K.REPLACE, (asked, True)),
                                         (r2, t("Save as {name}", name=other), K.SAVE_AS, (other, False))):
            if column.button(label, key=key):
                problem = jobs.save(job, *args)
                if problem:
                    st.error(literal_message(problem))
                else:
                    st.rerun()
    saved = st.session_state.get(K.SAVED)
    if saved:
        saved_name, saved_folder, typed = saved
        if typed:
            st.info(literal_message(say(Message(lookalike.RENAMED, name=saved_name, typed=typed))))
        st.success(t("Saved as {name} in the checkpoint folder: {folder} (model.safetensors + attnviz_config.json).", name=code(saved_name), folder=code(jobs.shown(saved_folder))))
        if st.button(t("Open it in the explorer"), key=K.OPEN, on_click=jobs.open_in_explorer,
                       args=(saved_folder, cfg.task, cfg.architecture)):
            navigation.switch_to(Explorer.PAGE)


def main() -> None:
    intro()
    settings_form()
    job = jobs.current_job()
    if job is None:
        st.info(t("Choose a task and press **Start training**. The defaults train the reverse task to 100% held-out accuracy in a few seconds on a laptop CPU."))
        return
    controls(job)
    live(job)
    try_and_keep(job)


main()
