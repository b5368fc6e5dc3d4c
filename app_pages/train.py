"""Training lab: train a small Transformer on a toy task and watch its attention form, step by step."""
import time

import numpy as np
import streamlit as st

from attnviz.analysis.patterns import anti_diagonal_mass
from attnviz.core import settings
from attnviz.core.device import available_devices
from attnviz.core.types import KIND_LABELS
from attnviz.figures.training import accuracy_chart, loss_chart, snapshot_head
from attnviz.training.tasks import TASKS
from attnviz.training.trainer import TrainConfig, Trainer, induction_scores
from attnviz.training.worker import TrainingJob
from attnviz.ui import training as jobs
from attnviz.ui.keys import Train as K
from attnviz.ui.literal import code, escape


def intro() -> None:
    st.title("Training lab")
    st.caption("Train a small Transformer on a toy task and watch each head's pattern form: the reverse task's "
               "anti-diagonal, the induction head's shifted diagonal. Training runs on the GPU when there is one, "
               "in its own process in the background: visit other pages and come back.")


def settings_form() -> None:
    """The task and the model to train; a valid submission starts a job, a bad one gets its messages."""
    limits = settings.current()
    with st.form(K.FORM):
        c1, c2, c3 = st.columns(3)
        task_name = c1.selectbox("Task", list(TASKS), key=K.TASK, index=list(TASKS).index("reverse"),
                                 format_func=lambda t: f"{t} — {TASKS[t].about}")
        arch = c2.selectbox("Architecture", ["task default", "encoder", "decoder", "encoder-decoder"], key=K.ARCHITECTURE)
        positional = c3.selectbox("Positional encoding", ["sinusoidal", "learned", "rotary", "none"], key=K.POSITIONAL)
        c4, c5, c6, c7 = st.columns(4)
        layers = c4.number_input("Layers", 1, 6, 2, key=K.LAYERS)
        heads = c5.number_input("Heads", 1, 16, 4, key=K.HEADS)
        d_model = c6.number_input("d_model", 4, 256, 64, step=4, key=K.D_MODEL)
        length = c7.number_input("Length (0: task default)", 0, 40, 0, key=K.LENGTH)
        c8, c9, c10, c11, c12 = st.columns(5)
        steps = c8.number_input("Steps (0: task default)", 0, limits.max_train_steps, 0, step=100, key=K.STEPS,
                                help=f"This server trains at most {limits.max_train_steps:,} steps per job.")
        batch_size = c9.number_input("Batch size", 1, 1024, 64, key=K.BATCH)
        lr = c10.number_input("Learning rate", 0.0, 1.0, 0.003, step=0.001, format="%.4f", key=K.LR)
        every = c11.number_input("Snapshot every N steps", 1, 10_000, 25, key=K.EVERY)
        seed = c12.number_input("Seed", 0, 100_000, 0, key=K.SEED)
        device = st.selectbox("Device", available_devices(), key=K.DEVICE)
        submitted = st.form_submit_button("Start training", type="primary")
    if not submitted:
        return
    config = TrainConfig(task=task_name, architecture=None if arch == "task default" else arch, positional=positional,
                         n_layers=int(layers), n_heads=int(heads), d_model=int(d_model), length=int(length) or None,
                         steps=int(steps) or None, batch_size=int(batch_size), lr=float(lr),
                         snapshot_every=int(every), seed=int(seed), device=device)
    problems = config.problems() or [p for p in [jobs.steps_problem(config)] if p]
    for p in problems:
        st.error(escape(p))
    if not problems:
        jobs.start_job(config)


