"""Training lab: train a small Transformer on a toy task and watch its attention form, step by step."""
import time
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from attnviz.core.device import available_devices
from attnviz.figures.plots import head_heatmap
from attnviz.training.tasks import TASKS
from attnviz.training.trainer import TrainConfig, induction_scores
from attnviz.core.types import KIND_LABELS
from attnviz.ui.training import current_job, open_checkpoint_in_explorer, start_job

st.title("Training lab")
st.caption("Train a small Transformer on a toy task and watch each head's pattern form: the reverse task's "
           "anti-diagonal, the induction head's shifted diagonal. Training runs on the GPU when there is one, "
           "in the background: visit other pages and come back.")

with st.form("train_form"):
    c1, c2, c3 = st.columns(3)
    task_name = c1.selectbox("Task", list(TASKS), key="train_task", index=list(TASKS).index("reverse"),
                             format_func=lambda t: f"{t} — {TASKS[t].about}")
    arch = c2.selectbox("Architecture", ["task default", "encoder", "decoder", "encoder-decoder"], key="train_arch")
    positional = c3.selectbox("Positional encoding", ["sinusoidal", "learned", "rotary", "none"], key="train_pos")
    c4, c5, c6, c7 = st.columns(4)
    layers = c4.number_input("Layers", 1, 6, 2, key="train_layers")
    heads = c5.number_input("Heads", 1, 16, 4, key="train_heads")
    d_model = c6.number_input("d_model", 4, 256, 64, step=4, key="train_d_model")
    length = c7.number_input("Length (0: task default)", 0, 40, 0, key="train_length")
    c8, c9, c10, c11, c12 = st.columns(5)
    steps = c8.number_input("Steps (0: task default)", 0, 100_000, 0, step=100, key="train_steps")
    batch_size = c9.number_input("Batch size", 1, 1024, 64, key="train_batch")
    lr = c10.number_input("Learning rate", 0.0, 1.0, 0.003, step=0.001, format="%.4f", key="train_lr")
    every = c11.number_input("Snapshot every N steps", 1, 10_000, 25, key="train_every")
    seed = c12.number_input("Seed", 0, 100_000, 0, key="train_seed")
    device = st.selectbox("Device", available_devices(), key="train_device")
    submitted = st.form_submit_button("Start training", type="primary")

if submitted:
    config = TrainConfig(task=task_name, architecture=None if arch == "task default" else arch, positional=positional,
                         n_layers=int(layers), n_heads=int(heads), d_model=int(d_model), length=int(length) or None,
                         steps=int(steps) or None, batch_size=int(batch_size), lr=float(lr),
                         snapshot_every=int(every), seed=int(seed), device=device)
    problems = config.problems()
    if problems:
        for p in problems:
            st.error(p)
    else:
        start_job(config)

job = current_job()
if job is None:
    st.info("Choose a task and press **Start training**. The defaults train the reverse task to 100% held-out "
            "accuracy in a few seconds on a laptop CPU.")
    st.stop()

trainer = job.trainer
cfg = trainer.config
b1, b2, b3, b4 = st.columns([1, 1, 2, 2])
if job.running:
    if b1.button("Stop", key="train_stop"):
        job.stop()
        st.rerun()
else:
    more = b3.number_input("More steps", 1, 100_000, 200, step=100, key="train_more")
    if b1.button("Resume", key="train_resume", help="Train for the number of steps beside it."):
        job.start(extra_steps=int(more))
        st.rerun()