def controls(job: TrainingJob) -> None:
    """Stop a running (or waiting) job, or resume a stopped one for more steps, within the server's limit."""
    limit = settings.current().max_train_steps
    b1, b2, b3, b4 = st.columns([1, 1, 2, 2])
    if job.active:
        if b1.button("Stop", key=K.STOP):
            job.stop()
            st.rerun()
        return
    room = limit - job.trainer.step_count
    if room <= 0:
        b3.caption(f"This job has trained the {limit:,} steps a job may train on this server.")
        return
    more = b3.number_input("More steps", 1, room, min(200, room), step=100, key=K.MORE,
                           help=f"A job trains at most {limit:,} steps on this server.")
    if b1.button("Resume", key=K.RESUME, help="Train for the number of steps beside it."):
        job.start(extra_steps=int(more))
        st.rerun()


def job_state(job: TrainingJob) -> None:
    """Where the job stands: waiting in the queue (and how far back), or why it stopped."""
    if job.error:
        st.error(job.error)
    if job.note:
        st.info(job.note)
    if job.waiting:
        board = jobs.board()
        running, _ = board.counts()
        st.info(f"Waiting, {board.ahead(job)} ahead: this server trains {board.max_jobs} job"
                f"{'s' if board.max_jobs != 1 else ''} at once ({running} training now). It starts by itself "
                "when a place frees up.")


def progress(job: TrainingJob) -> None:
    """Where the job is, its last numbers, and the loss and accuracy curves."""
    trainer, cfg = job.trainer, job.trainer.config
    h = trainer.history
    job_state(job)
    done = trainer.step_count / max(cfg.steps, 1)
    state_word = "waiting" if job.waiting else "running" if job.running else (
        "finished" if job.finished else "stopped")
    st.progress(min(done, 1.0), text=f"{state_word}: step {trainer.step_count} of {cfg.steps} · {cfg.task}, "
                                     f"{cfg.architecture}, {cfg.positional} positions, {cfg.n_layers} layers × "
                                     f"{cfg.n_heads} heads, d_model {cfg.d_model}, on {trainer.device}")
    m = st.columns(4)
    m[0].metric("Step", trainer.step_count)
    m[1].metric("Loss", f"{h.loss[-1]:.4f}" if h.loss else "—")
    m[2].metric("Batch accuracy", f"{h.accuracy[-1]:.1%}" if h.accuracy else "—")
    m[3].metric("Held-out accuracy", f"{h.eval_accuracy[-1]:.2%}" if h.eval_accuracy else "—")
    steps_ = list(h.steps)
    if steps_:
        g1, g2 = st.columns(2)
        g1.plotly_chart(loss_chart(steps_, list(h.loss)), key=K.LOSS_CHART)
        g2.plotly_chart(accuracy_chart(steps_, list(h.accuracy), list(h.eval_steps), list(h.eval_accuracy)),
                        key=K.ACCURACY_CHART)


def snapshots(trainer: Trainer) -> None:
    """The probe's attention at a chosen snapshot, every head of one layer, and the task's own score."""
    cfg = trainer.config
    st.subheader("Attention of the probe, step by step")
    snaps = list(trainer.snapshots)
    src, tgt = trainer.task.probe
    st.caption(f"Probe input {code(src)} (answer {code(tgt)}), snapshotted every {cfg.snapshot_every} steps.")
    steps_seen = [s.step for s in snaps]
    follow = st.toggle("Follow the newest snapshot", True, key=K.FOLLOW,
                       help="Turn off to hold a step while training goes on.")
    if follow or st.session_state.get(K.SNAPSHOT) not in steps_seen:
        st.session_state[K.SNAPSHOT] = steps_seen[-1]
    chosen = st.select_slider("Snapshot at step", steps_seen, key=K.SNAPSHOT)
    snap = next(s for s in snaps if s.step == chosen)
    kinds = list(snap.attention)
    s1, s2 = st.columns(2)
    kind = s1.radio("Attention", kinds, format_func=KIND_LABELS.get, horizontal=True, key=K.KIND) \
        if len(kinds) > 1 else kinds[0]
    n_layers = snap.attention[kind].shape[0]
    layer = s2.slider("Layer", 0, n_layers - 1, 0, key=K.LAYER) if n_layers > 1 else 0
    q_tokens, k_tokens = trainer.probe_tokens[kind]
    cols = st.columns(min(cfg.n_heads, 4))
    for hd in range(cfg.n_heads):
        cols[hd % len(cols)].plotly_chart(snapshot_head(snap.attention[kind][layer, hd], q_tokens, k_tokens, hd),
                                          key=K.head_chart(hd))
    if cfg.task == "induction" and kind == "self":
        scores = induction_scores(snap.attention["self"], len(src))
        best = np.unravel_index(np.argmax(scores), scores.shape)
        st.markdown(f"**Induction score** (mean attention from each repeated token to the token after its first "
                    f"occurrence): best head is layer {best[0]}, head {best[1]} with **{scores[best]:.2f}** "
                    f"(uniform attention would give about {1 / (len(src) + 1):.2f}).")
        st.dataframe(np.round(scores, 3), width="content")
    if cfg.task == "reverse" and kind in ("self", "cross"):
        anti = anti_diagonal_mass(snap.attention[kind][layer])
        st.markdown("**Anti-diagonal mass** per head (mean attention from position i to position n − 1 − i): "
                    + ", ".join(f"head {hd}: {v:.2f}" for hd, v in enumerate(anti)))


def live(job: TrainingJob) -> None:
    """Progress, curves and snapshots; refreshes every second while the job waits or runs."""

    @st.fragment(run_every=1.0 if job.active else None)
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
    st.subheader("Try it and keep it")
    t1, t2 = st.columns(2)
    with t1:
        example = st.text_input("Input", trainer.task.probe[0], key=K.TRY)
        if job.active:
            st.caption("Stop training to try the model.")
        elif example:
            with job.lock:
                answer = trainer.predict(example)
            st.markdown(f"Model answers {code(answer)}")
    with t2:
        save_section(job)


def save_section(job: TrainingJob) -> None:
    """A checkpoint by name (never a path), a question when the name is taken, and where it went."""
    cfg = job.trainer.config
    jobs.suggest_name(job)
    name = st.text_input("Checkpoint name", key=K.NAME, max_chars=80,
                         help="A name, not a path: letters, digits, '-', '_' and '.'. Checkpoints are saved in "
                              f"this server's checkpoint folder, {code(jobs.shown(jobs.checkpoint_root()))}.")
    jobs.keep_name()
    if st.button("Save checkpoint", key=K.SAVE, disabled=job.active):
        problem = jobs.save(job, name)
        if problem:
            st.error(escape(problem))
        elif not st.session_state.get(K.ASK):
            st.rerun()  # the box shows the next free default name at once
    asked = st.session_state.get(K.ASK)
    if asked and not job.active:
        other = jobs.free_name(asked)
        st.warning(f"A checkpoint called {code(asked)} already exists. Replace it, or save this model as {code(other)}?")
        r1, r2 = st.columns(2)
        for column, label, key, args in ((r1, f"Replace {asked}", K.REPLACE, (asked, True)),
                                         (r2, f"Save as {other}", K.SAVE_AS, (other, False))):
            if column.button(label, key=key):
                problem = jobs.save(job, *args)
                if problem:
                    st.error(escape(problem))
                else:
                    st.rerun()
    saved = st.session_state.get(K.SAVED)
    if saved:
        saved_name, saved_folder = saved
        st.success(f"Saved as {code(saved_name)} in the checkpoint folder: {code(jobs.shown(saved_folder))} "
                   "(model.safetensors + attnviz_config.json).")
        if st.button("Open it in the explorer", key=K.OPEN, on_click=jobs.open_in_explorer,
                       args=(saved_folder, cfg.task, cfg.architecture)):
            st.switch_page("app_pages/explorer.py")


def main() -> None:
    intro()
    settings_form()
    job = jobs.current_job()
    if job is None:
        st.info("Choose a task and press **Start training**. The defaults train the reverse task to 100% held-out "
                "accuracy in a few seconds on a laptop CPU.")
        return
    controls(job)
    live(job)
    try_and_keep(job)


main()