@st.fragment(run_every=1.0 if job.running else None)
def live() -> None:
    """Progress, curves and snapshots; refreshes every second while the job runs."""
    h = trainer.history
    if job.error:
        st.error(f"Training stopped: {job.error}")
    done = trainer.step_count / max(cfg.steps, 1)
    state_word = "running" if job.running else ("finished" if job.finished else "stopped")
    st.progress(min(done, 1.0), text=f"{state_word}: step {trainer.step_count} of {cfg.steps} · {cfg.task}, "
                                     f"{cfg.architecture}, {cfg.positional} positions, {cfg.n_layers} layers × "
                                     f"{cfg.n_heads} heads, d_model {cfg.d_model}, on {trainer.device}")
    m = st.columns(4)
    m[0].metric("Step", trainer.step_count)
    m[1].metric("Loss", f"{h.loss[-1]:.4f}" if h.loss else "—")
    m[2].metric("Batch accuracy", f"{h.accuracy[-1]:.1%}" if h.accuracy else "—")
    m[3].metric("Held-out accuracy", f"{h.eval_accuracy[-1]:.2%}" if h.eval_accuracy else "—")
    steps_, loss, acc = list(h.steps), list(h.loss), list(h.accuracy)
    if steps_:
        g1, g2 = st.columns(2)
        fig = go.Figure(go.Scatter(x=steps_, y=loss, mode="lines", name="loss"))
        fig.update_layout(title={"text": "Loss"}, height=260, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                          yaxis={"type": "log"}, xaxis={"title": {"text": "step"}})
        g1.plotly_chart(fig, key="train_loss")
        fig = go.Figure(go.Scatter(x=steps_, y=acc, mode="lines", name="training batch"))
        fig.add_scatter(x=list(h.eval_steps), y=list(h.eval_accuracy), mode="lines+markers", name="held-out")
        fig.update_layout(title={"text": "Token accuracy"}, height=260, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                          yaxis={"range": [0, 1.02]}, xaxis={"title": {"text": "step"}},
                          legend={"orientation": "h", "y": -0.3})
        g2.plotly_chart(fig, key="train_acc")

    st.subheader("Attention of the probe, step by step")
    snaps = list(trainer.snapshots)
    src, tgt = trainer.task.probe
    st.caption(f"Probe input `{src}` (answer `{tgt}`), snapshotted every {cfg.snapshot_every} steps.")
    steps_seen = [s.step for s in snaps]
    follow = st.toggle("Follow the newest snapshot", True, key="train_follow",
                       help="Turn off to hold a step while training goes on.")
    if follow or st.session_state.get("train_snap") not in steps_seen:
        st.session_state["train_snap"] = steps_seen[-1]
    chosen = st.select_slider("Snapshot at step", steps_seen, key="train_snap")
    snap = next(s for s in snaps if s.step == chosen)
    kinds = list(snap.attention)
    s1, s2 = st.columns(2)
    kind = s1.radio("Attention", kinds, format_func=KIND_LABELS.get, horizontal=True, key="train_kind") \
        if len(kinds) > 1 else kinds[0]
    n_layers = snap.attention[kind].shape[0]
    layer = s2.slider("Layer", 0, n_layers - 1, 0, key="train_layer") if n_layers > 1 else 0
    q_tokens, k_tokens = trainer.probe_tokens[kind]
    cols = st.columns(min(cfg.n_heads, 4))
    for hd in range(cfg.n_heads):
        with cols[hd % len(cols)]:
            fig = head_heatmap(snap.attention[kind][layer, hd], q_tokens, k_tokens, title=f"head {hd}")
            fig.update_layout(height=330, margin={"l": 0, "r": 0, "t": 60, "b": 0})
            fig.update_traces(showscale=False)
            st.plotly_chart(fig, key=f"train_head_{hd}")
    if cfg.task == "induction" and kind == "self":
        scores = induction_scores(snap.attention["self"], len(src))
        best = np.unravel_index(np.argmax(scores), scores.shape)
        st.markdown(f"**Induction score** (mean attention from each repeated token to the token after its first "
                    f"occurrence): best head is layer {best[0]}, head {best[1]} with **{scores[best]:.2f}** "
                    f"(uniform attention would give about {1 / (len(src) + 1):.2f}).")
        st.dataframe(np.round(scores, 3), width="content")
    if cfg.task == "reverse" and kind in ("self", "cross"):
        a = snap.attention[kind][layer]
        n = min(a.shape[-2], a.shape[-1])
        anti = np.array([[a[hd, i, n - 1 - i] for i in range(n)] for hd in range(a.shape[0])]).mean(axis=1)
        st.markdown("**Anti-diagonal mass** per head (mean attention from position i to position n − 1 − i): "
                    + ", ".join(f"head {hd}: {v:.2f}" for hd, v in enumerate(anti)))
    if job.running:
        time.sleep(0)  # the fragment reruns on its own
    elif st.session_state.get("train_was_running"):
        st.session_state["train_was_running"] = False
        st.rerun()
    st.session_state["train_was_running"] = job.running


live()

st.subheader("Try it and keep it")
t1, t2 = st.columns(2)
with t1:
    example = st.text_input("Input", trainer.task.probe[0], key="train_try")
    if job.running:
        st.caption("Stop training to try the model.")
    elif example:
        with job.lock:
            answer = trainer.predict(example)
        st.markdown(f"Model answers **`{answer}`**")
with t2:
    default_dir = str(Path("checkpoints") / f"{cfg.task}-{cfg.architecture}")
    folder = st.text_input("Checkpoint folder", default_dir, key="train_dir")
    if st.button("Save checkpoint", key="train_save", disabled=job.running):
        try:
            with job.lock:
                path = trainer.save(folder)
            st.session_state["train_saved"] = str(Path(path).resolve())
        except OSError as exc:
            st.error(f"Could not write `{folder}`: {exc}")
    saved = st.session_state.get("train_saved")
    if saved:
        st.success(f"Saved to `{saved}` (model.safetensors + attnviz_config.json).")
        if st.button("Open it in the explorer", key="train_open", on_click=open_checkpoint_in_explorer, args=(saved,)):
            st.switch_page("pages/home.py")
